// SPDX-License-Identifier: MIT
#include "p2p/peer/multibase.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include "p2p/peer/errc.hpp"

namespace pcp::p2p::peer {
namespace {

constexpr std::string_view b58_alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view b36_lower = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view b36_upper = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view b32_lower = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view b32_upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view b16_lower = "0123456789abcdef";
constexpr std::string_view b16_upper = "0123456789ABCDEF";
constexpr std::string_view b64_std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view b64_url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Reverse lookup table: 0xff for characters outside the alphabet.
std::array<std::uint8_t, 256> reverse(std::string_view alphabet) noexcept
{
    std::array<std::uint8_t, 256> t{};
    t.fill(0xff);
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
    }
    return t;
}

/// Big-number radix conversion (base58btc, base36): leading zero bytes map to alphabet[0].
std::string radix_encode(bytes_view data, std::string_view alphabet)
{
    const unsigned radix = static_cast<unsigned>(alphabet.size());
    std::size_t zeros = 0;
    while (zeros < data.size() && data[zeros] == std::byte{0}) {
        ++zeros;
    }
    std::vector<std::uint8_t> digits; // little-endian in `radix`
    digits.reserve((data.size() - zeros) * 138 / 100 + 1);
    for (std::size_t i = zeros; i < data.size(); ++i) {
        unsigned carry = std::to_integer<unsigned>(data[i]);
        for (auto& d : digits) {
            carry += static_cast<unsigned>(d) << 8;
            d = static_cast<std::uint8_t>(carry % radix);
            carry /= radix;
        }
        while (carry != 0) {
            digits.push_back(static_cast<std::uint8_t>(carry % radix));
            carry /= radix;
        }
    }
    std::string out(zeros, alphabet[0]);
    out.reserve(zeros + digits.size());
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        out.push_back(alphabet[*it]);
    }
    return out;
}

result<byte_buffer> radix_decode(std::string_view text, std::string_view alphabet)
{
    if (text.size() > max_multibase_text_size) {
        return errc::too_long;
    }
    const auto table = reverse(alphabet);
    const unsigned radix = static_cast<unsigned>(alphabet.size());
    std::size_t zeros = 0;
    while (zeros < text.size() && text[zeros] == alphabet[0]) {
        ++zeros;
    }
    std::vector<std::uint8_t> bytes; // little-endian base 256
    bytes.reserve(text.size());
    for (std::size_t i = zeros; i < text.size(); ++i) {
        unsigned v = table[static_cast<unsigned char>(text[i])];
        if (v == 0xff) {
            return errc::bad_multibase;
        }
        unsigned carry = v;
        for (auto& b : bytes) {
            carry += static_cast<unsigned>(b) * radix;
            b = static_cast<std::uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry != 0) {
            bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    byte_buffer out(zeros, std::byte{0});
    out.reserve(zeros + bytes.size());
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
        out.push_back(static_cast<std::byte>(*it));
    }
    return out;
}

/// Power-of-two bases (16, 32, 64): `bits` per character, MSB first, no padding.
std::string pow2_encode(bytes_view data, std::string_view alphabet, unsigned bits)
{
    std::string out;
    out.reserve((data.size() * 8 + bits - 1) / bits);
    std::uint32_t acc = 0;
    unsigned have = 0;
    const std::uint32_t mask = (1u << bits) - 1;
    for (std::byte b : data) {
        acc = (acc << 8) | std::to_integer<std::uint32_t>(b);
        have += 8;
        while (have >= bits) {
            have -= bits;
            out.push_back(alphabet[(acc >> have) & mask]);
        }
        acc &= (1u << have) - 1;
    }
    if (have > 0) {
        out.push_back(alphabet[(acc << (bits - have)) & mask]);
    }
    return out;
}

result<byte_buffer> pow2_decode(std::string_view text, std::string_view alphabet, unsigned bits)
{
    if (text.size() > max_multibase_text_size) {
        return errc::too_long;
    }
    // The leftover bits after the last whole byte must be fewer than one character and zero;
    // otherwise the length itself is impossible for an unpadded encoding.
    if ((text.size() * bits) % 8 >= bits) {
        return errc::bad_multibase;
    }
    const auto table = reverse(alphabet);
    byte_buffer out;
    out.reserve(text.size() * bits / 8);
    std::uint32_t acc = 0;
    unsigned have = 0;
    for (char c : text) {
        unsigned v = table[static_cast<unsigned char>(c)];
        if (v == 0xff) {
            return errc::bad_multibase;
        }
        acc = (acc << bits) | v;
        have += bits;
        if (have >= 8) {
            have -= 8;
            out.push_back(static_cast<std::byte>((acc >> have) & 0xff));
            acc &= (1u << have) - 1;
        }
    }
    if (acc != 0) {
        return errc::bad_multibase; // non-zero padding bits: not canonical
    }
    return out;
}

} // namespace

std::string base58btc_encode(bytes_view data) { return radix_encode(data, b58_alphabet); }
result<byte_buffer> base58btc_decode(std::string_view text) { return radix_decode(text, b58_alphabet); }
std::string base36_encode(bytes_view data, bool upper)
{
    return radix_encode(data, upper ? b36_upper : b36_lower);
}
result<byte_buffer> base36_decode(std::string_view text, bool upper)
{
    return radix_decode(text, upper ? b36_upper : b36_lower);
}
std::string base32_encode(bytes_view data, bool upper)
{
    return pow2_encode(data, upper ? b32_upper : b32_lower, 5);
}
result<byte_buffer> base32_decode(std::string_view text, bool upper)
{
    return pow2_decode(text, upper ? b32_upper : b32_lower, 5);
}
std::string base16_encode(bytes_view data, bool upper)
{
    return pow2_encode(data, upper ? b16_upper : b16_lower, 4);
}
result<byte_buffer> base16_decode(std::string_view text, bool upper)
{
    return pow2_decode(text, upper ? b16_upper : b16_lower, 4);
}
std::string base64_encode(bytes_view data, bool url) { return pow2_encode(data, url ? b64_url : b64_std, 6); }
result<byte_buffer> base64_decode(std::string_view text, bool url)
{
    return pow2_decode(text, url ? b64_url : b64_std, 6);
}

std::string multibase_encode(multibase base, bytes_view data)
{
    std::string body;
    switch (base) {
    case multibase::base16: body = base16_encode(data, false); break;
    case multibase::base16_upper: body = base16_encode(data, true); break;
    case multibase::base32: body = base32_encode(data, false); break;
    case multibase::base32_upper: body = base32_encode(data, true); break;
    case multibase::base36: body = base36_encode(data, false); break;
    case multibase::base36_upper: body = base36_encode(data, true); break;
    case multibase::base58btc: body = base58btc_encode(data); break;
    case multibase::base64: body = base64_encode(data, false); break;
    case multibase::base64url: body = base64_encode(data, true); break;
    }
    return static_cast<char>(base) + body;
}

result<byte_buffer> multibase_decode(std::string_view text, multibase& base)
{
    if (text.empty()) {
        return errc::unsupported_multibase;
    }
    if (text.size() > max_multibase_text_size + 1) {
        return errc::too_long;
    }
    auto body = text.substr(1);
    switch (text[0]) {
    case 'f': base = multibase::base16; return base16_decode(body, false);
    case 'F': base = multibase::base16_upper; return base16_decode(body, true);
    case 'b': base = multibase::base32; return base32_decode(body, false);
    case 'B': base = multibase::base32_upper; return base32_decode(body, true);
    case 'k': base = multibase::base36; return base36_decode(body, false);
    case 'K': base = multibase::base36_upper; return base36_decode(body, true);
    case 'z': base = multibase::base58btc; return base58btc_decode(body);
    case 'm': base = multibase::base64; return base64_decode(body, false);
    case 'u': base = multibase::base64url; return base64_decode(body, true);
    default: return errc::unsupported_multibase;
    }
}

result<byte_buffer> multibase_decode(std::string_view text)
{
    multibase base{};
    return multibase_decode(text, base);
}

} // namespace pcp::p2p::peer
