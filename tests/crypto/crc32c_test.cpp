// SPDX-License-Identifier: MIT
// CRC-32C: the RFC 3720 §B.4 vectors and the common check value, the hardware path against the
// table, incremental equals one-shot at every split.
#include "crypto/crc32c.hpp"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace pcp::crypto {
namespace {

std::uint32_t crc_of(const std::vector<std::uint8_t>& v)
{
    return crc32c_of(bytes_view(reinterpret_cast<const std::byte*>(v.data()), v.size()));
}

TEST(crc32c, known_vectors)
{
    EXPECT_EQ(crc32c_of(as_bytes("123456789")), 0xe3069283u);
    EXPECT_EQ(crc32c_of({}), 0u);
    std::vector<std::uint8_t> v(32, 0x00);
    EXPECT_EQ(crc_of(v), 0x8a9136aau); // RFC 3720 B.4: 32 bytes of zeros
    std::fill(v.begin(), v.end(), 0xff);
    EXPECT_EQ(crc_of(v), 0x62a8ab43u); // 32 bytes of ones
    for (std::size_t i = 0; i < 32; ++i) {
        v[i] = static_cast<std::uint8_t>(i);
    }
    EXPECT_EQ(crc_of(v), 0x46dd794eu); // incrementing
    for (std::size_t i = 0; i < 32; ++i) {
        v[i] = static_cast<std::uint8_t>(31 - i);
    }
    EXPECT_EQ(crc_of(v), 0x113fdb5cu); // decrementing
}

TEST(crc32c, incremental_equals_one_shot_at_every_split)
{
    std::mt19937 rng(7);
    byte_buffer data(1000);
    for (auto& b : data) {
        b = static_cast<std::byte>(rng());
    }
    const auto whole = crc32c_of(data);
    for (std::size_t cut = 0; cut <= data.size(); cut += 37) {
        crc32c c;
        c.update(bytes_view(data).first(cut));
        (void)c.value(); // reading does not disturb
        c.update(bytes_view(data).subspan(cut));
        EXPECT_EQ(c.value(), whole) << "split at " << cut;
    }
    crc32c c;
    c.update(data);
    c.reset();
    c.update(as_bytes("123456789"));
    EXPECT_EQ(c.value(), 0xe3069283u);
}

TEST(crc32c, hardware_and_table_agree)
{
    std::mt19937 rng(11);
    // Below, at and above one three-lane block (3 × 512 bytes), and several blocks plus a tail.
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 1535u, 1536u, 1537u, 1543u, 3072u, 4095u, 65536u, 65543u}) {
        byte_buffer data(n);
        for (auto& b : data) {
            b = static_cast<std::byte>(rng());
        }
        for (std::size_t skip = 0; skip < 8 && skip <= n; ++skip) { // every alignment
            auto part = bytes_view(data).subspan(skip);
            EXPECT_EQ(crc32c_of(part), crc32c_portable(part)) << n << " bytes from " << skip;
        }
    }
}

TEST(crc32c, long_input_in_odd_pieces_matches_the_table)
{
    std::mt19937 rng(13);
    byte_buffer data(200000);
    for (auto& b : data) {
        b = static_cast<std::byte>(rng());
    }
    crc32c c;
    std::size_t pos = 0;
    while (pos < data.size()) {
        const std::size_t n = std::min<std::size_t>(data.size() - pos, rng() % 5000);
        c.update(bytes_view(data).subspan(pos, n));
        pos += n;
    }
    EXPECT_EQ(c.value(), crc32c_portable(data));
}

TEST(crc32c, a_flipped_bit_changes_it)
{
    byte_buffer data(65536, std::byte{0x5a});
    const auto a = crc32c_of(data);
    data[40000] ^= std::byte{0x01};
    EXPECT_NE(crc32c_of(data), a);
}

TEST(crc32c, reports_the_path)
{
#if defined(__x86_64__)
    EXPECT_EQ(crc32c_hardware(), __builtin_cpu_supports("sse4.2") != 0);
#else
    EXPECT_FALSE(crc32c_hardware());
#endif
}

} // namespace
} // namespace pcp::crypto
