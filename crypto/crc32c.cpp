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
// One lane, 8 bytes per instruction: latency-bound at about 8 bytes per 3 cycles (~8 GB/s here,
// a fifth of one ChaCha20-Poly1305 pass). Interleaved lanes would be faster and are not needed.
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
        state_ = update_sse42_1way(state_, data.data(), data.size());
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
