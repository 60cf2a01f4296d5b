// SPDX-License-Identifier: MIT
// Unsigned varint (multiformats/unsigned-varint) and the protobuf reader/writer.
#include "p2p/peer/protobuf.hpp"
#include "p2p/peer/varint.hpp"

#include <random>

#include <gtest/gtest.h>

#include "tests/p2p/peer/test_util.hpp"

namespace pcp::p2p::peer {
namespace {
using test::hex;

std::string enc(std::uint64_t v)
{
    byte_buffer b;
    encode_varint(v, b);
    return to_hex(b);
}

TEST(varint, known_encodings)
{
    EXPECT_EQ(enc(0), "00");
    EXPECT_EQ(enc(1), "01");
    EXPECT_EQ(enc(127), "7f");
    EXPECT_EQ(enc(128), "8001");
    EXPECT_EQ(enc(255), "ff01");
    EXPECT_EQ(enc(300), "ac02");
    EXPECT_EQ(enc(16384), "808001");
    EXPECT_EQ(enc((1ull << 63) - 1), "ffffffffffffffff7f");
    EXPECT_EQ(varint_size((1ull << 63) - 1), max_varint_size);
}

TEST(varint, decodes_max_63_bit_value)
{
    auto b = hex("ffffffffffffffff7f");
    auto r = decode_varint(b);
    ASSERT_EQ(r.status, varint_status::ok);
    EXPECT_EQ(r.value, (1ull << 63) - 1);
    EXPECT_EQ(r.size, 9u);
    // 2^62 needs 9 bytes too: its last byte has bit 0x40 set.
    auto c = hex("808080808080808040");
    r = decode_varint(c);
    ASSERT_EQ(r.status, varint_status::ok);
    EXPECT_EQ(r.value, 1ull << 62);
}

TEST(varint, rejects_ten_bytes_and_nine_continuations)
{
    auto ten = hex("ffffffffffffffffff01");
    EXPECT_EQ(decode_varint(ten).status, varint_status::overflow);
    auto nine_cont = hex("ffffffffffffffffff");
    EXPECT_EQ(decode_varint(nine_cont).status, varint_status::overflow);
}

TEST(varint, rejects_non_minimal)
{
    for (auto h : {"8100", "ff00", "808000", "80808000"}) {
        std::string s = h;
        if (s.size() % 2) {
            continue;
        }
        auto b = hex(s);
        EXPECT_EQ(decode_varint(b).status, varint_status::not_minimal) << s;
    }
    auto zero = hex("00");
    EXPECT_EQ(decode_varint(zero).status, varint_status::ok);
}

TEST(varint, partial_input_byte_by_byte)
{
    for (std::uint64_t v : {0ull, 127ull, 128ull, 300ull, 16384ull, (1ull << 63) - 1}) {
        byte_buffer b;
        encode_varint(v, b);
        for (std::size_t n = 0; n < b.size(); ++n) {
            EXPECT_EQ(decode_varint(bytes_view(b).first(n)).status, varint_status::need_more) << v << " " << n;
        }
        b.push_back(std::byte{0xaa}); // trailing data is not consumed
        auto r = decode_varint(b);
        ASSERT_EQ(r.status, varint_status::ok);
        EXPECT_EQ(r.value, v);
        EXPECT_EQ(r.size, b.size() - 1);
    }
}

TEST(varint, seeded_round_trip)
{
    std::mt19937_64 rng(42);
    for (int i = 0; i < 5000; ++i) {
        std::uint64_t v = rng() >> (rng() % 64);
        v &= (1ull << 63) - 1;
        byte_buffer b;
        encode_varint(v, b);
        EXPECT_EQ(b.size(), varint_size(v));
        auto r = decode_varint(b);
        ASSERT_EQ(r.status, varint_status::ok);
        EXPECT_EQ(r.value, v);
        EXPECT_EQ(r.size, b.size());
    }
}

TEST(varint, constexpr_decode)
{
    constexpr std::array<std::byte, 2> b{std::byte{0xac}, std::byte{0x02}};
    static_assert(decode_varint(b).value == 300);
    static_assert(varint_size(128) == 2);
}

// ---- protobuf ----

TEST(protobuf, writer_and_reader_round_trip)
{
    byte_buffer m;
    pb::put_varint(1, 150, m);
    pb::put_string(2, "testing", m);
    pb::put_bytes(3, {}, m);
    EXPECT_EQ(to_hex(m), "089601120774657374696e671a00");
    pb::reader r(m);
    auto f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->number, 1u);
    EXPECT_EQ(f->type, pb::varint_type);
    EXPECT_EQ(f->value, 150u);
    f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->number, 2u);
    EXPECT_EQ(as_chars(f->bytes), "testing");
    f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->number, 3u);
    EXPECT_TRUE(f->bytes.empty());
    EXPECT_FALSE(r.next());
    EXPECT_FALSE(r.failed());
}

TEST(protobuf, fixed_fields)
{
    auto m = hex("0d01020304" "110102030405060708");
    pb::reader r(m);
    auto f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, pb::fixed32_type);
    EXPECT_EQ(f->value, 0x04030201u);
    f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, pb::fixed64_type);
    EXPECT_EQ(f->value, 0x0807060504030201ull);
    EXPECT_FALSE(r.next());
    EXPECT_FALSE(r.failed());
}

TEST(protobuf, ten_byte_negative_int32_is_accepted)
{
    auto m = hex("08ffffffffffffffffff01");
    pb::reader r(m);
    auto f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->value, ~0ull);
    auto bad = hex("08ffffffffffffffffffff01"); // 11 bytes
    pb::reader r2(bad);
    EXPECT_FALSE(r2.next());
    EXPECT_TRUE(r2.failed());
}

TEST(protobuf, every_truncation_of_a_message_fails_or_ends_cleanly)
{
    byte_buffer m;
    pb::put_varint(1, 300, m);
    pb::put_string(2, "hello", m);
    m.push_back(std::byte{0x1d}); // field 3 fixed32
    for (int i = 0; i < 4; ++i) {
        m.push_back(std::byte{0x11});
    }
    for (std::size_t n = 0; n < m.size(); ++n) {
        pb::reader r(bytes_view(m).first(n));
        int fields = 0;
        while (r.next()) {
            ++fields;
        }
        bool boundary = n == 0 || n == 3 || n == 10;
        EXPECT_EQ(r.failed(), !boundary) << n;
        EXPECT_LE(fields, 2);
    }
}

TEST(protobuf, malformed_inputs_fail)
{
    for (auto h : {
             "00",       // field number 0
             "0b",       // group start (wire type 3)
             "0c",       // group end (wire type 4)
             "0e",       // wire type 6
             "0f",       // wire type 7
             "1205616263", // length past the end
             "12",       // missing length
             "0880",     // varint cut
             "8000",     // non-minimal key varint
             "0d0102",   // fixed32 cut
             "09010203", // fixed64 cut
             "8080808080808080800108", // key too large
         }) {
        auto m = hex(h);
        pb::reader r(m);
        while (r.next()) {
        }
        EXPECT_TRUE(r.failed()) << h;
    }
}

TEST(protobuf, length_limit_uses_remaining_bytes_exactly)
{
    auto m = hex("1203616263");
    pb::reader r(m);
    auto f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->bytes.size(), 3u);
    auto over = hex("1204616263");
    pb::reader r2(over);
    EXPECT_FALSE(r2.next());
    EXPECT_TRUE(r2.failed());
    // A length near 2^63 must not overflow the bounds check.
    auto huge = hex("12ffffffffffffffff7f00");
    pb::reader r3(huge);
    EXPECT_FALSE(r3.next());
    EXPECT_TRUE(r3.failed());
}

TEST(protobuf, large_field_numbers)
{
    byte_buffer m;
    pb::put_varint((1u << 29) - 1, 7, m);
    pb::reader r(m);
    auto f = r.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->number, (1u << 29) - 1);
    EXPECT_EQ(f->value, 7u);
}

} // namespace
} // namespace pcp::p2p::peer
