// SPDX-License-Identifier: MIT
// yamux framing (libp2p/specs yamux/README.md = hashicorp yamux spec.md; digest §6): a 12-byte
// big-endian header `version u8 | type u8 | flags u16 | stream_id u32 | length u32`, followed by
// `length` payload bytes for Data frames only. Pure: no Asio.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/yamux/errc.hpp"

namespace pcp::p2p::yamux {

/// Multistream protocol id.
inline constexpr std::string_view protocol_id = "/yamux/1.0.0";
/// Size of every frame header.
inline constexpr std::size_t header_size = 12;
/// The only version defined.
inline constexpr std::uint8_t protocol_version = 0;
/// The implicit initial window of every stream, both directions (never sent on the wire).
inline constexpr std::uint32_t initial_stream_window = 256 * 1024;

/// Frame types.
enum class frame_type : std::uint8_t {
    data = 0,          ///< length = payload size
    window_update = 1, ///< length = window delta (with RST: an error code)
    ping = 2,          ///< length = opaque value to echo
    go_away = 3,       ///< length = go_away_code
};

/// Header flag bits.
namespace flag {
inline constexpr std::uint16_t syn = 0x1; ///< open a stream / ping request
inline constexpr std::uint16_t ack = 0x2; ///< accept a stream / ping response
inline constexpr std::uint16_t fin = 0x4; ///< half-close
inline constexpr std::uint16_t rst = 0x8; ///< reset
} // namespace flag

/// GoAway codes.
enum class go_away_code : std::uint32_t { normal = 0, protocol_error = 1, internal_error = 2 };

using stream_id = std::uint32_t;

/// One frame header.
struct header {
    std::uint8_t version = protocol_version;
    frame_type type = frame_type::data;
    std::uint16_t flags = 0;
    stream_id id = 0;
    std::uint32_t length = 0;

    [[nodiscard]] bool has(std::uint16_t f) const noexcept { return (flags & f) != 0; }
    friend bool operator==(const header&, const header&) = default;
};

/// Append the 12 header bytes (big-endian).
void encode(const header& h, byte_buffer& out);
/// Write the 12 header bytes (big-endian) into `out`.
void encode(const header& h, std::span<std::byte, header_size> out) noexcept;

/// Append a Data frame: header (length = payload.size()) then the payload.
/// Precondition: payload.size() <= UINT32_MAX.
void encode_data(stream_id id, std::uint16_t flags, bytes_view payload, byte_buffer& out);

/// Decode a header at the start of `in` (payload not included: `consumed` is always 12).
/// need_more(12) when fewer than 12 bytes are available.
/// Errors: errc::bad_version (version != 0), errc::bad_type (type > 3). Unknown flag bits are kept.
[[nodiscard]] result<decoded<header>> decode(bytes_view in);

} // namespace pcp::p2p::yamux
