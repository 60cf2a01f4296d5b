// SPDX-License-Identifier: MIT
// The DHT as the CLI uses it (DESIGN §4): which bootstrap list, DNS resolution of /dnsaddr and
// /dns* bootstrap addresses, public-versus-private address policy, and progress reporting.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/reporter.hpp"
#include "engine/task.hpp"
#include "p2p/host/host.hpp"
#include "p2p/kad/service.hpp"

namespace pcp::cli {

struct dht_cli_options {
    /// --bootstrap: replaces the public list; a private DHT, so private and loopback addresses
    /// are allowed in records and the routing table.
    std::vector<std::string> bootstrap;
    /// --dns-server IP[:PORT]: resolve /dnsaddr and /dns* with these servers instead of resolv.conf.
    std::vector<std::string> dns_servers;
    /// --private-dht: a private DHT even without --bootstrap (the first node of one): no public
    /// bootstrap list, private and loopback addresses allowed.
    bool private_net = false;
    /// Serve the DHT (pcp node --dht-server).
    bool server = false;
};

/// The public Amino DHT bootstrap peers (kubo's well-known list).
[[nodiscard]] const std::vector<std::string>& default_bootstrap();

/// True when the options describe a private DHT (--private-dht or an explicit --bootstrap list).
[[nodiscard]] inline bool private_dht(const dht_cli_options& o) noexcept
{
    return o.private_net || !o.bootstrap.empty();
}

/// Parse the bootstrap texts (the public list unless the DHT is private). Errors name the bad entry.
[[nodiscard]] result<std::vector<p2p::peer::multiaddr>> parse_bootstrap(const dht_cli_options& o, std::string& bad);

/// parse_bootstrap for a command: nullopt after reporting a bad entry as a usage error (exit 2).
[[nodiscard]] std::optional<std::vector<p2p::peer::multiaddr>> bootstrap_or_report(const dht_cli_options& o, const reporter& rep);

/// Build the DHT node for `h` (call before h.start(): server mode registers the protocol).
[[nodiscard]] std::unique_ptr<p2p::kad::dht> make_dht(p2p::host::host& h, const dht_cli_options& o);

/// Resolve the bootstrap list (DNS), bootstrap within `deadline`, and report progress with
/// --json events `dht_bootstrap` and human detail lines. Returns the routing table size.
[[nodiscard]] task<result<std::size_t>> start_dht(p2p::kad::dht& d, const dht_cli_options& o,
                                                  std::vector<p2p::peer::multiaddr> bootstrap, const reporter& rep,
                                                  duration deadline);

/// The CIDv1(raw, sha2-256(id)) text for a discovery ID (what the DHT key stands for).
[[nodiscard]] std::string discovery_cid(std::string_view discovery_id);

} // namespace pcp::cli
