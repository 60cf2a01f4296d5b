// SPDX-License-Identifier: MIT
// Unsigned varint (multiformats/unsigned-varint): LEB128, minimal encoding, at most 9 bytes
// (63 bits). Used by multiaddr, multihash, CID, LP framing and multistream. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "engine/bytes.hpp"

namespace pcp::p2p::peer {

/// Longest valid encoding (63-bit values).
inline constexpr std::size_t max_varint_size = 9;

/// Outcome of decoding a varint prefix.
enum class varint_status {
    ok,          ///< value and size are set
    need_more,   ///< input ended inside a varint: read more bytes
    overflow,    ///< more than 9 bytes, or a value past 2^63-1
    not_minimal, ///< a trailing zero group (e.g. 0x81 0x00): rejected by the spec
};

struct varint_result {
    varint_status status = varint_status::need_more;
    std::uint64_t value = 0;
    std::size_t size = 0; ///< bytes used, when ok
};

/// Decode a varint at the start of `in` (never reads past it).
[[nodiscard]] constexpr varint_result decode_varint(bytes_view in) noexcept
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (i == max_varint_size) {
            return {varint_status::overflow, 0, 0};
        }
        auto b = std::to_integer<std::uint64_t>(in[i]);
        v |= (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            if (b == 0 && i > 0) {
                return {varint_status::not_minimal, 0, 0};
            }
            // The ninth byte carries bits 56..62, so every 9-byte encoding fits in 63 bits.
            return {varint_status::ok, v, i + 1};
        }
    }
    if (in.size() >= max_varint_size) {
        return {varint_status::overflow, 0, 0};
    }
    return {varint_status::need_more, 0, 0};
}

/// Bytes needed to encode v.
[[nodiscard]] constexpr std::size_t varint_size(std::uint64_t v) noexcept
{
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

/// Append the minimal encoding of v (v < 2^63).
inline void encode_varint(std::uint64_t v, byte_buffer& out)
{
    while (v >= 0x80) {
        out.push_back(static_cast<std::byte>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::byte>(v));
}

} // namespace pcp::p2p::peer
