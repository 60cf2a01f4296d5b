// SPDX-License-Identifier: MIT
// CPace over ristretto255/SHA-512 (crypto/cpace.hpp) against the draft-irtf-cfrg-cpace-21 vectors
// in tests/vectors/cpace/ristretto255_sha512.txt, byte for byte, plus the abort conditions.
#include "crypto/cpace.hpp"

#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

namespace pcp::crypto {
namespace {

using namespace cpace;

std::map<std::string, byte_buffer> load_vectors()
{
    std::map<std::string, byte_buffer> v;
    std::ifstream in(std::string(PCP_SOURCE_DIR) + "/tests/vectors/cpace/ristretto255_sha512.txt");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        auto eq = line.find(" = ");
        if (eq == std::string::npos) {
            continue;
        }
        auto bytes = from_hex(line.substr(eq + 3));
        if (bytes) {
            v[line.substr(0, eq)] = std::move(*bytes);
        }
    }
    return v;
}

const std::map<std::string, byte_buffer>& vec()
{
    static const auto v = load_vectors();
    return v;
}

bytes_view at(const char* name)
{
    auto it = vec().find(name);
    EXPECT_NE(it, vec().end()) << name;
    if (it == vec().end()) {
        static const byte_buffer empty;
        return empty;
    }
    return it->second;
}

std::string hex(bytes_view b)
{
    return to_hex(b);
}

scalar scalar_from(const char* name)
{
    auto b = at(name);
    EXPECT_EQ(b.size(), scalar_size);
    std::array<std::byte, scalar_size> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return sample_scalar(a);
}

TEST(cpace_vectors, file_is_complete)
{
    for (const char* n : {"PRS",
                          "DSI",
                          "CI",
                          "sid",
                          "generator_string",
                          "generator_hash",
                          "g",
                          "ya",
                          "ADa",
                          "Ya",
                          "yb",
                          "ADb",
                          "Yb",
                          "K",
                          "transcript_ir",
                          "ISK_IR",
                          "valid_s",
                          "valid_X",
                          "valid_sX",
                          "invalid_Y1",
                          "invalid_Y2"}) {
        EXPECT_TRUE(vec().count(n)) << n;
    }
    EXPECT_EQ(hex(at("DSI")), hex(as_bytes(dsi)));
    EXPECT_EQ(hex(at("DSI_ISK")), hex(as_bytes(dsi_isk)));
}

TEST(cpace_vectors, string_utilities)
{
    EXPECT_EQ(hex(lv_cat({as_bytes("1234"), as_bytes("5"), as_bytes(""), as_bytes("678")})),
              hex(at("lv_cat_1234_5_empty_678")));
    EXPECT_EQ(hex(transcript_ir(as_bytes("123"), as_bytes("PartyA"), as_bytes("234"), as_bytes("PartyB"))),
              hex(at("transcript_ir_123_PartyA_234_PartyB")));
    EXPECT_EQ(hex(transcript_ir(as_bytes("3456"), as_bytes("PartyA"), as_bytes("2345"), as_bytes("PartyB"))),
              hex(at("transcript_ir_3456_PartyA_2345_PartyB")));
    // prepend_len vectors of the draft: 127 bytes take one length byte, 128 take two.
    byte_buffer b127(127), b128(128);
    byte_buffer out;
    append_lv(out, b127);
    EXPECT_EQ(out.size(), 128u);
    EXPECT_EQ(out[0], std::byte{0x7f});
    out.clear();
    append_lv(out, b128);
    EXPECT_EQ(out.size(), 130u);
    EXPECT_EQ(out[0], std::byte{0x80});
    EXPECT_EQ(out[1], std::byte{0x01});
}

TEST(cpace_vectors, generator)
{
    auto gs = generator_string(as_bytes(dsi), at("PRS"), at("CI"), at("sid"));
    EXPECT_EQ(hex(gs.view()), hex(at("generator_string")));
    auto g = calculate_generator(at("PRS"), at("CI"), at("sid"));
    EXPECT_EQ(hex(g.bytes()), hex(at("g")));
}

TEST(cpace_vectors, shares_k_and_isk)
{
    auto g = calculate_generator(at("PRS"), at("CI"), at("sid"));
    auto ya = scalar_from("ya");
    auto yb = scalar_from("yb");
    EXPECT_EQ(hex(ya.bytes()), hex(at("ya"))); // sampling leaves these in-range scalars unchanged
    auto big_ya = scalar_mult(ya, g);
    auto big_yb = scalar_mult(yb, g);
    ASSERT_TRUE(big_ya && big_yb);
    EXPECT_EQ(hex(*big_ya), hex(at("Ya")));
    EXPECT_EQ(hex(*big_yb), hex(at("Yb")));

    auto ka = scalar_mult_vfy(ya, *big_yb);
    auto kb = scalar_mult_vfy(yb, *big_ya);
    ASSERT_TRUE(ka && kb);
    EXPECT_EQ(hex(ka->bytes()), hex(at("K")));
    EXPECT_EQ(hex(kb->bytes()), hex(at("K")));

    EXPECT_EQ(hex(transcript_ir(*big_ya, at("ADa"), *big_yb, at("ADb"))), hex(at("transcript_ir")));
    auto isk_a = derive_isk(at("sid"), *ka, *big_ya, at("ADa"), *big_yb, at("ADb"));
    auto isk_b = derive_isk(at("sid"), *kb, *big_ya, at("ADa"), *big_yb, at("ADb"));
    EXPECT_EQ(hex(isk_a.bytes()), hex(at("ISK_IR")));
    EXPECT_EQ(hex(isk_b.bytes()), hex(at("ISK_IR")));
    EXPECT_TRUE(isk_a.equals(isk_b.bytes()));
}

TEST(cpace_vectors, scalar_mult_vfy_valid_and_invalid)
{
    auto s = scalar_from("valid_s");
    auto k = scalar_mult_vfy(s, at("valid_X"));
    ASSERT_TRUE(k);
    EXPECT_EQ(hex(k->bytes()), hex(at("valid_sX")));
    EXPECT_FALSE(scalar_mult_vfy(s, at("invalid_Y1"))); // not a valid encoding
    EXPECT_FALSE(scalar_mult_vfy(s, at("invalid_Y2"))); // the neutral element
    EXPECT_FALSE(scalar_mult_vfy(s, at("valid_X").first(31)));
}

TEST(cpace, sampling_clears_high_bits_and_zero_scalar_is_rejected)
{
    std::array<std::byte, scalar_size> ff;
    ff.fill(std::byte{0xff});
    auto y = sample_scalar(ff);
    EXPECT_EQ(y.bytes()[31], std::byte{0x0f});
    EXPECT_EQ(y.bytes()[0], std::byte{0xff});

    std::array<std::byte, scalar_size> zero{};
    auto z = sample_scalar(zero);
    auto g = calculate_generator(as_bytes("pw"), as_bytes("ci"), as_bytes("sid"));
    EXPECT_FALSE(scalar_mult(z, g));

    auto r1 = sample_scalar();
    auto r2 = sample_scalar();
    EXPECT_FALSE(r1.equals(r2.bytes()));
    EXPECT_EQ(std::to_integer<unsigned>(r1.bytes()[31]) & 0xf0u, 0u);
}

TEST(cpace, generator_depends_on_every_input)
{
    auto base = calculate_generator(as_bytes("pw"), as_bytes("ci"), as_bytes("sid"));
    EXPECT_FALSE(base.equals(calculate_generator(as_bytes("pX"), as_bytes("ci"), as_bytes("sid")).bytes()));
    EXPECT_FALSE(base.equals(calculate_generator(as_bytes("pw"), as_bytes("cX"), as_bytes("sid")).bytes()));
    EXPECT_FALSE(base.equals(calculate_generator(as_bytes("pw"), as_bytes("ci"), as_bytes("siX")).bytes()));
    // A password longer than one hash block gets no padding.
    byte_buffer long_pw(300, std::byte{'x'});
    auto gs = generator_string(as_bytes(dsi), long_pw, as_bytes("ci"), as_bytes("sid"));
    EXPECT_EQ(gs.size(), 18u + 2u + 300u + 1u + 3u + 4u);
}

TEST(cpace, key_confirmation_tags)
{
    auto g = calculate_generator(at("PRS"), at("CI"), at("sid"));
    auto ya = scalar_from("ya");
    auto yb = scalar_from("yb");
    auto big_ya = *scalar_mult(ya, g);
    auto big_yb = *scalar_mult(yb, g);
    auto k = *scalar_mult_vfy(ya, big_yb);
    auto isk_v = derive_isk(at("sid"), k, big_ya, at("ADa"), big_yb, at("ADb"));
    auto mk = derive_mac_key(at("sid"), isk_v);
    auto ta = confirmation_tag(mk, big_ya, at("ADa"));
    auto tb = confirmation_tag(mk, big_yb, at("ADb"));
    EXPECT_NE(hex(ta), hex(tb));
    EXPECT_EQ(hex(ta), hex(confirmation_tag(mk, big_ya, at("ADa"))));
    auto mk2 = derive_mac_key(as_bytes("other sid"), isk_v);
    EXPECT_NE(hex(ta), hex(confirmation_tag(mk2, big_ya, at("ADa"))));
    EXPECT_TRUE(constant_time_equal(ta, ta));
    EXPECT_FALSE(constant_time_equal(ta, tb));
    EXPECT_FALSE(constant_time_equal(bytes_view(ta).first(10), ta));
}

TEST(cpace, secrets_move_and_clear)
{
    secret s(std::string_view("correct-horse"));
    secret t = std::move(s);
    EXPECT_TRUE(s.empty()); // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(as_chars(t.view()), "correct-horse");
    for (int i = 0; i < 100; ++i) {
        t.append(as_bytes("-battery"));
    }
    EXPECT_EQ(t.size(), 13u + 800u);
    t.clear();
    EXPECT_TRUE(t.empty());

    std::array<std::byte, 4> raw{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
    secret_array<4> a(raw);
    secret_array<4> b = std::move(a);
    EXPECT_EQ(a.bytes()[0], std::byte{0}); // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(b.equals(raw));
}

} // namespace
} // namespace pcp::crypto
