// SPDX-License-Identifier: MIT
// dnsaddr TXT entries and the DNS parts of multiaddrs (multiformats/multiaddr protocols/DNSADDR.md,
// libp2p-digest §2): `dnsaddr=<multiaddr>` strings in the TXT records of `_dnsaddr.<domain>`,
// suffix matching as go-multiaddr-dns does it, and cutting an address at its first /dns, /dns4,
// /dns6 or /dnsaddr component. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/result.hpp"
#include "p2p/peer/multiaddr.hpp"

namespace pcp::p2p::dnsaddr {

/// What a TXT string must start with to be a dnsaddr entry (case-sensitive, as go and js).
inline constexpr std::string_view txt_prefix = "dnsaddr=";
/// Prepended to a /dnsaddr domain to get the name whose TXT records are looked up.
inline constexpr std::string_view txt_name_prefix = "_dnsaddr.";
/// Longest DNS name queried (RFC 1035 text form without the final dot).
inline constexpr std::size_t max_dns_name_size = 253;

/// True for proto::dns, dns4, dns6 and dnsaddr.
[[nodiscard]] bool is_dns_code(std::uint64_t code) noexcept;
/// True when some component of `addr` needs a DNS lookup.
[[nodiscard]] bool has_dns(const peer::multiaddr& addr) noexcept;

/// One TXT string as a dnsaddr entry: std::nullopt when it does not start with "dnsaddr=" (some
/// other TXT record: skip it silently), else the multiaddr after the prefix. Errors:
/// errc::bad_entry when that is not a valid multiaddr (skip it, and count it).
[[nodiscard]] result<std::optional<peer::multiaddr>> parse_entry(std::string_view text);

/// "_dnsaddr." + domain. Errors: errc::bad_name when the domain is empty or the name (without a
/// final '.') is longer than max_dns_name_size.
[[nodiscard]] result<std::string> txt_query_name(std::string_view domain);

/// An address cut at its first DNS component.
struct dns_split {
    peer::multiaddr prefix; ///< the components before it (usually none)
    std::uint64_t code = 0; ///< proto::dns, dns4, dns6 or dnsaddr
    std::string name;       ///< its value, a domain name
    peer::multiaddr suffix; ///< the components after it, e.g. /tcp/4001/p2p/<id>
};

/// `addr` cut at its first DNS component; std::nullopt when it has none.
[[nodiscard]] std::optional<dns_split> split_at_dns(const peer::multiaddr& addr);

/// True when the last components of `addr` are exactly those of `suffix` (codes and value bytes,
/// so /p2p/Qm… and /p2p/bafz… of the same peer match). An empty suffix matches every address.
[[nodiscard]] bool ends_with(const peer::multiaddr& addr, const peer::multiaddr& suffix);

} // namespace pcp::p2p::dnsaddr
