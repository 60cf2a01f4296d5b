// SPDX-License-Identifier: MIT
// Multibase (multiformats/multibase): a one-character prefix naming the encoding, then the
// encoded bytes. Supported: base16 'f'/'F', base32 (RFC 4648, no padding) 'b'/'B', base36 'k'/'K',
// base58btc 'z', base64 'm' and base64url 'u' (no padding). Decoders are strict (alphabet case
// must match the prefix, no padding, zero trailing bits), so decode→encode gives back the input.
// Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/bytes.hpp"
#include "engine/result.hpp"

namespace pcp::p2p::peer {

/// Longest multibase text accepted by any decoder here (base58/base36 decoding is quadratic).
inline constexpr std::size_t max_multibase_text_size = 2048;

/// Multibase encodings, named by their prefix character.
enum class multibase : char {
    base16 = 'f',
    base16_upper = 'F',
    base32 = 'b',
    base32_upper = 'B',
    base36 = 'k',
    base36_upper = 'K',
    base58btc = 'z',
    base64 = 'm',
    base64url = 'u',
};

/// Prefix + encoding of `data`.
[[nodiscard]] std::string multibase_encode(multibase base, bytes_view data);
/// Decode prefixed text. Errors: unsupported_multibase (unknown prefix or empty text),
/// bad_multibase (bad character, length or trailing bits), too_long.
[[nodiscard]] result<byte_buffer> multibase_decode(std::string_view text);
/// Decode prefixed text and report which base it used.
[[nodiscard]] result<byte_buffer> multibase_decode(std::string_view text, multibase& base);

/// Raw (unprefixed) codecs. Each decoder accepts at most max_multibase_text_size characters.
[[nodiscard]] std::string base58btc_encode(bytes_view data);
[[nodiscard]] result<byte_buffer> base58btc_decode(std::string_view text);
[[nodiscard]] std::string base36_encode(bytes_view data, bool upper = false);
[[nodiscard]] result<byte_buffer> base36_decode(std::string_view text, bool upper = false);
[[nodiscard]] std::string base32_encode(bytes_view data, bool upper = false);
[[nodiscard]] result<byte_buffer> base32_decode(std::string_view text, bool upper = false);
[[nodiscard]] std::string base16_encode(bytes_view data, bool upper = false);
[[nodiscard]] result<byte_buffer> base16_decode(std::string_view text, bool upper = false);
[[nodiscard]] std::string base64_encode(bytes_view data, bool url);
[[nodiscard]] result<byte_buffer> base64_decode(std::string_view text, bool url);

} // namespace pcp::p2p::peer
