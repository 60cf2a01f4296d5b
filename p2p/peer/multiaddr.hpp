// SPDX-License-Identifier: MIT
// Multiaddr (multiformats/multiaddr README + protocols.csv, libp2p-digest §2): binary
// uvarint(code) || value, text /name/value/… Supports ip4, ip6, ip6zone, tcp, udp, dns, dns4,
// dns6, dnsaddr, p2p (alias ipfs), p2p-circuit, quic, quic-v1, tls, noise, ws, wss, webtransport,
// certhash, webrtc-direct and webrtc; any other code or name is an error. Values are validated
// on every path in, so a multiaddr object always holds well-formed bytes. Pure.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::peer {

/// Largest binary multiaddr accepted.
inline constexpr std::size_t max_multiaddr_size = 1024;
/// Most components in one multiaddr.
inline constexpr std::size_t max_multiaddr_components = 32;
/// Longest DNS name value (dns, dns4, dns6, dnsaddr) and ip6zone value.
inline constexpr std::size_t max_multiaddr_name_size = 255;
/// Longest text form accepted by from_string.
inline constexpr std::size_t max_multiaddr_text_size = 4096;

/// Protocol codes (multiaddr protocols.csv).
namespace proto {
inline constexpr std::uint64_t ip4 = 4;
inline constexpr std::uint64_t tcp = 6;
inline constexpr std::uint64_t dns = 53;
inline constexpr std::uint64_t dns4 = 54;
inline constexpr std::uint64_t dns6 = 55;
inline constexpr std::uint64_t dnsaddr = 56;
inline constexpr std::uint64_t ip6 = 41;
inline constexpr std::uint64_t ip6zone = 42;
inline constexpr std::uint64_t udp = 273;
inline constexpr std::uint64_t webrtc_direct = 280;
inline constexpr std::uint64_t webrtc = 281;
inline constexpr std::uint64_t p2p_circuit = 290;
inline constexpr std::uint64_t p2p = 421;
inline constexpr std::uint64_t tls = 448;
inline constexpr std::uint64_t noise = 454;
inline constexpr std::uint64_t quic = 460;
inline constexpr std::uint64_t quic_v1 = 461;
inline constexpr std::uint64_t webtransport = 465;
inline constexpr std::uint64_t certhash = 466;
inline constexpr std::uint64_t ws = 477;
inline constexpr std::uint64_t wss = 478;
} // namespace proto

/// How a protocol's value is encoded.
enum class value_kind : std::uint8_t {
    none,     ///< no value (quic-v1, ws, p2p-circuit, …)
    ip4,      ///< 4 bytes, dotted quad
    ip6,      ///< 16 bytes, RFC 4291 text
    port,     ///< 2 bytes big-endian, decimal
    name,     ///< varint length + 1..255 bytes without '/' (dns*, ip6zone)
    peer,     ///< varint length + peer ID multihash; text base58btc (or CIDv1 on input)
    certhash, ///< varint length + multihash; text multibase (printed base64url 'u')
};

/// Static description of a supported protocol.
struct protocol_info {
    std::uint64_t code = 0;
    std::string_view name;
    value_kind kind = value_kind::none;
};

/// Look up a supported protocol by code; nullptr when unknown.
[[nodiscard]] const protocol_info* find_protocol(std::uint64_t code) noexcept;
/// Look up a supported protocol by text name ("ipfs" finds p2p); nullptr when unknown.
[[nodiscard]] const protocol_info* find_protocol(std::string_view name) noexcept;

/// One component: protocol code and its raw value bytes (views the multiaddr's storage).
struct component {
    std::uint64_t code = 0;
    bytes_view value;

    /// The protocol's text name.
    [[nodiscard]] std::string_view name() const noexcept;
    /// The value in text form ("" for protocols without a value).
    [[nodiscard]] std::string value_string() const;
};

/// An IP endpoint taken from `/ip4|ip6/<addr>/tcp|udp/<port>`.
struct ip_endpoint {
    enum class transport : std::uint8_t { tcp, udp };
    bool v6 = false;
    std::array<std::byte, 16> ip{}; ///< network order; the first 4 bytes for IPv4
    std::uint16_t port = 0;
    transport proto = transport::tcp;
    std::string zone; ///< ip6zone, when the address had one

    /// Address text ("1.2.3.4", "::1"), without zone or port.
    [[nodiscard]] std::string ip_string() const;
    friend bool operator==(const ip_endpoint&, const ip_endpoint&) = default;
};

/// A validated multiaddr. Default-constructed it is empty (no components).
class multiaddr {
public:
    /// Forward iterator over components.
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = component;
        using difference_type = std::ptrdiff_t;
        using pointer = const component*;
        using reference = const component&;

        iterator() = default;
        reference operator*() const noexcept { return cur_; }
        pointer operator->() const noexcept { return &cur_; }
        iterator& operator++() noexcept;
        iterator operator++(int) noexcept
        {
            auto t = *this;
            ++*this;
            return t;
        }
        friend bool operator==(const iterator& a, const iterator& b) noexcept
        {
            return a.rest_.data() == b.rest_.data() && a.rest_.size() == b.rest_.size() &&
                   a.at_end_ == b.at_end_;
        }

    private:
        friend class multiaddr;
        explicit iterator(bytes_view all) noexcept;
        bytes_view rest_; ///< bytes after the current component
        component cur_;
        bool at_end_ = true;
    };

    multiaddr() = default;
    /// Parse `/name/value/…` (a trailing '/' is tolerated). Errors: bad_multiaddr,
    /// unknown_protocol, bad_protocol_value, too_long, too_many_components.
    [[nodiscard]] static result<multiaddr> from_string(std::string_view text);
    /// Validate binary bytes. Errors: bad_multiaddr (empty, truncated, bad varint),
    /// unknown_protocol, bad_protocol_value, too_long, too_many_components.
    [[nodiscard]] static result<multiaddr> from_bytes(bytes_view bytes);

    /// The binary form.
    [[nodiscard]] const byte_buffer& bytes() const noexcept { return bytes_; }
    /// The text form (p2p values printed as base58btc).
    [[nodiscard]] std::string to_string() const;
    [[nodiscard]] iterator begin() const noexcept { return iterator(bytes_); }
    [[nodiscard]] iterator end() const noexcept { return iterator(); }
    /// All components, in order.
    [[nodiscard]] std::vector<component> components() const;
    /// Number of components.
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }
    /// The first component with this code.
    [[nodiscard]] std::optional<component> find(std::uint64_t code) const noexcept;
    [[nodiscard]] bool has(std::uint64_t code) const noexcept { return find(code).has_value(); }

    /// Append one component (validated like from_bytes). Errors as from_bytes; unchanged on error.
    [[nodiscard]] result<void> append(std::uint64_t code, bytes_view value = {});
    /// This address followed by `tail`. Errors: too_long, too_many_components.
    [[nodiscard]] result<multiaddr> encapsulate(const multiaddr& tail) const;

    /// The IP endpoint when the address starts `[/ip6zone/z]/ip4|ip6/a/tcp|udp/p`.
    [[nodiscard]] std::optional<ip_endpoint> ip_port() const;
    /// The peer ID of a trailing `/p2p/<id>` component (the target in circuit addresses).
    [[nodiscard]] std::optional<peer_id> peer() const;
    /// This address without a trailing `/p2p/<id>` (unchanged when there is none).
    [[nodiscard]] multiaddr without_peer() const;
    /// This address with `/p2p/<id>` appended, replacing an existing trailing one.
    [[nodiscard]] result<multiaddr> with_peer(const peer_id& id) const;

    friend bool operator==(const multiaddr& a, const multiaddr& b) noexcept { return a.bytes_ == b.bytes_; }
    friend auto operator<=>(const multiaddr& a, const multiaddr& b) noexcept { return a.bytes_ <=> b.bytes_; }

private:
    byte_buffer bytes_;
    std::size_t count_ = 0;
};

} // namespace pcp::p2p::peer
