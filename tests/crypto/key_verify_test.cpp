// SPDX-License-Identifier: MIT
// RSA / ECDSA / secp256k1 verification against generated vectors (tests/vectors/peer/README.md).
#include "crypto/key_verify.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

namespace pcp::crypto {
namespace {

struct key_vector {
    byte_buffer key; ///< the PublicKey protobuf's Data field
    byte_buffer msg;
    byte_buffer sig;
};

/// Load a vector and strip the 4- or 5-byte PublicKey protobuf header (type + data length).
key_vector load(const std::string& name)
{
    std::map<std::string, std::string> kv;
    std::ifstream in("tests/vectors/peer/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::string k, v;
    while (in >> k >> v) {
        kv[k] = v;
    }
    auto pb = from_hex(kv["pubkey_pb"]).value_or(byte_buffer{});
    // 08 tt 12 <varint len> data
    std::size_t hdr = (pb.size() > 4 && (std::to_integer<unsigned>(pb[3]) & 0x80)) ? 5 : 4;
    if (pb.size() > 5 && (std::to_integer<unsigned>(pb[4]) & 0x80) && hdr == 5) {
        hdr = 6;
    }
    key_vector out;
    out.key.assign(pb.begin() + static_cast<std::ptrdiff_t>(std::min(hdr, pb.size())), pb.end());
    out.msg = from_hex(kv["msg"]).value_or(byte_buffer{});
    out.sig = from_hex(kv["sig"]).value_or(byte_buffer{});
    return out;
}

TEST(key_verify, rsa_2048)
{
    auto v = load("rsa2048.txt");
    EXPECT_TRUE(rsa_public_key_valid(v.key));
    EXPECT_TRUE(rsa_verify_sha256(v.key, v.msg, v.sig));
    v.msg.push_back(std::byte{0});
    EXPECT_FALSE(rsa_verify_sha256(v.key, v.msg, v.sig));
    EXPECT_FALSE(ecdsa_verify_sha256(v.key, v.msg, v.sig));
}

TEST(key_verify, rsa_1024_is_too_small)
{
    auto v = load("rsa1024.txt");
    EXPECT_FALSE(rsa_public_key_valid(v.key));
    EXPECT_FALSE(rsa_verify_sha256(v.key, v.msg, v.sig));
}

TEST(key_verify, ecdsa_p256_p384)
{
    for (auto f : {"ecdsa_p256.txt", "ecdsa_p384.txt"}) {
        auto v = load(f);
        EXPECT_TRUE(ecdsa_public_key_valid(v.key)) << f;
        EXPECT_TRUE(ecdsa_verify_sha256(v.key, v.msg, v.sig)) << f;
        EXPECT_FALSE(rsa_verify_sha256(v.key, v.msg, v.sig)) << f;
        auto bad = v.sig;
        bad.back() ^= std::byte{1};
        EXPECT_FALSE(ecdsa_verify_sha256(v.key, v.msg, bad)) << f;
        // Non-DER signature encodings (extra trailing byte) are rejected.
        auto trailing = v.sig;
        trailing.push_back(std::byte{0});
        EXPECT_FALSE(ecdsa_verify_sha256(v.key, v.msg, trailing)) << f;
    }
}

TEST(key_verify, secp256k1)
{
    auto v = load("secp256k1.txt");
    ASSERT_EQ(v.key.size(), secp256k1_compressed_size);
    EXPECT_TRUE(secp256k1_public_key_valid(v.key));
    EXPECT_TRUE(secp256k1_verify_sha256(v.key, v.msg, v.sig));
    auto other = v.key;
    other[0] = other[0] == std::byte{2} ? std::byte{3} : std::byte{2}; // the negated point
    EXPECT_TRUE(secp256k1_public_key_valid(other));
    EXPECT_FALSE(secp256k1_verify_sha256(other, v.msg, v.sig));
    EXPECT_FALSE(secp256k1_verify_sha256(bytes_view(v.key).first(32), v.msg, v.sig));
    EXPECT_FALSE(secp256k1_verify_sha256(v.key, v.msg, {}));
    byte_buffer huge(max_ecdsa_sig_size + 1, std::byte{0x30});
    EXPECT_FALSE(secp256k1_verify_sha256(v.key, v.msg, huge));
}

TEST(key_verify, garbage_keys)
{
    byte_buffer junk(100, std::byte{0x30});
    EXPECT_FALSE(rsa_public_key_valid(junk));
    EXPECT_FALSE(ecdsa_public_key_valid(junk));
    EXPECT_FALSE(secp256k1_public_key_valid(junk));
    EXPECT_FALSE(rsa_public_key_valid({}));
    EXPECT_FALSE(rsa_public_key_valid(byte_buffer(max_rsa_der_size + 1)));
}

} // namespace
} // namespace pcp::crypto
