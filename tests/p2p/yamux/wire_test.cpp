// SPDX-License-Identifier: MIT
// yamux framing: digest §16.5 vectors, partial reads, version/type limits, seeded round trips.
#include "p2p/yamux/wire.hpp"

#include <random>

#include <gtest/gtest.h>

namespace pcp::p2p::yamux {
namespace {

std::string enc(const header& h)
{
    byte_buffer out;
    encode(h, out);
    return to_hex(out);
}
header dec(std::string_view hex)
{
    auto b = *from_hex(hex);
    auto d = decode(b);
    EXPECT_TRUE(d && d.value().complete());
    return *d.value().message;
}

TEST(yamux_wire, known_bytes)
{
    using enum frame_type;
    EXPECT_EQ(enc({0, window_update, flag::syn, 1, 0}), "000100010000000100000000");
    EXPECT_EQ(enc({0, window_update, flag::ack, 2, 0}), "000100020000000200000000");
    EXPECT_EQ(enc({0, data, 0, 1, 5}), "000000000000000100000005");
    EXPECT_EQ(enc({0, window_update, 0, 1, 262144}), "000100000000000100040000");
    EXPECT_EQ(enc({0, window_update, flag::fin, 1, 0}), "000100040000000100000000");
    EXPECT_EQ(enc({0, window_update, flag::rst, 3, 0}), "000100080000000300000000");
    EXPECT_EQ(enc({0, ping, flag::syn, 0, 0}), "000200010000000000000000");
    EXPECT_EQ(enc({0, ping, flag::ack, 0, 0}), "000200020000000000000000");
    EXPECT_EQ(enc({0, go_away, 0, 0, 0}), "000300000000000000000000");
    EXPECT_EQ(enc({0, go_away, 0, 0, 1}), "000300000000000000000001");
    EXPECT_EQ(dec("000100010000000100000000"), (header{0, window_update, flag::syn, 1, 0}));
    EXPECT_EQ(dec("0000000f8000fffefedcba98"), (header{0, data, 0x000f, 0x8000fffe, 0xfedcba98}));

    byte_buffer out;
    const auto payload = to_buffer("hello");
    encode_data(1, 0, payload, out);
    EXPECT_EQ(to_hex(out), "00000000000000010000000568656c6c6f");
}

TEST(yamux_wire, byte_by_byte)
{
    auto b = *from_hex("000100010000000100000000ff");
    for (std::size_t n = 0; n < header_size; ++n) {
        auto d = decode(bytes_view(b).first(n));
        ASSERT_TRUE(d);
        EXPECT_FALSE(d.value().complete());
        EXPECT_EQ(d.value().needed, header_size);
    }
    auto d = decode(b);
    ASSERT_TRUE(d && d.value().complete());
    EXPECT_EQ(d.value().consumed, header_size); // never past the header
}

TEST(yamux_wire, version_and_type_limits)
{
    EXPECT_TRUE(decode(*from_hex("000300000000000000000000"))); // type 3: last valid
    auto t4 = decode(*from_hex("000400000000000000000000"));
    ASSERT_FALSE(t4);
    EXPECT_EQ(t4.error(), errc::bad_type);
    auto v1 = decode(*from_hex("010000000000000000000000"));
    ASSERT_FALSE(v1);
    EXPECT_EQ(v1.error(), errc::bad_version);
    EXPECT_EQ(decode(*from_hex("ff0000000000000000000000")).error(), errc::bad_version);
    // Unknown flag bits are kept (the machine ignores them).
    EXPECT_EQ(dec("0000fff00000000100000000").flags, 0xfff0);
    EXPECT_EQ(make_error_code(errc::bad_type).message(), "yamux: bad frame type");
}

TEST(yamux_wire, roundtrip_property)
{
    std::mt19937_64 rng(0x79616d);
    for (int i = 0; i < 5000; ++i) {
        header h{0, static_cast<frame_type>(rng() % 4), static_cast<std::uint16_t>(rng()),
                 static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng())};
        byte_buffer out;
        encode(h, out);
        ASSERT_EQ(out.size(), header_size);
        auto d = decode(out);
        ASSERT_TRUE(d && d.value().complete());
        EXPECT_EQ(*d.value().message, h);
    }
}

} // namespace
} // namespace pcp::p2p::yamux
