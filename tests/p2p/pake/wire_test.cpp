// SPDX-License-Identifier: MIT
// /pcp/pake/1.0.0 codec (p2p/pake/wire.hpp): roundtrips, partial input, every limit at N and N+1.
#include "p2p/pake/wire.hpp"

#include <random>

#include <gtest/gtest.h>

#include "p2p/peer/protobuf.hpp"
#include "p2p/peer/varint.hpp"

namespace pcp::p2p::pake {
namespace {

message full_message(std::uint32_t seed)
{
    std::mt19937 rng(seed);
    message m;
    m.share.emplace();
    for (auto& b : *m.share) {
        b = std::byte(rng());
    }
    m.ad = byte_buffer(rng() % (max_ad_size + 1));
    for (auto& b : *m.ad) {
        b = std::byte(rng());
    }
    m.confirm.emplace();
    for (auto& b : *m.confirm) {
        b = std::byte(rng());
    }
    m.abort = rng() % 4;
    return m;
}

void expect_same(const message& a, const message& b)
{
    EXPECT_EQ(a.share, b.share);
    EXPECT_EQ(a.ad, b.ad);
    EXPECT_EQ(a.confirm, b.confirm);
    EXPECT_EQ(a.abort, b.abort);
}

TEST(pake_wire, roundtrip_property)
{
    for (std::uint32_t seed = 0; seed < 200; ++seed) {
        auto m = full_message(seed);
        if (seed % 3 == 0) {
            m.share.reset();
        }
        if (seed % 5 == 0) {
            m.confirm.reset();
        }
        if (seed % 2 == 0) {
            m.abort.reset();
        }
        byte_buffer out;
        encode_framed(m, out);
        ASSERT_LE(out.size(), max_frame_size);
        auto d = decode_framed(out);
        ASSERT_TRUE(d) << d.error().message();
        ASSERT_TRUE(d.value().complete());
        EXPECT_EQ(d.value().consumed, out.size());
        expect_same(*d.value().message, m);
    }
}

TEST(pake_wire, largest_message_fits)
{
    message m = full_message(1);
    m.ad = byte_buffer(max_ad_size);
    m.abort = ~std::uint64_t{0} >> 1;
    byte_buffer body;
    encode(m, body);
    EXPECT_LE(body.size(), max_message_size);
}

TEST(pake_wire, partial_input_byte_by_byte)
{
    auto m = full_message(7);
    byte_buffer out;
    encode_framed(m, out);
    for (std::size_t n = 0; n < out.size(); ++n) {
        auto d = decode_framed(bytes_view(out).first(n));
        ASSERT_TRUE(d) << n;
        EXPECT_FALSE(d.value().complete()) << n;
        EXPECT_GT(d.value().needed, n);
    }
    // Trailing bytes are not consumed.
    out.push_back(std::byte{0x42});
    auto d = decode_framed(out);
    ASSERT_TRUE(d && d.value().complete());
    EXPECT_EQ(d.value().consumed, out.size() - 1);
}

TEST(pake_wire, abort_message_is_three_bytes)
{
    message m;
    m.abort = static_cast<std::uint64_t>(abort_reason::wrong_code);
    byte_buffer out;
    encode_framed(m, out);
    EXPECT_EQ(to_hex(out), "022001");
}

TEST(pake_wire, ad_limit)
{
    byte_buffer body;
    peer::pb::put_bytes(ad_field, byte_buffer(max_ad_size), body);
    EXPECT_TRUE(decode(body));
    body.clear();
    peer::pb::put_bytes(ad_field, byte_buffer(max_ad_size + 1), body);
    auto r = decode(body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::limit_exceeded);
}

TEST(pake_wire, frame_limit)
{
    byte_buffer at_limit;
    peer::encode_varint(max_message_size, at_limit);
    auto d = decode_framed(at_limit);
    ASSERT_TRUE(d);
    EXPECT_FALSE(d.value().complete());
    EXPECT_EQ(d.value().needed, 2 + max_message_size);

    byte_buffer over;
    peer::encode_varint(max_message_size + 1, over);
    auto e = decode_framed(over);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error(), errc::message_too_large);

    EXPECT_EQ(decode(byte_buffer(max_message_size + 1)).error(), errc::message_too_large);
}

TEST(pake_wire, field_sizes_and_types)
{
    for (std::size_t n : {share_size - 1, share_size + 1, std::size_t{0}}) {
        byte_buffer body;
        peer::pb::put_bytes(share_field, byte_buffer(n), body);
        EXPECT_EQ(decode(body).error(), errc::malformed) << n;
    }
    for (std::size_t n : {tag_size - 1, tag_size + 1}) {
        byte_buffer body;
        peer::pb::put_bytes(confirm_field, byte_buffer(n), body);
        EXPECT_EQ(decode(body).error(), errc::malformed) << n;
    }
    byte_buffer wrong_type;
    peer::pb::put_varint(share_field, 5, wrong_type);
    EXPECT_EQ(decode(wrong_type).error(), errc::malformed);
    byte_buffer abort_as_bytes;
    peer::pb::put_bytes(abort_field, byte_buffer(1), abort_as_bytes);
    EXPECT_EQ(decode(abort_as_bytes).error(), errc::malformed);
}

TEST(pake_wire, duplicates_rejected_unknown_ignored)
{
    byte_buffer dup;
    peer::pb::put_bytes(share_field, byte_buffer(share_size), dup);
    peer::pb::put_bytes(share_field, byte_buffer(share_size), dup);
    EXPECT_EQ(decode(dup).error(), errc::malformed);
    byte_buffer dup_abort;
    peer::pb::put_varint(abort_field, 1, dup_abort);
    peer::pb::put_varint(abort_field, 1, dup_abort);
    EXPECT_EQ(decode(dup_abort).error(), errc::malformed);

    byte_buffer unknown;
    peer::pb::put_string(9, "future", unknown);
    peer::pb::put_varint(10, 77, unknown);
    peer::pb::put_varint(abort_field, 2, unknown);
    auto r = decode(unknown);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().abort, 2u);
    EXPECT_FALSE(r.value().share);
}

TEST(pake_wire, bad_protobuf_and_varint)
{
    const byte_buffer truncated_len = {std::byte{0x0a}, std::byte{0x20}, std::byte{0x01}};
    EXPECT_EQ(decode(truncated_len).error(), errc::malformed);
    const byte_buffer not_minimal = {std::byte{0x80}, std::byte{0x00}};
    EXPECT_EQ(decode_framed(not_minimal).error(), errc::malformed);
    const byte_buffer empty_frame = {std::byte{0x00}};
    auto d = decode_framed(empty_frame);
    ASSERT_TRUE(d && d.value().complete()); // an empty message decodes; the machine rejects it
}

} // namespace
} // namespace pcp::p2p::pake
