// SPDX-License-Identifier: MIT
// multistream-select framing: digest §16.3 vectors, partial reads, limits at N and N+1, listing
// format, seeded round trips.
#include "p2p/multistream/wire.hpp"

#include <random>

#include <gtest/gtest.h>

namespace pcp::p2p::multistream {
namespace {

byte_buffer hex(std::string_view h) { return *from_hex(h); }

std::string enc(std::string_view text)
{
    byte_buffer out;
    EXPECT_TRUE(encode(text, out));
    return to_hex(out);
}

TEST(multistream_wire, known_bytes)
{
    EXPECT_EQ(enc("na"), "036e610a");
    EXPECT_EQ(enc("ls"), "036c730a");
    EXPECT_EQ(enc(protocol_id), "132f6d756c746973747265616d2f312e302e300a");
    EXPECT_EQ(enc("/noise"), "072f6e6f6973650a");
    EXPECT_EQ(enc("/yamux/1.0.0"), "0d2f79616d75782f312e302e300a");
    EXPECT_EQ(enc("/ipfs/id/1.0.0"), "0f2f697066732f69642f312e302e300a");
    EXPECT_EQ(enc("/ipfs/ping/1.0.0"), "112f697066732f70696e672f312e302e300a");
    EXPECT_EQ(enc("/ipfs/kad/1.0.0"), "102f697066732f6b61642f312e302e300a");
}

TEST(multistream_wire, decode_stops_at_message_end)
{
    auto in = hex("132f6d756c746973747265616d2f312e302e300a072f6e6f6973650aff");
    auto d = decode(in);
    ASSERT_TRUE(d);
    ASSERT_TRUE(d.value().complete());
    EXPECT_EQ(*d.value().message, protocol_id);
    EXPECT_EQ(d.value().consumed, 20u);
    auto d2 = decode(bytes_view(in).subspan(20));
    ASSERT_TRUE(d2 && d2.value().complete());
    EXPECT_EQ(*d2.value().message, "/noise");
    EXPECT_EQ(d2.value().consumed, 8u);
}

TEST(multistream_wire, byte_by_byte)
{
    byte_buffer msg;
    ASSERT_TRUE(encode("/ipfs/kad/1.0.0", msg));
    for (std::size_t n = 0; n < msg.size(); ++n) {
        auto d = decode(bytes_view(msg).first(n));
        ASSERT_TRUE(d) << n;
        EXPECT_FALSE(d.value().complete()) << n;
        if (n >= 1) {
            EXPECT_EQ(d.value().needed, msg.size());
        }
    }
    auto d = decode(msg);
    ASSERT_TRUE(d && d.value().complete());
    // A 2-byte prefix split across reads.
    byte_buffer big;
    ASSERT_TRUE(encode(std::string(500, 'x'), big));
    auto p1 = decode(bytes_view(big).first(1));
    ASSERT_TRUE(p1);
    EXPECT_FALSE(p1.value().complete());
    EXPECT_EQ(p1.value().needed, 0u);
}

TEST(multistream_wire, limits)
{
    byte_buffer out;
    EXPECT_TRUE(encode(std::string(max_message_size - 1, 'a'), out)); // N
    auto d = decode(out);
    ASSERT_TRUE(d && d.value().complete());
    EXPECT_EQ(d.value().message->size(), max_message_size - 1);
    byte_buffer out2;
    auto e = encode(std::string(max_message_size, 'a'), out2); // N+1
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error(), errc::message_too_large);
    EXPECT_TRUE(out2.empty());
    // Prefix 1025 (0x81 0x08) is rejected without waiting for the body.
    auto d2 = decode(hex("8108"));
    ASSERT_FALSE(d2);
    EXPECT_EQ(d2.error(), errc::message_too_large);
    // Prefix 1024 (0x80 0x08) is accepted and waits for the body.
    auto d3 = decode(hex("8008"));
    ASSERT_TRUE(d3);
    EXPECT_EQ(d3.value().needed, 1026u);
    // A three-byte prefix cannot be within the limit.
    auto d4 = decode(hex("8080"));
    ASSERT_FALSE(d4);
    EXPECT_EQ(d4.error(), errc::message_too_large);
}

TEST(multistream_wire, malformed)
{
    EXPECT_EQ(decode(hex("00")).error(), errc::bad_length);
    EXPECT_EQ(decode(hex("8100")).error(), errc::bad_length);           // non-minimal
    EXPECT_EQ(decode(hex("036e6161")).error(), errc::missing_newline); // "naa"
    auto empty_text = decode(hex("010a"));                             // "" is legal framing
    ASSERT_TRUE(empty_text && empty_text.value().complete());
    EXPECT_EQ(*empty_text.value().message, "");
    auto none = decode({});
    ASSERT_TRUE(none);
    EXPECT_FALSE(none.value().complete());
}

TEST(multistream_wire, listing_js_format)
{
    std::vector<std::string> protos{"/a", "/bb"};
    byte_buffer out;
    EXPECT_EQ(encode_listing(protos, out), 2u);
    // outer len 10 | 03 "/a\n" | 04 "/bb\n" | "\n"
    EXPECT_EQ(to_hex(out), "0a032f610a042f62620a0a");
    auto d = decode(out);
    ASSERT_TRUE(d && d.value().complete());
    auto l = decode_listing(*d.value().message);
    ASSERT_TRUE(l);
    EXPECT_EQ(l.value(), protos);
}

TEST(multistream_wire, listing_go_format_and_errors)
{
    // Older go: uvarint(len(buf)) || buf, buf = entries only (no outer newline).
    auto in = hex("09032f610a042f62620a");
    auto d = decode(in);
    ASSERT_TRUE(d && d.value().complete());
    auto l = decode_listing(*d.value().message);
    ASSERT_TRUE(l);
    EXPECT_EQ(l.value(), (std::vector<std::string>{"/a", "/bb"}));
    EXPECT_FALSE(decode_listing("\x05/a"));
    EXPECT_FALSE(decode_listing(std::string_view("\x00", 1)));
    std::string many;
    for (std::size_t i = 0; i <= max_listed_protocols; ++i) {
        many += "\x02x\n";
    }
    EXPECT_FALSE(decode_listing(many));
}

TEST(multistream_wire, listing_truncates_to_limit)
{
    std::vector<std::string> protos(20, std::string(100, 'p'));
    byte_buffer out;
    auto n = encode_listing(protos, out);
    EXPECT_EQ(n, 10u); // each entry is 102 bytes: 10 fit in 1023, 11 do not
    auto d = decode(out);
    ASSERT_TRUE(d && d.value().complete());
    EXPECT_LE(out.size(), max_message_size + max_prefix_size);
}

TEST(multistream_wire, roundtrip_property)
{
    std::mt19937_64 rng(0x6d7373);
    for (int i = 0; i < 2000; ++i) {
        std::size_t len = rng() % max_message_size;
        std::string text(len, '\0');
        for (auto& c : text) {
            c = static_cast<char>(rng());
        }
        byte_buffer out;
        ASSERT_TRUE(encode(text, out));
        const std::size_t extra = rng() % 8;
        for (std::size_t k = 0; k < extra; ++k) {
            out.push_back(static_cast<std::byte>(rng()));
        }
        auto d = decode(out);
        ASSERT_TRUE(d && d.value().complete());
        EXPECT_EQ(*d.value().message, text);
        EXPECT_EQ(d.value().consumed, out.size() - extra);
        // Any strict prefix of the message is "need more".
        std::size_t cut = rng() % (out.size() - extra);
        auto p = decode(bytes_view(out).first(cut));
        ASSERT_TRUE(p);
        EXPECT_FALSE(p.value().complete());
    }
}

} // namespace
} // namespace pcp::p2p::multistream
