// SPDX-License-Identifier: MIT
// `pcp send` and `pcp receive` (DESIGN §5–§6): discover (mDNS) → connect (TCP + Noise + yamux) →
// authenticate (CPace on /pcp/pake/1.0.0) → offer and confirm → transfer (/pcp/transfer/1.0.0).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/dht_setup.hpp"

namespace pcp::cli {

struct common_transfer_options {
    bool json = false;
    bool no_mdns = false;
    bool no_dht = false;                 ///< do not use the DHT
    dht_cli_options dht;                 ///< --bootstrap, --private-dht, --dns-server
    std::vector<std::string> listen;     ///< listen multiaddrs; default 0.0.0.0 and :: on a random port
    int verbosity = 0;                   ///< -q = -1, -v = 1
    double timeout_seconds = 300;        ///< receive: give up finding the sender after this long
};

struct send_command_options : common_transfer_options {
    std::vector<std::string> paths;
    std::size_t words = 4;
    std::optional<std::string> code;     ///< --code: use this phrase instead of fresh words
    int attempts = 3;                    ///< failed PAKE attempts before the code is burned
};

struct receive_command_options : common_transfer_options {
    std::optional<std::string> code;     ///< from argv; else PCP_WORDS; else a prompt
    bool yes = false;
    std::string output = ".";
    bool overwrite = false;
    bool no_sync = false;
};

int run_send(const send_command_options& opts);
int run_receive(receive_command_options opts);

} // namespace pcp::cli
