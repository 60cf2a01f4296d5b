// SPDX-License-Identifier: MIT
#include "engine/buffer.hpp"
#include "engine/bytes.hpp"
#include "engine/clock.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace pcp {
namespace {

TEST(buffer_pool, hands_out_at_most_capacity_and_takes_back)
{
    buffer_pool pool(3, 64);
    auto a = pool.acquire();
    auto b = pool.acquire();
    auto c = pool.acquire();
    ASSERT_TRUE(a && b && c);
    EXPECT_FALSE(pool.acquire());
    EXPECT_EQ(pool.available(), 0u);
    EXPECT_EQ(a.bytes().size(), 64u);
    EXPECT_NE(a.bytes().data(), b.bytes().data());
    b.release();
    EXPECT_EQ(pool.available(), 1u);
    auto d = pool.acquire();
    EXPECT_TRUE(d);
    {
        pooled_buffer moved = std::move(d);
        EXPECT_FALSE(d);
        EXPECT_TRUE(moved);
    }
    EXPECT_EQ(pool.available(), 1u);
}

TEST(buffer_pool, buffers_are_contiguous_in_one_region)
{
    buffer_pool pool(4, 128);
    EXPECT_EQ(pool.region().size(), 512u);
    auto a = pool.acquire();
    EXPECT_GE(a.bytes().data(), pool.region().data());
    EXPECT_LE(a.bytes().data() + a.bytes().size(), pool.region().data() + pool.region().size());
}

TEST(bounded_queue, refuses_instead_of_growing)
{
    bounded_queue<int> q(2);
    EXPECT_TRUE(q.push(1));
    EXPECT_TRUE(q.push(2));
    EXPECT_FALSE(q.push(3));
    EXPECT_EQ(q.pop(), 1);
    EXPECT_TRUE(q.push(4));
    EXPECT_EQ(q.pop(), 2);
    EXPECT_EQ(q.pop(), 4);
    EXPECT_FALSE(q.pop().has_value());
}

TEST(copy_bytes, every_skew_and_size_around_the_piece)
{
    // Source and destination at every offset modulo 64 relative to each other, sizes around
    // copy_piece: the bytes arrive intact and nothing outside the destination changes.
    byte_buffer src(3 * copy_piece + 200);
    for (std::size_t i = 0; i < src.size(); ++i) {
        src[i] = static_cast<std::byte>(i * 7 + 3);
    }
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, copy_piece - 1, copy_piece, copy_piece + 1,
                          2 * copy_piece + 77}) {
        for (std::size_t skew = 0; skew < 64; ++skew) {
            byte_buffer dst(n + 64 + 2, std::byte{0xcc});
            copy_bytes(dst.data() + 1 + skew, src.data() + 1, n);
            const auto at = dst.begin() + static_cast<std::ptrdiff_t>(1 + skew);
            ASSERT_TRUE(std::equal(at, at + static_cast<std::ptrdiff_t>(n), src.begin() + 1)) << n << " " << skew;
            ASSERT_EQ(dst[skew], std::byte{0xcc});
            ASSERT_EQ(dst[1 + skew + n], std::byte{0xcc});
        }
    }
}

TEST(copy_bytes, append_bytes_appends_and_grows_geometrically)
{
    byte_buffer src(10000);
    for (std::size_t i = 0; i < src.size(); ++i) {
        src[i] = static_cast<std::byte>(i % 251);
    }
    byte_buffer out;
    byte_buffer expected;
    std::size_t reallocations = 0;
    for (std::size_t i = 0; i < 300; ++i) {
        const auto* before = out.data();
        const std::size_t off = i % 64;
        const std::size_t n = (i * 997) % (src.size() - 64);
        append_bytes(out, bytes_view(src).subspan(off, n));
        append(expected, bytes_view(src).subspan(off, n));
        reallocations += out.data() != before ? 1 : 0;
    }
    EXPECT_EQ(out, expected);
    EXPECT_LE(reallocations, 30u); // doubling, not one reallocation per append
}

TEST(manual_clock, moves_only_when_told)
{
    manual_clock c;
    auto t0 = c.now();
    c.advance(5s);
    EXPECT_EQ(c.now() - t0, duration(5s));
    c.set(t0); // never backwards
    EXPECT_EQ(c.now() - t0, duration(5s));
}

TEST(bytes, hex_round_trip_and_rejects_bad_digits)
{
    auto b = from_hex("00ff10Ab");
    ASSERT_TRUE(b);
    EXPECT_EQ(to_hex(*b), "00ff10ab");
    EXPECT_FALSE(from_hex("0"));
    EXPECT_FALSE(from_hex("zz"));
}

} // namespace
} // namespace pcp
