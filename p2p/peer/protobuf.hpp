// SPDX-License-Identifier: MIT
// Minimal protobuf wire format for libp2p's small messages (decision 0004): a total, bounded
// field reader and an appending writer. Deterministic output (fields in the order written, minimal
// varints), which key protobufs require (peer IDs hash these bytes). Unknown fields are skipped by
// the caller simply by ignoring them. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/bytes.hpp"
#include "p2p/peer/varint.hpp"

namespace pcp::p2p::peer::pb {

enum wire_type : std::uint8_t { varint_type = 0, fixed64_type = 1, len_type = 2, fixed32_type = 5 };

/// One decoded field. For len_type, `bytes` views the input (no copy); for varint/fixed, `value`.
struct field {
    std::uint32_t number = 0;
    wire_type type = varint_type;
    std::uint64_t value = 0;
    bytes_view bytes;
};

/// Iterates the fields of one message held entirely in memory. next() returns nullopt at the end
/// or on malformed input; check failed() to tell them apart. Never reads past the input.
class reader {
public:
    explicit reader(bytes_view msg) noexcept : in_(msg) {}
    [[nodiscard]] std::optional<field> next() noexcept
    {
        if (in_.empty() || failed_) {
            return std::nullopt;
        }
        auto key = decode_varint(in_);
        if (key.status != varint_status::ok || key.value >> 32 || (key.value >> 3) == 0) {
            return fail();
        }
        in_ = in_.subspan(key.size);
        field f;
        f.number = static_cast<std::uint32_t>(key.value >> 3);
        f.type = static_cast<wire_type>(key.value & 7);
        switch (f.type) {
        case varint_type: {
            // Protobuf allows non-minimal varints and negative int32s encoded in 10 bytes; we
            // accept up to 10 bytes here, unlike the multiformats varint.
            std::uint64_t v = 0;
            std::size_t i = 0;
            for (;; ++i) {
                if (i >= in_.size() || i >= 10) {
                    return fail();
                }
                auto b = std::to_integer<std::uint64_t>(in_[i]);
                v |= (b & 0x7f) << (7 * i);
                if (!(b & 0x80)) {
                    break;
                }
            }
            f.value = v;
            in_ = in_.subspan(i + 1);
            return f;
        }
        case fixed64_type:
        case fixed32_type: {
            std::size_t n = f.type == fixed64_type ? 8 : 4;
            if (in_.size() < n) {
                return fail();
            }
            std::uint64_t v = 0;
            for (std::size_t i = 0; i < n; ++i) {
                v |= std::to_integer<std::uint64_t>(in_[i]) << (8 * i);
            }
            f.value = v;
            in_ = in_.subspan(n);
            return f;
        }
        case len_type: {
            auto len = decode_varint(in_);
            if (len.status != varint_status::ok || len.value > in_.size() - len.size) {
                return fail();
            }
            f.bytes = in_.subspan(len.size, static_cast<std::size_t>(len.value));
            in_ = in_.subspan(len.size + static_cast<std::size_t>(len.value));
            return f;
        }
        default:
            return fail(); // groups (3, 4) and reserved types are not used by libp2p
        }
    }
    [[nodiscard]] bool failed() const noexcept { return failed_; }

private:
    std::optional<field> fail() noexcept
    {
        failed_ = true;
        return std::nullopt;
    }
    bytes_view in_;
    bool failed_ = false;
};

/// Appending writer.
inline void put_key(std::uint32_t number, wire_type t, byte_buffer& out)
{
    encode_varint((static_cast<std::uint64_t>(number) << 3) | t, out);
}
inline void put_varint(std::uint32_t number, std::uint64_t v, byte_buffer& out)
{
    put_key(number, varint_type, out);
    encode_varint(v, out);
}
inline void put_fixed32(std::uint32_t number, std::uint32_t v, byte_buffer& out)
{
    put_key(number, fixed32_type, out);
    for (int i = 0; i < 4; ++i) {
        out.push_back(static_cast<std::byte>(v >> (8 * i)));
    }
}
inline void put_bytes(std::uint32_t number, bytes_view b, byte_buffer& out)
{
    put_key(number, len_type, out);
    encode_varint(b.size(), out);
    append(out, b);
}
inline void put_string(std::uint32_t number, std::string_view s, byte_buffer& out)
{
    put_bytes(number, as_bytes(s), out);
}

/// Length-prefixed framing, `uvarint(len) || body`, shared by the LP-framed protocols (identify,
/// pake). need_more carries a lower bound on the total input length needed in `total`.
enum class frame_status { ok, need_more, malformed, too_large };
struct frame_view {
    frame_status status = frame_status::need_more;
    bytes_view body;       ///< the body, when ok
    std::size_t total = 0; ///< prefix + body bytes (ok), or the input length needed (need_more)
};

/// Split one frame off the front of `in`; bodies longer than `max_body` are too_large.
[[nodiscard]] inline frame_view split_frame(bytes_view in, std::size_t max_body) noexcept
{
    auto len = decode_varint(in);
    if (len.status == varint_status::need_more) {
        return {frame_status::need_more, {}, in.size() + 1};
    }
    if (len.status != varint_status::ok) {
        return {frame_status::malformed, {}, 0};
    }
    if (len.value > max_body) {
        return {frame_status::too_large, {}, 0};
    }
    std::size_t total = len.size + static_cast<std::size_t>(len.value);
    if (in.size() < total) {
        return {frame_status::need_more, {}, total};
    }
    return {frame_status::ok, in.subspan(len.size, static_cast<std::size_t>(len.value)), total};
}

/// Append `uvarint(body.size()) || body`.
inline void append_frame(bytes_view body, byte_buffer& out)
{
    encode_varint(body.size(), out);
    append(out, body);
}

} // namespace pcp::p2p::peer::pb
