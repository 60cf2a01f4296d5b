// SPDX-License-Identifier: MIT
#include "engine/bytes.hpp"

namespace pcp {

std::string to_hex(bytes_view b)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (std::byte x : b) {
        s.push_back(digits[std::to_integer<unsigned>(x) >> 4]);
        s.push_back(digits[std::to_integer<unsigned>(x) & 0xf]);
    }
    return s;
}

std::optional<byte_buffer> from_hex(std::string_view hex)
{
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    byte_buffer out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]);
        int lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<std::byte>(hi << 4 | lo));
    }
    return out;
}

} // namespace pcp
