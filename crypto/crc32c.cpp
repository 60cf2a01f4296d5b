// SPDX-License-Identifier: MIT
#include "crypto/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace pcp::crypto {
namespace {

constexpr std::uint32_t poly_reflected = 0x82f63b78u;

constexpr std::array<std::uint32_t, 256> make_table()
{
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) ? (c >> 1) ^ poly_reflected : c >> 1;
        }
        t[i] = c;
    }
    return t;
}
constexpr auto table = make_table();

std::uint32_t update_table(std::uint32_t crc, const std::byte* p, std::size_t n) noexcept
{
    for (std::size_t i = 0; i < n; ++i) {
        crc = table[(crc ^ static_cast<std::uint8_t>(p[i])) & 0xffu] ^ (crc >> 8);
    }
    return crc;
}

#if defined(__x86_64__)
// One lane, 8 bytes per instruction: latency-bound at about 8 bytes per 3 cycles (~9 GB/s here).
__attribute__((target("sse4.2"))) std::uint32_t update_sse42_1way(std::uint32_t crc, const std::byte* p, std::size_t n) noexcept
{
    std::uint64_t c = crc;
    while (n >= 8) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        n -= 8;
    }
    auto c32 = static_cast<std::uint32_t>(c);
    while (n > 0) {
        c32 = _mm_crc32_u8(c32, static_cast<std::uint8_t>(*p));
        ++p;
        --n;
    }
    return c32;
}

// Three lanes hide the instruction's latency: a block of 3 × lane_bytes is cut into three parts
// whose CRCs run side by side (the second and third from a zero register), then joined. Joining
// uses linearity: the register after A‖B is shift(register after A) ⊕ (register of B from zero),
// where shift appends lane_bytes zero bytes, a linear map applied with four 256-entry tables.
constexpr std::size_t lane_bytes = 512;

struct shift_tables {
    std::array<std::array<std::uint32_t, 256>, 4> t{};
};

__attribute__((target("sse4.2"))) std::uint32_t append_zeros(std::uint32_t c) noexcept
{
    std::uint64_t r = c;
    for (std::size_t i = 0; i < lane_bytes / 8; ++i) {
        r = _mm_crc32_u64(r, 0);
    }
    return static_cast<std::uint32_t>(r);
}

const shift_tables& lane_shift() noexcept
{
    static const shift_tables tables = [] {
        shift_tables s;
        for (std::uint32_t k = 0; k < 4; ++k) {
            for (std::uint32_t b = 0; b < 256; ++b) {
                s.t[k][b] = append_zeros(b << (8 * k));
            }
        }
        return s;
    }();
    return tables;
}

inline std::uint32_t shift(const shift_tables& s, std::uint32_t c) noexcept
{
    return s.t[0][c & 0xffu] ^ s.t[1][(c >> 8) & 0xffu] ^ s.t[2][(c >> 16) & 0xffu] ^ s.t[3][c >> 24];
}

__attribute__((target("sse4.2"))) std::uint32_t update_sse42(std::uint32_t crc, const std::byte* p, std::size_t n) noexcept
{
    if (n >= 3 * lane_bytes) {
        const shift_tables& s = lane_shift();
        std::uint64_t c0 = crc;
        while (n >= 3 * lane_bytes) {
            std::uint64_t c1 = 0;
            std::uint64_t c2 = 0;
            for (std::size_t i = 0; i < lane_bytes; i += 8) {
                std::uint64_t v0;
                std::uint64_t v1;
                std::uint64_t v2;
                std::memcpy(&v0, p + i, 8);
                std::memcpy(&v1, p + lane_bytes + i, 8);
                std::memcpy(&v2, p + 2 * lane_bytes + i, 8);
                c0 = _mm_crc32_u64(c0, v0);
                c1 = _mm_crc32_u64(c1, v1);
                c2 = _mm_crc32_u64(c2, v2);
            }
            c0 = shift(s, static_cast<std::uint32_t>(c0)) ^ static_cast<std::uint32_t>(c1);
            c0 = shift(s, static_cast<std::uint32_t>(c0)) ^ static_cast<std::uint32_t>(c2);
            p += 3 * lane_bytes;
            n -= 3 * lane_bytes;
        }
        crc = static_cast<std::uint32_t>(c0);
    }
    return update_sse42_1way(crc, p, n);
}

bool has_sse42() noexcept
{
    static const bool yes = __builtin_cpu_supports("sse4.2");
    return yes;
}
#endif

} // namespace

void crc32c::update(bytes_view data) noexcept
{
#if defined(__x86_64__)
    if (has_sse42()) {
        state_ = update_sse42(state_, data.data(), data.size());
        return;
    }
#endif
    state_ = update_table(state_, data.data(), data.size());
}

std::uint32_t crc32c_of(bytes_view data) noexcept
{
    crc32c c;
    c.update(data);
    return c.value();
}

std::uint32_t crc32c_portable(bytes_view data) noexcept
{
    return ~update_table(~std::uint32_t{0}, data.data(), data.size());
}

bool crc32c_hardware() noexcept
{
#if defined(__x86_64__)
    return has_sse42();
#else
    return false;
#endif
}

} // namespace pcp::crypto
