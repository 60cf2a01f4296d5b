// SPDX-License-Identifier: MIT
// Noise wire: handshake payload protobuf (round trips, limits at N and N+1, unknown fields, the
// digest §16.4 payloads byte for byte), 2-byte framing and the incremental frame_reader.
#include "p2p/noise/wire.hpp"

#include <random>

#include <gtest/gtest.h>

#include "p2p/peer/protobuf.hpp"

namespace pcp::p2p::noise {
namespace {

byte_buffer hex(std::string_view h)
{
    return from_hex(h).value();
}

// libp2p-digest §16.4: responder payload with an Ed25519 key and the yamux extension.
constexpr std::string_view payload2_hex =
    "0a24080112202152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12"
    "1240a3be9ba61864e17cc7485da7ff11a5d5a6629e466546314643a90ac2ff4bdc51935c664e"
    "362c62fb5f6ffbd51be3b5d640669c0cd20c3118ebf5adbbec500c0c220e120c2f79616d7578"
    "2f312e302e30";

TEST(noise_wire, digest_payload_decodes_and_reencodes_identically)
{
    auto bytes = hex(payload2_hex);
    ASSERT_EQ(bytes.size(), 120u);
    auto p = decode_payload(bytes);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p.value().identity_key.size(), 36u);
    EXPECT_EQ(p.value().identity_sig.size(), 64u);
    ASSERT_TRUE(p.value().extensions);
    EXPECT_EQ(p.value().extensions->stream_muxers, std::vector<std::string>{"/yamux/1.0.0"});
    EXPECT_TRUE(p.value().extensions->webtransport_certhashes.empty());
    byte_buffer again;
    encode(p.value(), again);
    EXPECT_EQ(again, bytes);
}

TEST(noise_wire, payload_round_trips_seeded)
{
    std::mt19937_64 rng(7);
    auto rand_bytes = [&](std::size_t max) {
        byte_buffer b(rng() % (max + 1));
        for (auto& x : b) {
            x = static_cast<std::byte>(rng());
        }
        return b;
    };
    for (int i = 0; i < 300; ++i) {
        handshake_payload p;
        p.identity_key = rand_bytes(200);
        p.identity_sig = rand_bytes(100);
        if (rng() % 3 != 0) {
            p.extensions.emplace();
            for (std::size_t n = rng() % 4; n > 0; --n) {
                auto h = rand_bytes(max_certhash_size);
                p.extensions->webtransport_certhashes.push_back(h);
            }
            for (std::size_t n = rng() % 5; n > 0; --n) {
                p.extensions->stream_muxers.push_back("/m/" + std::to_string(rng() % 1000));
            }
        }
        byte_buffer enc;
        encode(p, enc);
        auto d = decode_payload(enc);
        ASSERT_TRUE(d) << i;
        EXPECT_EQ(d.value(), p) << i;
    }
}

TEST(noise_wire, empty_payload_and_unknown_fields)
{
    auto empty = decode_payload({});
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty.value().identity_key.empty());
    EXPECT_FALSE(empty.value().extensions);

    byte_buffer b;
    namespace pb = peer::pb;
    pb::put_bytes(1, as_bytes("key"), b);
    pb::put_bytes(3, as_bytes("legacy early data"), b); // field 3: ignored
    pb::put_varint(9, 12345, b);                        // unknown varint
    pb::put_bytes(2, as_bytes("sig"), b);
    byte_buffer ext1, ext2;
    pb::put_string(2, "/yamux/1.0.0", ext1);
    pb::put_varint(7, 1, ext1); // unknown inside extensions
    pb::put_string(2, "/mplex/6.7.0", ext2);
    pb::put_bytes(1, as_bytes("hash"), ext2);
    pb::put_bytes(4, ext1, b);
    pb::put_bytes(4, ext2, b); // repeated embedded message: merged
    auto d = decode_payload(b);
    ASSERT_TRUE(d);
    EXPECT_EQ(as_chars(d.value().identity_key), "key");
    EXPECT_EQ(as_chars(d.value().identity_sig), "sig");
    ASSERT_TRUE(d.value().extensions);
    EXPECT_EQ(d.value().extensions->stream_muxers,
              (std::vector<std::string>{"/yamux/1.0.0", "/mplex/6.7.0"}));
    ASSERT_EQ(d.value().extensions->webtransport_certhashes.size(), 1u);
}

TEST(noise_wire, malformed_payloads_are_rejected)
{
    namespace pb = peer::pb;
    byte_buffer wrong_type;
    pb::put_varint(1, 5, wrong_type); // identity_key as a varint
    EXPECT_EQ(decode_payload(wrong_type).error(), errc::bad_payload);

    byte_buffer wrong_ext_type;
    byte_buffer ext;
    pb::put_varint(2, 1, ext); // stream_muxers as a varint
    pb::put_bytes(4, ext, wrong_ext_type);
    EXPECT_EQ(decode_payload(wrong_ext_type).error(), errc::bad_payload);

    byte_buffer truncated;
    pb::put_bytes(1, as_bytes("0123456789"), truncated);
    truncated.pop_back();
    EXPECT_EQ(decode_payload(truncated).error(), errc::bad_payload);

    EXPECT_EQ(decode_payload(hex("0a")).error(), errc::bad_payload);     // key without length
    EXPECT_EQ(decode_payload(hex("0b")).error(), errc::bad_payload);     // group wire type
    EXPECT_EQ(decode_payload(hex("22020a")).error(), errc::bad_payload); // broken extensions
}

TEST(noise_wire, limits_at_n_and_n_plus_1)
{
    namespace pb = peer::pb;
    auto with_key = [](std::size_t n) {
        byte_buffer b;
        pb::put_bytes(1, byte_buffer(n, std::byte{1}), b);
        return b;
    };
    EXPECT_TRUE(decode_payload(with_key(max_identity_key_size)));
    EXPECT_EQ(decode_payload(with_key(max_identity_key_size + 1)).error(), errc::payload_limit);

    auto with_sig = [](std::size_t n) {
        byte_buffer b;
        pb::put_bytes(2, byte_buffer(n, std::byte{1}), b);
        return b;
    };
    EXPECT_TRUE(decode_payload(with_sig(max_identity_sig_size)));
    EXPECT_EQ(decode_payload(with_sig(max_identity_sig_size + 1)).error(), errc::payload_limit);

    auto with_muxers = [](std::size_t count, std::size_t len) {
        handshake_payload p;
        p.extensions.emplace();
        for (std::size_t i = 0; i < count; ++i) {
            p.extensions->stream_muxers.emplace_back(len, 'm');
        }
        byte_buffer b;
        encode(p, b);
        return b;
    };
    EXPECT_TRUE(decode_payload(with_muxers(max_stream_muxers, 12)));
    EXPECT_EQ(decode_payload(with_muxers(max_stream_muxers + 1, 12)).error(), errc::payload_limit);
    EXPECT_TRUE(decode_payload(with_muxers(1, max_muxer_name_size)));
    EXPECT_EQ(decode_payload(with_muxers(1, max_muxer_name_size + 1)).error(), errc::payload_limit);

    auto with_hashes = [](std::size_t count, std::size_t len) {
        handshake_payload p;
        p.extensions.emplace();
        for (std::size_t i = 0; i < count; ++i) {
            p.extensions->webtransport_certhashes.emplace_back(len, std::byte{7});
        }
        byte_buffer b;
        encode(p, b);
        return b;
    };
    EXPECT_TRUE(decode_payload(with_hashes(max_certhashes, 34)));
    EXPECT_EQ(decode_payload(with_hashes(max_certhashes + 1, 34)).error(), errc::payload_limit);
    EXPECT_TRUE(decode_payload(with_hashes(1, max_certhash_size)));
    EXPECT_EQ(decode_payload(with_hashes(1, max_certhash_size + 1)).error(), errc::payload_limit);

    // Merged repeated extensions count against the same limit.
    byte_buffer merged;
    for (std::size_t i = 0; i <= max_stream_muxers; ++i) {
        byte_buffer ext;
        pb::put_string(2, "/x", ext);
        pb::put_bytes(4, ext, merged);
    }
    EXPECT_EQ(decode_payload(merged).error(), errc::payload_limit);

    EXPECT_EQ(decode_payload(byte_buffer(max_frame_body + 1)).error(), errc::payload_limit);
}

TEST(noise_wire, frame_encode_decode)
{
    byte_buffer out;
    encode_frame(as_bytes("abc"), out);
    EXPECT_EQ(to_hex(out), "0003616263");
    byte_buffer big(max_frame_body, std::byte{9});
    encode_frame(big, out);
    EXPECT_EQ(out.size(), 5 + max_frame_size);
    EXPECT_EQ(to_hex(std::span(out).subspan(5, 2)), "ffff");

    auto d = decode_frame(out);
    ASSERT_TRUE(d.complete());
    EXPECT_EQ(as_chars(*d.message), "abc");
    EXPECT_EQ(d.consumed, 5u);
    auto d2 = decode_frame(std::span(out).subspan(5));
    ASSERT_TRUE(d2.complete());
    EXPECT_EQ(d2.message->size(), max_frame_body);

    EXPECT_EQ(decode_frame({}).needed, 2u);
    EXPECT_EQ(decode_frame(std::span(out).first(1)).needed, 2u);
    EXPECT_EQ(decode_frame(std::span(out).first(4)).needed, 5u);
    EXPECT_FALSE(decode_frame(std::span(out).subspan(5, max_frame_size - 1)).complete());

    byte_buffer zero;
    encode_frame({}, zero);
    auto dz = decode_frame(zero);
    ASSERT_TRUE(dz.complete());
    EXPECT_TRUE(dz.message->empty());
    EXPECT_EQ(dz.consumed, 2u);
}

TEST(noise_wire, frame_reader_byte_at_a_time_keeps_trailing_bytes)
{
    byte_buffer stream;
    encode_frame(as_bytes("hello"), stream);
    encode_frame({}, stream);
    encode_frame(byte_buffer(300, std::byte{0x5a}), stream);
    stream.push_back(std::byte{0xee}); // the start of something else

    frame_reader r;
    std::vector<byte_buffer> frames;
    std::size_t pos = 0;
    while (pos < stream.size()) {
        auto used = r.feed(std::span(stream).subspan(pos, 1));
        pos += used;
        if (r.has_frame()) {
            auto b = r.body();
            frames.emplace_back(b.begin(), b.end());
            r.pop();
        } else if (used == 0) {
            break;
        }
        EXPECT_LE(r.buffered(), max_frame_size);
    }
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(as_chars(frames[0]), "hello");
    EXPECT_TRUE(frames[1].empty());
    EXPECT_EQ(frames[2].size(), 300u);
    EXPECT_EQ(r.buffered(), 1u); // 0xee is the first header byte of a next frame
}

TEST(noise_wire, frame_reader_does_not_consume_past_a_complete_frame)
{
    byte_buffer stream;
    encode_frame(as_bytes("one"), stream);
    encode_frame(as_bytes("two"), stream);
    frame_reader r;
    EXPECT_EQ(r.feed(stream), 5u);
    ASSERT_TRUE(r.has_frame());
    EXPECT_EQ(r.feed(std::span(stream).subspan(5)), 0u); // holds until pop()
    r.pop();
    EXPECT_EQ(r.feed(std::span(stream).subspan(5)), 5u);
    ASSERT_TRUE(r.has_frame());
    EXPECT_EQ(as_chars(r.body()), "two");
}

} // namespace
} // namespace pcp::p2p::noise
