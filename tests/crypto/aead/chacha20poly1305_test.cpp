// SPDX-License-Identifier: MIT
// ChaCha20-Poly1305 (RFC 8439 §2.8.2 vector) and a seeded property test: the OpenSSL-backed AEAD
// must agree byte for byte with libsodium's crypto_aead_chacha20poly1305_ietf_* in both directions.
#include "crypto/chacha20poly1305.hpp"

#include <random>

#include <gtest/gtest.h>
#include <sodium.h>

namespace pcp::crypto {
namespace {

byte_buffer hex(std::string_view h)
{
    return from_hex(h).value();
}
auto* u8(std::byte* p)
{
    return reinterpret_cast<unsigned char*>(p);
}

template <std::size_t N>
std::array<std::byte, N> arr(std::string_view h)
{
    auto b = hex(h);
    std::array<std::byte, N> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

const std::string_view rfc_plaintext =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
    "sunscreen would be it.";
const std::string_view rfc_ciphertext = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736"
                                        "ee62d63dbea45e8ca9671282fafb69da92728b"
                                        "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328"
                                        "091b58fab324e4fad675945585808b4831d7bc"
                                        "3ff4def08e4b7a9de576d26586cec64b6116";
const std::string_view rfc_tag = "1ae10b594f09e26a7e902ecbd0600691";

TEST(chacha20poly1305, rfc8439_2_8_2)
{
    auto key = arr<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    auto nonce = arr<12>("070000004041424344454647");
    auto ad = hex("50515253c0c1c2c3c4c5c6c7");
    chacha20poly1305 aead(key);

    byte_buffer buf = to_buffer(rfc_plaintext);
    std::array<std::byte, 16> tag{};
    aead.seal(nonce, ad, buf, tag);
    EXPECT_EQ(to_hex(buf), rfc_ciphertext);
    EXPECT_EQ(to_hex(tag), rfc_tag);

    ASSERT_TRUE(aead.open(nonce, ad, buf, tag));
    EXPECT_EQ(as_chars(buf), rfc_plaintext);

    // Trailing-tag form.
    byte_buffer framed = to_buffer(rfc_plaintext);
    framed.resize(framed.size() + 16);
    aead.seal(nonce, ad, framed);
    EXPECT_EQ(to_hex(framed), std::string(rfc_ciphertext) + std::string(rfc_tag));
    ASSERT_TRUE(aead.open(nonce, ad, framed));
    EXPECT_EQ(as_chars(std::span(framed).first(rfc_plaintext.size())), rfc_plaintext);
}

TEST(chacha20poly1305, failed_open_zeroes_output_and_reports_false)
{
    auto key = arr<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    auto nonce = arr<12>("070000004041424344454647");
    auto ad = hex("50515253c0c1c2c3c4c5c6c7");
    chacha20poly1305 aead(key);
    auto ct = hex(std::string(rfc_ciphertext) + std::string(rfc_tag));

    for (std::size_t flip : {std::size_t{0}, std::size_t{57}, ct.size() - 1}) {
        auto bad = ct;
        bad[flip] ^= std::byte{0x01};
        EXPECT_FALSE(aead.open(nonce, ad, bad));
        EXPECT_TRUE(
            std::all_of(bad.begin(), bad.end(), [](std::byte b) { return b == std::byte{0}; }));
    }
    auto bad_ad = ad;
    bad_ad[0] ^= std::byte{0x80};
    auto copy = ct;
    EXPECT_FALSE(aead.open(nonce, bad_ad, copy));
    auto wrong_nonce = nonce;
    wrong_nonce[0] = std::byte{0};
    copy = ct;
    EXPECT_FALSE(aead.open(wrong_nonce, ad, copy));
    // A buffer shorter than a tag never opens.
    byte_buffer tiny(15, std::byte{1});
    EXPECT_FALSE(aead.open(nonce, ad, tiny));
    // The context survives failures: the genuine message still opens.
    copy = ct;
    EXPECT_TRUE(aead.open(nonce, ad, copy));
}

TEST(chacha20poly1305, noise_nonce_layout)
{
    EXPECT_EQ(to_hex(noise_nonce(0)), "000000000000000000000000");
    EXPECT_EQ(to_hex(noise_nonce(1)), "000000000100000000000000");
    EXPECT_EQ(to_hex(noise_nonce(0x0102030405060708ull)), "000000000807060504030201");
    EXPECT_EQ(to_hex(noise_nonce(~std::uint64_t{0})), "00000000ffffffffffffffff");
}

// Property: OpenSSL seal == libsodium encrypt, and each opens the other's output, over seeded
// random keys, nonces, AD and lengths 0..70000 (both sides of the 65535 frame limit).
TEST(chacha20poly1305, agrees_with_libsodium_ietf)
{
    ASSERT_GE(sodium_init(), 0);
    std::mt19937_64 rng(0x5eed'c0de);
    auto fill = [&](std::span<std::byte> s) {
        for (auto& b : s) {
            b = static_cast<std::byte>(rng());
        }
    };
    std::vector<std::size_t> lengths = {0,  1,   15,  16,   17,    63,    64,
                                        65, 255, 256, 4096, 65519, 65535, 70000};
    for (int i = 0; i < 60; ++i) {
        lengths.push_back(static_cast<std::size_t>(rng() % 70001));
    }
    for (std::size_t len : lengths) {
        std::array<std::byte, 32> key;
        aead_nonce nonce;
        fill(key);
        fill(nonce);
        byte_buffer ad(rng() % 64);
        fill(ad);
        byte_buffer pt(len);
        fill(pt);
        if (rng() % 4 == 0) {
            nonce = noise_nonce(rng());
        }

        chacha20poly1305 aead(key);
        byte_buffer ours = pt;
        ours.resize(len + 16);
        aead.seal(nonce, ad, ours);

        byte_buffer theirs(len + 16);
        unsigned long long clen = 0;
        ASSERT_EQ(crypto_aead_chacha20poly1305_ietf_encrypt(
                      u8(theirs.data()), &clen, u8(pt.data()), pt.size(), u8(ad.data()), ad.size(),
                      nullptr, u8(nonce.data()), u8(key.data())),
                  0);
        ASSERT_EQ(clen, len + 16);
        ASSERT_EQ(ours, theirs) << "length " << len;

        // libsodium opens ours...
        byte_buffer back(len);
        unsigned long long plen = 0;
        ASSERT_EQ(crypto_aead_chacha20poly1305_ietf_decrypt(
                      u8(back.data()), &plen, nullptr, u8(ours.data()), ours.size(), u8(ad.data()),
                      ad.size(), u8(nonce.data()), u8(key.data())),
                  0);
        ASSERT_EQ(back, pt);
        // ...and we open theirs, with the separate-tag form.
        byte_buffer body(theirs.begin(), theirs.end() - 16);
        std::array<std::byte, 16> tag;
        std::copy(theirs.end() - 16, theirs.end(), tag.begin());
        ASSERT_TRUE(aead.open(nonce, ad, body, tag));
        ASSERT_EQ(body, pt);
        // A one-bit change anywhere is rejected by both.
        if (len > 0) {
            auto bad = theirs;
            bad[rng() % bad.size()] ^= std::byte{0x04};
            EXPECT_FALSE(aead.open(nonce, ad, bad));
            EXPECT_NE(crypto_aead_chacha20poly1305_ietf_decrypt(
                          u8(back.data()), &plen, nullptr, u8(theirs.data()), theirs.size() - 1,
                          u8(ad.data()), ad.size(), u8(nonce.data()), u8(key.data())),
                      0);
        }
    }
}

TEST(chacha20poly1305, context_reuse_across_many_nonces_and_moves)
{
    std::array<std::byte, 32> key{};
    key[0] = std::byte{7};
    chacha20poly1305 a(key);
    chacha20poly1305 moved = std::move(a);
    ASSERT_GE(sodium_init(), 0);
    for (std::uint64_t n = 0; n < 200; ++n) {
        byte_buffer pt(static_cast<std::size_t>(n * 13 % 300),
                       std::byte{static_cast<unsigned char>(n)});
        byte_buffer ct = pt;
        ct.resize(pt.size() + 16);
        auto nonce = noise_nonce(n);
        moved.seal(nonce, {}, ct);
        byte_buffer ref(pt.size() + 16);
        unsigned long long clen = 0;
        crypto_aead_chacha20poly1305_ietf_encrypt(u8(ref.data()), &clen, u8(pt.data()), pt.size(),
                                                  nullptr, 0, nullptr, u8(nonce.data()),
                                                  u8(key.data()));
        ASSERT_EQ(ct, ref) << n;
    }
}

} // namespace
} // namespace pcp::crypto
