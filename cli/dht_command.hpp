// SPDX-License-Identifier: MIT
// `pcp dht provide|find-providers|find-peer`: the DHT on its own, for diagnostics and interop
// tests (docs/cli.md). Each run is a short-lived DHT client (a server with --server).
#pragma once

#include <string>
#include <vector>

#include "cli/dht_setup.hpp"

namespace pcp::cli {

struct dht_command_options {
    enum class action { provide, find_providers, find_peer } what = action::find_providers;
    std::string target;                 ///< a CID (provide, find-providers) or a peer ID (find-peer)
    dht_cli_options dht;
    std::vector<std::string> listen;    ///< default /ip4/0.0.0.0/tcp/0 and /ip6/::/tcp/0
    bool json = false;
    int verbosity = 0;
    double timeout_seconds = 60;        ///< bootstrap + the lookup
    std::size_t count = 1;              ///< find-providers: stop after this many
    double stay_seconds = -1;           ///< provide: keep serving this long afterwards (-1: until a signal)
};

/// Exit codes: 0 done (found), 3 nothing found / no DHT peer reachable, 2 usage, 130/143 signals.
int run_dht_command(const dht_command_options& opts);

} // namespace pcp::cli
