// SPDX-License-Identifier: MIT
// Multiaddr DNS resolution over transport::dns::resolver: /dnsaddr (recursive, suffix-matched),
// /dns, /dns4 and /dns6 (to /ip4 and /ip6 in place). The logic is dnsaddr::resolution
// (machine.hpp); this glue makes its lookups, those that are ready at once in parallel.
// Protocol notes and limits: docs/protocols/dnsaddr.md.
#pragma once

#include <vector>

#include "engine/clock.hpp"
#include "engine/task.hpp"
#include "p2p/dnsaddr/machine.hpp"
#include "transport/dns/resolver.hpp"

namespace pcp::p2p::dnsaddr {

/// Most addresses resolve_all() takes; the rest fail with errc::too_many_entries.
inline constexpr std::size_t max_list_size = 64;

/// Fully resolve `addr`: every address returned has no DNS component. An address without DNS
/// components comes back unchanged (no lookup). When some lookups fail and others succeed, what
/// resolved is returned. Errors, only when nothing resolved: the first failure — a
/// transport::dns error (not_found, offline, bad_name, cancelled, …) or errc::no_addresses (no
/// entry matched), too_deep, too_many_lookups. Takes at most max_depth rounds of lookups (those
/// of a round run in parallel), each bounded by the resolver's query timeout (resolver_config).
/// Safe to cancel (lookups in flight end at once); `r` must outlive the call.
[[nodiscard]] task<result<std::vector<peer::multiaddr>>> resolve(transport::dns::resolver& r, peer::multiaddr addr);

/// As resolve(), but gives up at `deadline` (measured from the call): what resolved by then is
/// returned; engine errc::timed_out when nothing had.
[[nodiscard]] task<result<std::vector<peer::multiaddr>>> resolve(transport::dns::resolver& r, peer::multiaddr addr,
                                                                 duration deadline);

/// The outcome of resolve_all().
struct resolved_list {
    /// Every address resolved, inputs in order, without duplicates.
    std::vector<peer::multiaddr> addresses;
    /// Each input that resolved to nothing, with resolve()'s error for it.
    std::vector<failure> failures;
};

/// Resolve every address of `addrs` in parallel, all within `deadline` (measured from the call).
/// Inputs beyond max_list_size fail with errc::too_many_entries. Never fails as a whole. Safe to
/// cancel (returns what resolved until then); `r` must outlive the call.
[[nodiscard]] task<resolved_list> resolve_all(transport::dns::resolver& r, std::vector<peer::multiaddr> addrs,
                                              duration deadline);

} // namespace pcp::p2p::dnsaddr
