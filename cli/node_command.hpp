// SPDX-License-Identifier: MIT
// `pcp node` and `pcp ping`: a plain libp2p node, and libp2p ping for diagnostics (DESIGN §6).
#pragma once

#include <string>
#include <vector>

#include "cli/dht_setup.hpp"

namespace pcp::cli {

struct node_options {
    std::vector<std::string> listen; ///< multiaddrs; empty = /ip4/0.0.0.0/tcp/0 and /ip6/::/tcp/0
    bool json = false;
    bool no_mdns = false; ///< do not announce on mDNS as an ordinary libp2p peer (_p2p._udp.local)
    std::size_t max_connections = 1024; ///< live connections; more inbound are refused at once
    std::size_t max_streams = 512;      ///< inbound yamux streams per connection; more are reset
    /// The DHT: joined when --dht-server, --bootstrap or --private-dht is given.
    dht_cli_options dht;
};

struct ping_options {
    std::string target; ///< multiaddr with /p2p/<id>
    int count = 3;
    bool json = false;
    double timeout_seconds = 10;
};

/// Runs until SIGINT/SIGTERM; returns an exit code (0 after a signal).
int run_node(const node_options& opts);
/// Returns 0 when every ping was answered, 3 when the peer could not be reached.
int run_ping(const ping_options& opts);

} // namespace pcp::cli
