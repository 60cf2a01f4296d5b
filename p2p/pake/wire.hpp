// SPDX-License-Identifier: MIT
// Wire format of /pcp/pake/1.0.0 (docs/protocols/pake.md): every message is one protobuf,
// length-prefixed with an unsigned varint (libp2p's LP framing). One message type carries the
// CPace share, the associated data, the key-confirmation tag or an abort reason; which fields a
// message must have depends on the step (machine.hpp). Unknown fields are skipped; a repeated
// known field is malformed. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/cpace.hpp"
#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/pake/errc.hpp"

namespace pcp::p2p::pake {

/// The multistream protocol ID.
inline constexpr std::string_view protocol_id = "/pcp/pake/1.0.0";

/// Size of a share (an encoded ristretto255 element, Ya or Yb).
inline constexpr std::size_t share_size = crypto::cpace::point_size;
/// Size of a key-confirmation tag (HMAC-SHA512).
inline constexpr std::size_t tag_size = crypto::cpace::tag_size;
/// Longest associated data (ADa or ADb) a message may carry.
inline constexpr std::size_t max_ad_size = 256;
/// Longest protobuf body of one message (the largest valid one is 2+32 + 3+256 + 2+64 + 2+10).
inline constexpr std::size_t max_message_size = 512;
/// Longest frame: varint prefix plus body.
inline constexpr std::size_t max_frame_size = 2 + max_message_size;

/// Protobuf field numbers.
enum field_number : std::uint32_t {
    share_field = 1,   ///< bytes, exactly share_size
    ad_field = 2,      ///< bytes, at most max_ad_size
    confirm_field = 3, ///< bytes, exactly tag_size
    abort_field = 4,   ///< varint abort_reason
};

/// Why a side gave up; carried by the abort message.
enum class abort_reason : std::uint64_t {
    wrong_code = 1,     ///< key confirmation failed
    protocol_error = 2, ///< anything else (bad share, malformed or unexpected message)
};

/// One /pcp/pake/1.0.0 message. Absent fields are nullopt; an absent ad equals an empty one.
struct message {
    std::optional<crypto::cpace::point> share;
    std::optional<byte_buffer> ad;
    std::optional<crypto::cpace::tag> confirm;
    std::optional<std::uint64_t> abort; ///< an abort_reason value (unknown values are kept)
};

/// Append the protobuf body of `m` (fields in number order, set ones only).
void encode(const message& m, byte_buffer& out);
/// Append `m` with its varint length prefix.
void encode_framed(const message& m, byte_buffer& out);

/// Decode one protobuf body (the whole of `body`). Errors: malformed (bad protobuf, a share or tag
/// of the wrong size, a known field with the wrong wire type or repeated), limit_exceeded (ad
/// longer than max_ad_size), message_too_large (body longer than max_message_size).
[[nodiscard]] result<message> decode(bytes_view body);

/// Decode one framed message at the start of `in`. Incomplete: need_more with the total length
/// needed when known. Errors: as decode, plus malformed for a bad length varint and
/// message_too_large for a prefix above max_message_size (detected before the body arrives).
[[nodiscard]] result<decoded<message>> decode_framed(bytes_view in);

} // namespace pcp::p2p::pake
