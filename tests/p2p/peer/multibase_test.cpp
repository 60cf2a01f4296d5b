// SPDX-License-Identifier: MIT
// Multibase, multihash and CID: known vectors (libp2p-digest §15, §16.6), strictness and seeded
// round trips.
#include "p2p/peer/cid.hpp"
#include "p2p/peer/errc.hpp"
#include "p2p/peer/multibase.hpp"
#include "p2p/peer/multihash.hpp"

#include <random>

#include <gtest/gtest.h>

#include "tests/p2p/peer/test_util.hpp"

namespace pcp::p2p::peer {
namespace {
using test::hex;

TEST(multibase, rfc4648_base32_and_base16_vectors)
{
    // RFC 4648 §10, lower case and without padding.
    const std::pair<const char*, const char*> b32[] = {
        {"", ""}, {"f", "my"}, {"fo", "mzxq"}, {"foo", "mzxw6"}, {"foob", "mzxw6yq"},
        {"fooba", "mzxw6ytb"}, {"foobar", "mzxw6ytboi"},
    };
    for (auto [in, out] : b32) {
        EXPECT_EQ(base32_encode(as_bytes(in)), out);
        auto d = base32_decode(out);
        ASSERT_TRUE(d) << out;
        EXPECT_EQ(as_chars(d.value()), in);
    }
    EXPECT_EQ(multibase_encode(multibase::base16, as_bytes("foobar")), "f666f6f626172");
    EXPECT_EQ(multibase_encode(multibase::base16_upper, as_bytes("foobar")), "F666F6F626172");
    EXPECT_EQ(multibase_encode(multibase::base32_upper, as_bytes("foobar")), "BMZXW6YTBOI");
    EXPECT_EQ(multibase_encode(multibase::base64, as_bytes("foobar")), "mZm9vYmFy");
    EXPECT_EQ(multibase_encode(multibase::base64url, hex("fbff")), "u-_8");
}

TEST(multibase, multiformats_spec_vectors)
{
    // multiformats/multibase tests: "Decentralize everything!!"
    auto in = as_bytes("Decentralize everything!!");
    EXPECT_EQ(multibase_encode(multibase::base58btc, in), "zUXE7GvtEk8XTXs1GF8HSGbVA9FCX9SEBPe");
    EXPECT_EQ(multibase_encode(multibase::base36, in), "k343ixo7d49hqj1ium15pgy1wzww5fxrid21td7l");
    EXPECT_EQ(multibase_encode(multibase::base32, in), "birswgzloorzgc3djpjssazlwmvzhs5dinfxgoijb");
    EXPECT_EQ(multibase_encode(multibase::base64url, in), "uRGVjZW50cmFsaXplIGV2ZXJ5dGhpbmchIQ");
    // Leading zero bytes.
    EXPECT_EQ(multibase_encode(multibase::base58btc, hex("00007961")), "z11AEk");
    EXPECT_EQ(multibase_encode(multibase::base36, hex("00007961")), "k00nz5");
    for (auto s : {"z11AEk", "k00nz5", "K00NZ5", "f00007961", "F00007961"}) {
        auto d = multibase_decode(s);
        ASSERT_TRUE(d) << s;
        EXPECT_EQ(to_hex(d.value()), "00007961") << s;
    }
}

TEST(multibase, strict_decoding)
{
    EXPECT_EQ(multibase_decode("").error(), errc::unsupported_multibase);
    EXPECT_EQ(multibase_decode("xabc").error(), errc::unsupported_multibase);
    EXPECT_EQ(multibase_decode("bMZXW6").error(), errc::bad_multibase); // case must match prefix
    EXPECT_EQ(multibase_decode("Bmzxw6").error(), errc::bad_multibase);
    EXPECT_EQ(multibase_decode("fABCD").error(), errc::bad_multibase);
    EXPECT_EQ(multibase_decode("f0").error(), errc::bad_multibase);      // odd length
    EXPECT_EQ(multibase_decode("bm").error(), errc::bad_multibase);      // impossible length
    EXPECT_EQ(multibase_decode("bmz").error(), errc::bad_multibase);     // impossible length
    EXPECT_EQ(multibase_decode("bmz").error(), errc::bad_multibase);
    EXPECT_EQ(multibase_decode("bmz======").error(), errc::bad_multibase); // padding
    EXPECT_EQ(multibase_decode("bmz").error(), errc::bad_multibase);
    EXPECT_EQ(multibase_decode("mzz").error(), errc::bad_multibase); // non-zero trailing bits
    EXPECT_EQ(multibase_decode("z0OIl").error(), errc::bad_multibase); // not in base58 alphabet
    EXPECT_TRUE(multibase_decode("z"));
    EXPECT_TRUE(multibase_decode("b"));
}

TEST(multibase, text_limit_at_n_and_n_plus_1)
{
    std::string ok_text = "z" + std::string(max_multibase_text_size, '2');
    EXPECT_TRUE(multibase_decode(ok_text));
    EXPECT_EQ(multibase_decode(ok_text + "2").error(), errc::too_long);
    EXPECT_TRUE(base16_decode(std::string(max_multibase_text_size, 'a')));
    EXPECT_EQ(base16_decode(std::string(max_multibase_text_size + 2, 'a')).error(), errc::too_long);
}

TEST(multibase, seeded_round_trips_every_base)
{
    std::mt19937 rng(7);
    const multibase bases[] = {multibase::base16, multibase::base16_upper, multibase::base32,
                               multibase::base32_upper, multibase::base36, multibase::base36_upper,
                               multibase::base58btc, multibase::base64, multibase::base64url};
    for (int i = 0; i < 400; ++i) {
        byte_buffer data(rng() % 70);
        for (auto& b : data) {
            // Bias towards zero bytes to exercise leading-zero handling.
            b = static_cast<std::byte>(rng() % 4 == 0 ? 0 : rng() & 0xff);
        }
        for (auto base : bases) {
            auto text = multibase_encode(base, data);
            multibase got{};
            auto back = multibase_decode(text, got);
            ASSERT_TRUE(back) << text;
            EXPECT_EQ(back.value(), data) << text;
            EXPECT_EQ(got, base);
            EXPECT_EQ(multibase_encode(base, back.value()), text);
        }
    }
}

// ---- multihash ----

TEST(multihash, sha256_and_identity)
{
    auto mh = sha256_multihash(as_bytes("hello world"));
    EXPECT_EQ(to_hex(mh), "1220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    auto v = decode_multihash(mh);
    ASSERT_TRUE(v);
    EXPECT_EQ(v.value().code, multihash_sha2_256);
    EXPECT_EQ(v.value().digest.size(), 32u);
    EXPECT_TRUE(v.value().supported());
    EXPECT_EQ(to_hex(identity_multihash(hex("0801"))), "00020801");
}

TEST(multihash, errors)
{
    EXPECT_EQ(decode_multihash({}).error(), errc::truncated);
    EXPECT_EQ(decode_multihash(hex("12")).error(), errc::truncated);
    EXPECT_EQ(decode_multihash(hex("1220aa")).error(), errc::truncated);
    EXPECT_EQ(decode_multihash(hex("1210" + std::string(32, 'a'))).error(), errc::bad_multihash);
    EXPECT_EQ(decode_multihash(hex("8000")).error(), errc::bad_varint);
    EXPECT_EQ(decode_multihash(hex("000100ff")).error(), errc::trailing_bytes);
    auto p = decode_multihash_prefix(hex("000100ff"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p.value().size, 3u);
    // Unknown functions decode structurally but are not "supported".
    auto other = decode_multihash(hex("b240" + std::string(128, '1')));
    ASSERT_FALSE(other); // 0xb240 is a 2-byte varint; digest length byte missing
    auto blake = decode_multihash(hex("a0e40220" + std::string(64, '1')));
    ASSERT_TRUE(blake);
    EXPECT_FALSE(blake.value().supported());
}

TEST(multihash, digest_limit_at_n_and_n_plus_1)
{
    byte_buffer at(max_multihash_digest_size, std::byte{1});
    auto ok_mh = identity_multihash(at);
    EXPECT_TRUE(decode_multihash(ok_mh));
    byte_buffer over;
    encode_multihash(multihash_identity, byte_buffer(max_multihash_digest_size + 1, std::byte{1}), over);
    EXPECT_EQ(decode_multihash(over).error(), errc::too_long);
}

// ---- CID ----

TEST(cid, hello_world_vectors)
{
    auto c = cid::of_raw(as_bytes("hello world"));
    EXPECT_EQ(to_hex(c.to_bytes()), "01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    EXPECT_EQ(c.to_string(), "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    auto pb = cid::v1(codec_dag_pb, c.multihash());
    ASSERT_TRUE(pb);
    EXPECT_EQ(pb.value().to_string(), "bafybeifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    auto v0 = cid::v0(c.multihash());
    ASSERT_TRUE(v0);
    EXPECT_EQ(v0.value().to_string(), "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4");
    EXPECT_EQ(cid::of_raw({}).to_string(), "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
}

TEST(cid, parse_text_forms)
{
    auto v0 = cid::from_string("QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4");
    ASSERT_TRUE(v0);
    EXPECT_EQ(v0.value().version(), 0u);
    EXPECT_EQ(v0.value().codec(), codec_dag_pb);
    auto v1 = cid::from_string("bafybeifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    ASSERT_TRUE(v1);
    EXPECT_EQ(v1.value().version(), 1u);
    EXPECT_EQ(v1.value().codec(), codec_dag_pb);
    EXPECT_EQ(v1.value().multihash(), v0.value().multihash()); // same provider key
    // The same CID in base36 and base16 upper.
    auto k = v1.value().to_string(multibase::base36);
    auto again = cid::from_string(k);
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value(), v1.value());
    auto upper = cid::from_string(v1.value().to_string(multibase::base16_upper));
    ASSERT_TRUE(upper);
    EXPECT_EQ(upper.value(), v1.value());
    // Peer ID CIDs (libp2p-key).
    auto pid = cid::from_string("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
    ASSERT_TRUE(pid);
    EXPECT_EQ(pid.value().codec(), codec_libp2p_key);
    EXPECT_EQ(to_hex(pid.value().multihash()), "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9");
}

TEST(cid, rejects_malformed)
{
    EXPECT_FALSE(cid::from_bytes({}));
    EXPECT_FALSE(cid::from_bytes(hex("02551220" + std::string(64, 'a')))); // version 2
    EXPECT_FALSE(cid::from_bytes(hex("1220" + std::string(62, 'a'))));     // 33-byte "v0"
    EXPECT_FALSE(cid::from_bytes(hex("0155")));                            // no multihash
    EXPECT_FALSE(cid::from_bytes(hex("01")));
    EXPECT_FALSE(cid::from_bytes(hex("015512")));
    EXPECT_FALSE(cid::from_bytes(hex("01551220" + std::string(64, 'a') + "00"))); // trailing
    // Multibase-wrapped CIDv0 is an error.
    EXPECT_FALSE(cid::from_string(multibase_encode(multibase::base32, hex("1220" + std::string(64, 'a')))));
    EXPECT_FALSE(cid::from_string("Qm"));
    EXPECT_FALSE(cid::from_string(""));
    EXPECT_EQ(cid::from_string(std::string(max_cid_text_size + 1, 'b')).error(), errc::too_long);
}

TEST(cid, seeded_binary_round_trip)
{
    std::mt19937 rng(11);
    for (int i = 0; i < 300; ++i) {
        byte_buffer data(rng() % 100);
        for (auto& b : data) {
            b = static_cast<std::byte>(rng() & 0xff);
        }
        std::uint64_t codecs[] = {codec_raw, codec_dag_pb, codec_dag_cbor, codec_libp2p_key, 0x300000};
        auto mh = rng() % 2 ? sha256_multihash(data) : identity_multihash(data);
        auto c = cid::v1(codecs[rng() % 5], mh);
        ASSERT_TRUE(c);
        auto b = cid::from_bytes(c.value().to_bytes());
        ASSERT_TRUE(b);
        EXPECT_EQ(b.value(), c.value());
        auto s = cid::from_string(c.value().to_string());
        ASSERT_TRUE(s);
        EXPECT_EQ(s.value(), c.value());
    }
}

} // namespace
} // namespace pcp::p2p::peer
