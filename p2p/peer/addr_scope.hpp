// SPDX-License-Identifier: MIT
// Address scope of a multiaddr: whether it can mean anything to a peer on another network.
// The public DHT only carries public addresses (DESIGN §4; go's WAN DHT filter); a private DHT
// (--bootstrap) keeps the rest too. Pure.
#pragma once

#include "p2p/peer/multiaddr.hpp"

namespace pcp::p2p::peer {

enum class addr_scope : std::uint8_t {
    unspecified, ///< 0.0.0.0, ::
    loopback,    ///< 127/8, ::1
    link_local,  ///< 169.254/16, fe80::/10
    private_net, ///< RFC 1918, 100.64/10 (CGNAT), fc00::/7 (ULA), and other non-routable blocks
    public_net,  ///< anything else with an IP, and DNS names (dns, dns4, dns6, dnsaddr)
    unknown,     ///< no IP or DNS component (e.g. a bare /p2p/…)
};

/// The scope of the first IP or DNS component of `ma`.
[[nodiscard]] addr_scope scope_of(const multiaddr& ma) noexcept;

/// True when `ma` is worth handing to a peer on the public internet.
[[nodiscard]] inline bool is_public(const multiaddr& ma) noexcept
{
    return scope_of(ma) == addr_scope::public_net;
}

} // namespace pcp::p2p::peer
