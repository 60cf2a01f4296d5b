// SPDX-License-Identifier: MIT
// SHA-256: FIPS 180-4 / NIST example vectors; one-shot equals incremental.
#include "crypto/sha256.hpp"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace pcp::crypto {
namespace {

TEST(sha256, known_vectors)
{
    EXPECT_EQ(to_hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(sha256(as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(to_hex(sha256(as_bytes("hello world"))),
              "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
}

TEST(sha256, million_a_incremental)
{
    sha256_hasher h;
    std::string chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i) {
        h.update(as_bytes(chunk));
    }
    EXPECT_EQ(to_hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(sha256, incremental_equals_one_shot_and_reset)
{
    std::mt19937 rng(1);
    for (int i = 0; i < 50; ++i) {
        byte_buffer data(rng() % 300);
        for (auto& b : data) {
            b = static_cast<std::byte>(rng());
        }
        sha256_hasher h;
        std::size_t pos = 0;
        while (pos < data.size()) {
            std::size_t n = std::min<std::size_t>(rng() % 70, data.size() - pos);
            h.update(bytes_view(data).subspan(pos, n));
            pos += n;
        }
        EXPECT_EQ(h.finish(), sha256(data));
        h.reset();
        h.update(data);
        sha256_hasher moved = std::move(h);
        EXPECT_EQ(moved.finish(), sha256(data));
    }
}

} // namespace
} // namespace pcp::crypto
