// SPDX-License-Identifier: MIT
// HMAC-SHA256 (RFC 4231) and Noise's HKDF, which equals RFC 5869 HKDF-SHA256 with salt = chaining
// key and empty info (RFC 5869 test case 3, then a seeded cross-check against OpenSSL's EVP_KDF).
#include "crypto/hkdf.hpp"

#include <random>

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

namespace pcp::crypto {
namespace {

TEST(hmac_sha256, rfc4231)
{
    // Test case 1.
    EXPECT_EQ(to_hex(hmac_sha256(byte_buffer(20, std::byte{0x0b}), as_bytes("Hi There"))),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    // Test case 2.
    EXPECT_EQ(to_hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 6: a key longer than the block size.
    EXPECT_EQ(
        to_hex(hmac_sha256(byte_buffer(131, std::byte{0xaa}),
                           as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    // Split input equals the concatenation.
    EXPECT_EQ(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya "), as_bytes("want for nothing?")),
              hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?")));
}

TEST(sha256_concat, known_values)
{
    EXPECT_EQ(to_hex(sha256_concat({}, {})),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(sha256_concat(as_bytes("a"), as_bytes("bc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // Noise: h = SHA256("Noise_XX_25519_ChaChaPoly_SHA256") after MixHash(empty prologue) (digest
    // §16.4).
    EXPECT_EQ(to_hex(sha256_concat(as_bytes("Noise_XX_25519_ChaChaPoly_SHA256"), {})),
              "f3d15e6108ed9556171207baa58f97d29a13c6be40595166066e2e0958dc002d");
}

TEST(noise_hkdf, rfc5869_case3)
{
    // salt (= chaining key) empty, info empty, IKM = 22 x 0x0b.
    hash32 o1, o2, o3;
    noise_hkdf({}, byte_buffer(22, std::byte{0x0b}), o1, o2, o3);
    auto okm =
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
    EXPECT_EQ(to_hex(o1) + to_hex(o2).substr(0, 20), okm);
    hash32 p1, p2;
    noise_hkdf({}, byte_buffer(22, std::byte{0x0b}), p1, p2);
    EXPECT_EQ(o1, p1);
    EXPECT_EQ(o2, p2);
}

byte_buffer openssl_hkdf(bytes_view salt, bytes_view ikm, std::size_t len)
{
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::byte*>(salt.data()),
                                          salt.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::byte*>(ikm.data()),
                                          ikm.size()),
        OSSL_PARAM_construct_end(),
    };
    byte_buffer out(len);
    EXPECT_EQ(EVP_KDF_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), out.size(), params),
              1);
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return out;
}

TEST(noise_hkdf, agrees_with_openssl_hkdf)
{
    std::mt19937_64 rng(42);
    for (int i = 0; i < 50; ++i) {
        byte_buffer ck(32), ikm(rng() % 80 + (i % 5 == 0 ? 0 : 1));
        for (auto& b : ck) {
            b = static_cast<std::byte>(rng());
        }
        for (auto& b : ikm) {
            b = static_cast<std::byte>(rng());
        }
        if (ikm.empty()) {
            continue; // OpenSSL's HKDF refuses an empty key; our empty-IKM case is covered above
        }
        hash32 o1, o2, o3;
        noise_hkdf(ck, ikm, o1, o2, o3);
        auto ref = openssl_hkdf(ck, ikm, 96);
        EXPECT_EQ(to_hex(o1) + to_hex(o2) + to_hex(o3), to_hex(ref));
    }
}

TEST(noise_hkdf, outputs_may_alias_the_chaining_key)
{
    hash32 ck{};
    ck[3] = std::byte{9};
    auto ikm = as_bytes("input");
    hash32 e1, e2;
    noise_hkdf(ck, ikm, e1, e2);
    hash32 k;
    noise_hkdf(ck, ikm, ck, k); // MixKey: ck, k = HKDF(ck, ikm)
    EXPECT_EQ(ck, e1);
    EXPECT_EQ(k, e2);
}

} // namespace
} // namespace pcp::crypto
