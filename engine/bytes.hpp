// SPDX-License-Identifier: MIT
// Byte vocabulary for every codec: encoders append to a byte_buffer, decoders read a bytes_view and
// return decoded<Msg> (STYLE §B.1). Pure: no Asio.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pcp {

using byte_buffer = std::vector<std::byte>;
using bytes_view = std::span<const std::byte>;
using mutable_bytes = std::span<std::byte>;

/// View the characters of a string as bytes.
inline bytes_view as_bytes(std::string_view s) noexcept
{
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
/// View bytes as characters (no validation).
inline std::string_view as_chars(bytes_view b) noexcept
{
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
/// Copy a string's characters into a new buffer.
inline byte_buffer to_buffer(std::string_view s) { return {as_bytes(s).begin(), as_bytes(s).end()}; }
/// Append bytes to a buffer.
inline void append(byte_buffer& out, bytes_view b) { out.insert(out.end(), b.begin(), b.end()); }
inline void append(byte_buffer& out, std::string_view s) { append(out, as_bytes(s)); }
/// Lower-case hex, for logs and tests.
std::string to_hex(bytes_view b);
/// Parse hex (upper or lower case, no separators); nullopt on a bad digit or odd length.
std::optional<byte_buffer> from_hex(std::string_view hex);

/// Result of an incremental decoder (STYLE §B.1): either a message and the bytes it used, or
/// "need more" with a lower bound on the total input length required (0 when unknown).
template <class Msg>
struct decoded {
    std::optional<Msg> message;
    std::size_t consumed = 0;
    std::size_t needed = 0;

    [[nodiscard]] bool complete() const noexcept { return message.has_value(); }
    static decoded need_more(std::size_t total_needed = 0) { return decoded{std::nullopt, 0, total_needed}; }
    static decoded done(Msg m, std::size_t used) { return decoded{std::move(m), used, 0}; }
};

} // namespace pcp
