// SPDX-License-Identifier: MIT
#include "p2p/transfer/path.hpp"

#include <cstdint>

#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/wire.hpp"

namespace pcp::p2p::transfer {

result<void> validate_path(std::string_view path)
{
    auto bad = make_error_code(errc::invalid_path);
    if (path.empty() || path.size() > max_path_size) {
        return bad;
    }
    std::size_t start = 0;
    while (true) {
        auto slash = path.find('/', start);
        auto comp = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (comp.empty() || comp.size() > max_component_size || comp == "." || comp == "..") {
            return bad; // also catches a leading '/', "//" and a trailing '/'
        }
        for (char c : comp) {
            if (c == '\0' || c == '\\') {
                return bad;
            }
        }
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return ok();
}

std::size_t path_depth(std::string_view path) noexcept
{
    std::size_t n = 1;
    for (char c : path) {
        n += c == '/' ? 1 : 0;
    }
    return n;
}

namespace {

const char hex_digits[] = "0123456789abcdef";

void put_byte_escape(std::string& out, unsigned char b)
{
    out += "\\x";
    out += hex_digits[b >> 4];
    out += hex_digits[b & 15];
}

void put_code_escape(std::string& out, std::uint32_t cp)
{
    out += "\\u{";
    bool started = false;
    for (int shift = 20; shift >= 0; shift -= 4) {
        auto d = (cp >> shift) & 15;
        if (d != 0 || started || shift < 16) {
            out += hex_digits[d];
            started = true;
        }
    }
    out += '}';
}

bool needs_escape(std::uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/// Length of the valid UTF-8 sequence at s[i] and its code point; 0 when invalid.
std::size_t utf8_at(std::string_view s, std::size_t i, std::uint32_t& cp)
{
    auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2, cp = b0 & 0x1f, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3, cp = b0 & 0x0f, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < n; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return n;
}

} // namespace

std::string escape_for_display(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            if (b == '\\') {
                out += "\\\\";
            } else if (b == '\n') {
                out += "\\n";
            } else if (b == '\t') {
                out += "\\t";
            } else if (b == '\r') {
                out += "\\r";
            } else if (b < 0x20 || b == 0x7f) {
                put_byte_escape(out, b);
            } else {
                out += static_cast<char>(b);
            }
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        auto n = utf8_at(s, i, cp);
        if (n == 0) {
            put_byte_escape(out, b);
            ++i;
            continue;
        }
        if (needs_escape(cp)) {
            put_code_escape(out, cp);
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

} // namespace pcp::p2p::transfer
