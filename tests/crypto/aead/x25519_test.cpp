// SPDX-License-Identifier: MIT
// X25519: RFC 7748 §6.1 vector, the Noise transcript keys of libp2p-digest §16.4, low-order points.
#include "crypto/x25519.hpp"

#include <gtest/gtest.h>

#include "engine/bytes.hpp"

namespace pcp::crypto {
namespace {

std::array<std::byte, 32> arr(std::string_view h)
{
    auto b = from_hex(h).value();
    std::array<std::byte, 32> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

TEST(x25519, rfc7748_6_1)
{
    auto alice = x25519_keypair::from_secret(
        arr("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    auto bob = x25519_keypair::from_secret(
        arr("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    EXPECT_EQ(to_hex(alice.public_key()),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(to_hex(bob.public_key()),
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto k1 = alice.dh(bob.public_key());
    auto k2 = bob.dh(alice.public_key());
    ASSERT_TRUE(k1 && k2);
    EXPECT_EQ(to_hex(k1->bytes()),
              "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    EXPECT_EQ(to_hex(k2->bytes()), to_hex(k1->bytes()));
}

TEST(x25519, digest_16_4_public_keys)
{
    auto pub = [](unsigned char b) {
        std::array<std::byte, 32> s;
        s.fill(std::byte{b});
        return to_hex(x25519_keypair::from_secret(s).public_key());
    };
    EXPECT_EQ(pub(1), "a4e09292b651c278b9772c569f5fa9bb13d906b46ab68c9df9dc2b4409f8a209");
    EXPECT_EQ(pub(2), "ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59");
    EXPECT_EQ(pub(3), "5dfedd3b6bd47f6fa28ee15d969d5bb0ea53774d488bdaf9df1c6e0124b3ef22");
    EXPECT_EQ(pub(4), "ac01b2209e86354fb853237b5de0f4fab13c7fcbf433a61c019369617fecf10b");
}

TEST(x25519, rejects_low_order_points)
{
    auto kp = x25519_keypair::generate();
    std::array<std::byte, 32> zero{};
    EXPECT_FALSE(kp.dh(zero).has_value());
    std::array<std::byte, 32> one{};
    one[0] = std::byte{1};
    EXPECT_FALSE(kp.dh(one).has_value());
    // Order-8 point from RFC 7748's list of small-order points (libsodium's blocklist).
    EXPECT_FALSE(
        kp.dh(arr("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")).has_value());
}

TEST(x25519, generate_gives_distinct_working_keys)
{
    auto a = x25519_keypair::generate();
    auto b = x25519_keypair::generate();
    EXPECT_NE(a.public_key(), b.public_key());
    auto s1 = a.dh(b.public_key());
    auto s2 = b.dh(a.public_key());
    ASSERT_TRUE(s1 && s2);
    EXPECT_TRUE(std::equal(s1->bytes().begin(), s1->bytes().end(), s2->bytes().begin()));
    auto moved = std::move(a);
    auto s3 = moved.dh(b.public_key());
    ASSERT_TRUE(s3);
    EXPECT_TRUE(std::equal(s1->bytes().begin(), s1->bytes().end(), s3->bytes().begin()));
}

} // namespace
} // namespace pcp::crypto
