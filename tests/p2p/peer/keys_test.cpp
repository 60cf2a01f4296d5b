// SPDX-License-Identifier: MIT
// Keys and peer IDs: spec vectors (libp2p-digest §16.1) and generated RSA/ECDSA/secp256k1
// signatures (tests/vectors/peer/README.md).
#include "p2p/peer/errc.hpp"
#include "p2p/peer/keys.hpp"
#include "p2p/peer/multihash.hpp"
#include "p2p/peer/peer_id.hpp"
#include "p2p/peer/protobuf.hpp"

#include <random>
#include <unordered_set>

#include <gtest/gtest.h>

#include "tests/p2p/peer/test_util.hpp"

namespace pcp::p2p::peer {
namespace {
using test::hex;

constexpr std::string_view spec_seed = "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d";
constexpr std::string_view spec_pub_pb = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr std::string_view spec_priv_pb =
    "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
    "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr std::string_view spec_id = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";

ed25519_keypair spec_key()
{
    auto seed = hex(spec_seed);
    return ed25519_keypair::from_seed(std::span<const std::byte, 32>(seed.data(), 32));
}

TEST(ed25519_keypair, spec_vector_peer_id_and_protobufs)
{
    auto k = spec_key();
    EXPECT_EQ(to_hex(k.public_key().to_protobuf()), spec_pub_pb);
    EXPECT_EQ(to_hex(k.to_private_protobuf()), spec_priv_pb);
    auto id = k.id();
    EXPECT_EQ(to_hex(id.bytes()), std::string("0024") + std::string(spec_pub_pb));
    EXPECT_EQ(id.to_string(), spec_id);
    EXPECT_TRUE(id.is_identity());
    EXPECT_EQ(id.to_cid_string(), "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6");
    EXPECT_EQ(id.to_cid_string(multibase::base36), "k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe");
}

TEST(ed25519_keypair, spec_signature_vector)
{
    auto k = spec_key();
    byte_buffer msg = to_buffer("noise-libp2p-static-key:");
    for (int i = 0; i < 32; ++i) {
        msg.push_back(static_cast<std::byte>(i));
    }
    auto sig = k.sign(msg);
    EXPECT_EQ(to_hex(sig), "6748f6f4c32e36aa2ef8df283a99a76275a9358b224844c53ced6ae4789262d0"
                           "0a86a6fe47a578ae243faa2a3ed9f4fd22d1bc38527f4797548e568ca43f500c");
    EXPECT_TRUE(k.public_key().verify(msg, sig));
    msg.back() ^= std::byte{1};
    EXPECT_FALSE(k.public_key().verify(msg, sig));
    EXPECT_FALSE(k.public_key().verify(msg, bytes_view(sig).first(63)));
}

TEST(ed25519_keypair, private_protobuf_forms)
{
    auto k = ed25519_keypair::from_private_protobuf(hex(spec_priv_pb));
    ASSERT_TRUE(k);
    EXPECT_EQ(k.value().id().to_string(), spec_id);
    // Legacy 96-byte seed||pub||pub.
    std::string legacy = "08011260" + std::string(spec_priv_pb.substr(8)) + std::string(spec_priv_pb.substr(72));
    auto l = ed25519_keypair::from_private_protobuf(hex(legacy));
    ASSERT_TRUE(l);
    EXPECT_EQ(l.value().id().to_string(), spec_id);
    auto bad_legacy = legacy;
    bad_legacy.back() = bad_legacy.back() == '0' ? '1' : '0';
    EXPECT_EQ(ed25519_keypair::from_private_protobuf(hex(bad_legacy)).error(), errc::bad_key);
    auto wrong_pub = std::string(spec_priv_pb);
    wrong_pub.back() = wrong_pub.back() == '0' ? '1' : '0';
    EXPECT_EQ(ed25519_keypair::from_private_protobuf(hex(wrong_pub)).error(), errc::bad_key);
    EXPECT_EQ(ed25519_keypair::from_private_protobuf(hex("0802122053dadf1d5a164d6b4acdb15e24aa4c5b1d3461bdbd42abedb0a4404d56ced8fb")).error(),
              errc::unsupported_key_type);
}

TEST(ed25519_keypair, generate_sign_verify_and_move)
{
    auto a = ed25519_keypair::generate();
    auto b = ed25519_keypair::generate();
    EXPECT_NE(a.id(), b.id());
    auto sig = a.sign(as_bytes("hi"));
    EXPECT_TRUE(a.public_key().verify(as_bytes("hi"), sig));
    EXPECT_FALSE(b.public_key().verify(as_bytes("hi"), sig));
    auto id = a.id();
    ed25519_keypair moved = std::move(a);
    EXPECT_EQ(moved.id(), id);
    b = std::move(moved);
    EXPECT_EQ(b.id(), id);
    EXPECT_EQ(to_hex(b.public_bytes()), to_hex(b.public_key().data));
}

TEST(public_key, parse_spec_ed25519_and_round_trip)
{
    auto k = public_key::from_protobuf(hex(spec_pub_pb));
    ASSERT_TRUE(k);
    EXPECT_EQ(k.value().type, key_type::ed25519);
    EXPECT_EQ(to_hex(k.value().to_protobuf()), spec_pub_pb);
    EXPECT_EQ(k.value().to_peer_id().to_string(), spec_id);
    auto extracted = extract_public_key(k.value().to_peer_id());
    ASSERT_TRUE(extracted);
    EXPECT_EQ(extracted.value(), k.value());
}

TEST(public_key, strict_protobuf_parsing)
{
    std::string data = std::string(spec_pub_pb.substr(4));              // "1220..."
    EXPECT_TRUE(public_key::from_protobuf(hex("1220" + data.substr(4) + "0801"))); // any field order
    EXPECT_EQ(public_key::from_protobuf(hex(data)).error(), errc::bad_key);         // no type
    EXPECT_EQ(public_key::from_protobuf(hex("0801")).error(), errc::bad_key);       // no data
    EXPECT_EQ(public_key::from_protobuf(hex("08010801" + data)).error(), errc::bad_key); // dup type
    EXPECT_EQ(public_key::from_protobuf(hex(std::string(spec_pub_pb) + data)).error(), errc::bad_key); // dup data
    EXPECT_EQ(public_key::from_protobuf(hex(std::string(spec_pub_pb) + "1801")).error(), errc::bad_key); // extra
    EXPECT_EQ(public_key::from_protobuf(hex("0804" + data)).error(), errc::unsupported_key_type);
    EXPECT_EQ(public_key::from_protobuf(hex("0a0101" + data)).error(), errc::bad_key); // type as bytes
    EXPECT_EQ(public_key::from_protobuf(hex("0801121f" + data.substr(4, 62))).error(), errc::bad_key); // 31 B
    EXPECT_EQ(public_key::from_protobuf(hex("08011221" + data.substr(4) + "00")).error(), errc::bad_key); // 33 B
    EXPECT_EQ(public_key::from_protobuf({}).error(), errc::bad_key);
    // Every truncation fails.
    auto full = hex(spec_pub_pb);
    for (std::size_t n = 0; n < full.size(); ++n) {
        EXPECT_FALSE(public_key::from_protobuf(bytes_view(full).first(n))) << n;
    }
}

TEST(public_key, protobuf_size_limit_at_n_and_n_plus_1)
{
    // A well-formed frame at the limit is rejected for content (bad RSA DER), not for size; one
    // byte more is too_long before any parsing.
    byte_buffer at;
    pb::put_varint(1, 0, at);
    pb::put_bytes(2, byte_buffer(max_public_key_protobuf_size - 5, std::byte{0}), at);
    ASSERT_EQ(at.size(), max_public_key_protobuf_size);
    EXPECT_EQ(public_key::from_protobuf(at).error(), errc::bad_key);
    at.push_back(std::byte{0});
    EXPECT_EQ(public_key::from_protobuf(at).error(), errc::too_long);
    // Per-type data limits.
    EXPECT_EQ(public_key::from_raw(key_type::rsa, byte_buffer(max_rsa_key_data_size + 1)).error(), errc::too_long);
    EXPECT_EQ(public_key::from_raw(key_type::rsa, byte_buffer(max_rsa_key_data_size)).error(), errc::bad_key);
    EXPECT_EQ(public_key::from_raw(key_type::ecdsa, byte_buffer(max_ecdsa_key_data_size + 1)).error(), errc::too_long);
    EXPECT_EQ(public_key::from_raw(key_type::ecdsa, byte_buffer(max_ecdsa_key_data_size)).error(), errc::bad_key);
}

struct generated_case {
    const char* file;
    key_type type;
    bool accepted;
};

class generated_keys : public ::testing::TestWithParam<generated_case> {};

TEST_P(generated_keys, verify_real_signatures)
{
    auto [file, type, accepted] = GetParam();
    auto v = test::load_vector(file);
    auto pb_bytes = hex(v["pubkey_pb"]);
    auto msg = hex(v["msg"]);
    auto sig = hex(v["sig"]);
    auto k = public_key::from_protobuf(pb_bytes);
    if (!accepted) {
        ASSERT_FALSE(k);
        EXPECT_EQ(k.error(), errc::bad_key);
        public_key raw{type, {}};
        auto parsed = pb::reader(pb_bytes);
        while (auto f = parsed.next()) {
            if (f->number == 2) {
                raw.data.assign(f->bytes.begin(), f->bytes.end());
            }
        }
        EXPECT_FALSE(raw.verify(msg, sig)); // verify() enforces the same bounds
        return;
    }
    ASSERT_TRUE(k) << k.error().message();
    EXPECT_EQ(k.value().type, type);
    EXPECT_EQ(k.value().to_protobuf(), pb_bytes);
    EXPECT_EQ(k.value().to_peer_id().to_string(), v["peer_id"]);
    EXPECT_TRUE(k.value().verify(msg, sig));
    auto bad_msg = msg;
    bad_msg[0] ^= std::byte{1};
    EXPECT_FALSE(k.value().verify(bad_msg, sig));
    auto bad_sig = sig;
    bad_sig[bad_sig.size() / 2] ^= std::byte{0x10};
    EXPECT_FALSE(k.value().verify(msg, bad_sig));
    EXPECT_FALSE(k.value().verify(msg, {}));
    EXPECT_FALSE(k.value().verify(msg, bytes_view(sig).first(sig.size() - 1)));
    auto id = peer_id::from_string(v["peer_id"]);
    ASSERT_TRUE(id);
    EXPECT_EQ(id.value(), k.value().to_peer_id());
}

INSTANTIATE_TEST_SUITE_P(peer, generated_keys,
                         ::testing::Values(generated_case{"rsa2048.txt", key_type::rsa, true},
                                           generated_case{"rsa1024.txt", key_type::rsa, false},
                                           generated_case{"ecdsa_p256.txt", key_type::ecdsa, true},
                                           generated_case{"ecdsa_p384.txt", key_type::ecdsa, true},
                                           generated_case{"secp256k1.txt", key_type::secp256k1, true}));

TEST(public_key, spec_secp256k1_and_ecdsa_peer_ids)
{
    auto s = public_key::from_protobuf(hex("08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99"));
    ASSERT_TRUE(s);
    EXPECT_EQ(s.value().to_peer_id().to_string(), "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");
    auto e = public_key::from_protobuf(hex(
        "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44ab"
        "f3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e.value().to_peer_id().to_string(), "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk");
    EXPECT_EQ(extract_public_key(e.value().to_peer_id()).error(), errc::bad_peer_id);
}

TEST(public_key, rejects_invalid_secp256k1_points)
{
    // x = 0 is not on the curve; prefix 04 (uncompressed marker) with 33 bytes is malformed.
    EXPECT_EQ(public_key::from_raw(key_type::secp256k1, hex("02" + std::string(64, '0'))).error(), errc::bad_key);
    EXPECT_EQ(public_key::from_raw(key_type::secp256k1,
                                   hex("047777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99"))
                  .error(),
              errc::bad_key);
    // An ECDSA key is not an RSA key and vice versa.
    auto p256 = test::load_vector("ecdsa_p256.txt");
    auto k = public_key::from_protobuf(hex(p256["pubkey_pb"]));
    ASSERT_TRUE(k);
    EXPECT_EQ(public_key::from_raw(key_type::rsa, k.value().data).error(), errc::bad_key);
    // Trailing garbage after the DER is rejected.
    auto der = k.value().data;
    der.push_back(std::byte{0});
    EXPECT_EQ(public_key::from_raw(key_type::ecdsa, der).error(), errc::bad_key);
}

// ---- peer_id ----

TEST(peer_id, text_forms)
{
    auto a = peer_id::from_string(spec_id);
    auto b = peer_id::from_string("bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6");
    auto c = peer_id::from_string("k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe");
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(a.value(), b.value());
    EXPECT_EQ(a.value(), c.value());
    EXPECT_EQ(b.value().to_string(), spec_id);
    auto q = peer_id::from_string("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
    auto z = peer_id::from_string("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
    ASSERT_TRUE(q && z);
    EXPECT_EQ(q.value(), z.value());
    EXPECT_EQ(to_hex(q.value().bytes()), "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9");
    EXPECT_FALSE(q.value().is_identity());
    EXPECT_EQ(q.value().to_cid_string(), "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
}

TEST(peer_id, rejects)
{
    EXPECT_FALSE(peer_id::from_string(""));
    EXPECT_FALSE(peer_id::from_string("Qm"));
    EXPECT_FALSE(peer_id::from_string("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p0")); // '0'
    EXPECT_FALSE(peer_id::from_string("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p"));  // short
    // A raw (0x55) CID is not a peer ID.
    EXPECT_EQ(peer_id::from_string("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e").error(),
              errc::unsupported_codec);
    EXPECT_EQ(peer_id::from_string(std::string(max_peer_id_text_size + 1, '1')).error(), errc::too_long);
    EXPECT_FALSE(peer_id::from_bytes({}));
    EXPECT_FALSE(peer_id::from_bytes(hex("0000")));                          // empty identity
    EXPECT_FALSE(peer_id::from_bytes(hex("1114" + std::string(40, 'a')))); // sha1
    EXPECT_FALSE(peer_id::from_bytes(hex("1220" + std::string(64, 'a') + "00")));
}

TEST(peer_id, identity_limit_at_n_and_n_plus_1)
{
    byte_buffer at(max_identity_peer_id_key_size, std::byte{7});
    EXPECT_TRUE(peer_id::from_bytes(identity_multihash(at)));
    at.push_back(std::byte{7});
    EXPECT_FALSE(peer_id::from_bytes(identity_multihash(at)));
    std::string t(max_peer_id_text_size, '1');
    EXPECT_NE(peer_id::from_string(t).error(), errc::too_long);
}

TEST(peer_id, ordering_and_hash)
{
    auto a = spec_key().id();
    auto b = peer_id::from_string("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N").value();
    EXPECT_TRUE(a < b); // 0x00 < 0x12
    std::unordered_set<peer_id> s{a, b, a};
    EXPECT_EQ(s.size(), 2u);
}

TEST(peer_id, seeded_round_trips)
{
    std::mt19937 rng(3);
    for (int i = 0; i < 200; ++i) {
        auto k = ed25519_keypair::generate();
        auto id = k.id();
        auto s = peer_id::from_string(id.to_string());
        ASSERT_TRUE(s);
        EXPECT_EQ(s.value(), id);
        EXPECT_EQ(id.to_string().substr(0, 8), "12D3KooW");
        auto c = peer_id::from_string(id.to_cid_string(rng() % 2 ? multibase::base32 : multibase::base36));
        ASSERT_TRUE(c);
        EXPECT_EQ(c.value(), id);
        auto pk = extract_public_key(id);
        ASSERT_TRUE(pk);
        EXPECT_EQ(pk.value(), k.public_key());
    }
}

} // namespace
} // namespace pcp::p2p::peer
