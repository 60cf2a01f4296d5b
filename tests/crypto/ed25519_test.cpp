// SPDX-License-Identifier: MIT
// Ed25519: RFC 8032 §7.1 test vectors 1 and 2; tamper rejection; generated keys.
#include "crypto/ed25519.hpp"

#include <gtest/gtest.h>

namespace pcp::crypto {
namespace {

byte_buffer hex(std::string_view h) { return from_hex(h).value(); }

struct rfc_case {
    const char* seed;
    const char* pub;
    const char* msg;
    const char* sig;
};

TEST(ed25519, rfc8032_vectors)
{
    const rfc_case cases[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
         "d25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
         "387b2eaeb4302aeeb00d291612bb0c00"},
    };
    for (const auto& c : cases) {
        auto seed = hex(c.seed);
        ed25519_secret secret{};
        auto pub = ed25519_from_seed(std::span<const std::byte, 32>(seed.data(), 32), secret);
        EXPECT_EQ(to_hex(pub), c.pub);
        auto msg = hex(c.msg);
        auto sig = ed25519_sign(secret, msg);
        EXPECT_EQ(to_hex(sig), c.sig);
        EXPECT_TRUE(ed25519_verify(pub, msg, sig));
        auto bad = sig;
        bad[0] ^= std::byte{1};
        EXPECT_FALSE(ed25519_verify(pub, msg, bad));
        secure_zero(secret);
        EXPECT_EQ(secret, ed25519_secret{});
    }
}

TEST(ed25519, rejects_wrong_sizes_and_generates_distinct_keys)
{
    ed25519_secret a{}, b{};
    auto pa = ed25519_generate(a);
    auto pb = ed25519_generate(b);
    EXPECT_NE(pa, pb);
    auto sig = ed25519_sign(a, as_bytes("m"));
    EXPECT_TRUE(ed25519_verify(pa, as_bytes("m"), sig));
    EXPECT_FALSE(ed25519_verify(pb, as_bytes("m"), sig));
    EXPECT_FALSE(ed25519_verify(bytes_view(pa).first(31), as_bytes("m"), sig));
    EXPECT_FALSE(ed25519_verify(pa, as_bytes("m"), bytes_view(sig).first(63)));
    EXPECT_FALSE(ed25519_verify({}, {}, {}));
}

} // namespace
} // namespace pcp::crypto
