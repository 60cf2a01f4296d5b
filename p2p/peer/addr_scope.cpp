// SPDX-License-Identifier: MIT
#include "p2p/peer/addr_scope.hpp"

namespace pcp::p2p::peer {
namespace {

std::uint8_t octet(bytes_view v, std::size_t i) noexcept
{
    return static_cast<std::uint8_t>(v[i]);
}

addr_scope scope_v4(bytes_view v) noexcept
{
    const auto a = octet(v, 0);
    const auto b = octet(v, 1);
    if (a == 0) {
        return addr_scope::unspecified; // 0/8: "this network"
    }
    if (a == 127) {
        return addr_scope::loopback;
    }
    if (a == 169 && b == 254) {
        return addr_scope::link_local;
    }
    if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168) || // RFC 1918
        (a == 100 && (b & 0xc0) == 64) ||                                        // 100.64/10 CGNAT
        (a == 192 && b == 0 && octet(v, 2) == 0) ||                              // 192.0.0/24
        (a == 192 && b == 0 && octet(v, 2) == 2) ||                              // TEST-NET-1
        (a == 198 && (b & 0xfe) == 18) ||                                        // 198.18/15 benchmarking
        (a == 198 && b == 51 && octet(v, 2) == 100) ||                           // TEST-NET-2
        (a == 203 && b == 0 && octet(v, 2) == 113) ||                            // TEST-NET-3
        a >= 224) {                                                              // multicast, reserved
        return addr_scope::private_net;
    }
    return addr_scope::public_net;
}

addr_scope scope_v6(bytes_view v) noexcept
{
    bool zero_prefix = true;
    for (std::size_t i = 0; i < 15; ++i) {
        zero_prefix = zero_prefix && octet(v, i) == 0;
    }
    if (zero_prefix && octet(v, 15) == 0) {
        return addr_scope::unspecified;
    }
    if (zero_prefix && octet(v, 15) == 1) {
        return addr_scope::loopback;
    }
    // ::ffff:a.b.c.d — judge the embedded IPv4 address.
    bool mapped = true;
    for (std::size_t i = 0; i < 10; ++i) {
        mapped = mapped && octet(v, i) == 0;
    }
    if (mapped && octet(v, 10) == 0xff && octet(v, 11) == 0xff) {
        return scope_v4(v.subspan(12, 4));
    }
    const auto a = octet(v, 0);
    const auto b = octet(v, 1);
    if (a == 0xfe && (b & 0xc0) == 0x80) {
        return addr_scope::link_local;
    }
    if ((a & 0xfe) == 0xfc ||                                   // fc00::/7 ULA
        (a == 0x20 && b == 0x01 && octet(v, 2) == 0x0d && octet(v, 3) == 0xb8) || // 2001:db8::/32 docs
        a == 0xff ||                                            // multicast
        (a & 0xe0) != 0x20) {                                   // outside 2000::/3 global unicast
        return addr_scope::private_net;
    }
    return addr_scope::public_net;
}

} // namespace

addr_scope scope_of(const multiaddr& ma) noexcept
{
    for (const auto& c : ma) {
        switch (c.code) {
        case proto::ip4:
            return scope_v4(c.value);
        case proto::ip6:
            return scope_v6(c.value);
        case proto::dns:
        case proto::dns4:
        case proto::dns6:
        case proto::dnsaddr:
            return addr_scope::public_net;
        default:
            break;
        }
    }
    return addr_scope::unknown;
}

} // namespace pcp::p2p::peer
