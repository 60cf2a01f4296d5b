// SPDX-License-Identifier: MIT
// Code words and discovery identifier (DESIGN §5; vectors from docs/original-pcp.md §8 V1).
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "cli/words/bip39_english.hpp"
#include "cli/words/code.hpp"
#include "cli/words/discovery.hpp"
#include "crypto/sha256.hpp"
#include "engine/bytes.hpp"

using pcp::as_bytes;
using pcp::as_chars;
using pcp::to_hex;
namespace crypto = pcp::crypto;
using namespace pcp::cli::words;

namespace {

code make(std::initializer_list<std::uint16_t> ix) { return code{index_vector(ix)}; }

code readme_code() { return make({234, 591, 1470, 917}); } // bubble-enemy-result-increase

constexpr std::int64_t sec = 1'000'000'000;

} // namespace

// ---- the list -------------------------------------------------------------------------------------

TEST(words_list, has_2048_sorted_unique_words)
{
    const auto list = english();
    ASSERT_EQ(list.size(), 2048u);
    EXPECT_TRUE(std::ranges::is_sorted(list));
    EXPECT_EQ(std::ranges::adjacent_find(list), list.end());
    EXPECT_EQ(list[0], "abandon");
    EXPECT_EQ(list[1], "ability");
    EXPECT_EQ(list[2046], "zone");
    EXPECT_EQ(list[2047], "zoo");
    for (const auto w : list) {
        EXPECT_GE(w.size(), min_word_size);
        EXPECT_LE(w.size(), max_word_size);
    }
}

TEST(words_list, matches_the_canonical_english_txt)
{
    std::string text;
    for (const auto w : english()) {
        text += w;
        text += '\n';
    }
    EXPECT_EQ(to_hex(crypto::sha256(as_bytes(text))),
              "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
}

TEST(words_list, words_are_unique_in_their_first_four_letters)
{
    std::set<std::string_view> heads;
    for (const auto w : english()) {
        EXPECT_TRUE(heads.insert(w.substr(0, unique_prefix_size)).second) << w;
    }
}

TEST(words_list, index_of_and_word_are_inverse)
{
    for (std::uint16_t i = 0; i < list_size; ++i) {
        ASSERT_EQ(index_of(word(i)), i);
    }
    EXPECT_EQ(index_of("BUBBLE"), 234);
    EXPECT_EQ(index_of("BuBbLe"), 234);
    EXPECT_EQ(index_of("bubbl"), std::nullopt);
    EXPECT_EQ(index_of(""), std::nullopt);
    EXPECT_EQ(index_of("abandonabandon"), std::nullopt);
    EXPECT_EQ(word(2048), "");
    EXPECT_EQ(word(65535), "");
}

// ---- generate -------------------------------------------------------------------------------------

TEST(words_generate, respects_n_and_range)
{
    for (std::size_t n = min_words; n <= max_words; ++n) {
        auto c = generate(n);
        ASSERT_TRUE(c) << n;
        EXPECT_EQ(c.value().indices.size(), n);
        EXPECT_TRUE(valid(c.value()));
        for (const auto i : c.value().indices) {
            EXPECT_LT(i, list_size);
        }
    }
    EXPECT_EQ(generate().value().indices.size(), default_words);
    EXPECT_EQ(generate(2).error(), make_error_code(errc::too_few_words));
    EXPECT_EQ(generate(0).error(), make_error_code(errc::too_few_words));
    EXPECT_EQ(generate(17).error(), make_error_code(errc::too_many_words));
}

TEST(words_generate, distribution_is_plausibly_uniform)
{
    // 2048 codes of 16 words = 32768 draws, 16 per index on average.
    std::array<int, list_size> counts{};
    std::array<int, 11> bit_ones{};
    constexpr int draws = 2048 * 16;
    for (int k = 0; k < 2048; ++k) {
        const auto c = generate(16).value();
        for (const auto i : c.indices) {
            ASSERT_LT(i, list_size);
            ++counts[i];
            for (int b = 0; b < 11; ++b) {
                bit_ones[b] += (i >> b) & 1;
            }
        }
    }
    // Every bit is set in about half the draws (σ ≈ 90; allow ±6σ).
    for (int b = 0; b < 11; ++b) {
        EXPECT_NEAR(bit_ones[b], draws / 2, 550) << "bit " << b;
    }
    // Poisson(16): P(count == 0) ≈ 1e-7 per index, P(count > 50) is negligible.
    EXPECT_EQ(std::ranges::count(counts, 0), 0);
    EXPECT_LT(*std::ranges::max_element(counts), 50);
    // Chi-square with 2047 degrees of freedom: mean 2047, σ ≈ 64; allow ±8σ.
    double chi = 0;
    for (const int n : counts) {
        chi += (n - 16.0) * (n - 16.0) / 16.0;
    }
    EXPECT_GT(chi, 2047 - 512);
    EXPECT_LT(chi, 2047 + 512);
}

TEST(words_generate, two_codes_differ)
{
    EXPECT_NE(generate(8).value(), generate(8).value()); // 2^-88
}

// ---- to_string / parse ----------------------------------------------------------------------------

TEST(words_text, to_string_joins_lower_case_words_with_dashes)
{
    EXPECT_EQ(to_string(readme_code()), "bubble-enemy-result-increase");
    EXPECT_EQ(phrase(readme_code()).view(), "bubble-enemy-result-increase");
    EXPECT_EQ(to_string(make({0, 0, 0})), "abandon-abandon-abandon");
    EXPECT_EQ(to_string(make({2047, 5000, 1})), "zoo-?-ability"); // malformed, still safe
    EXPECT_FALSE(valid(make({2047, 5000, 1})));
    EXPECT_FALSE(valid(make({1, 2})));
}

TEST(words_text, parse_accepts_dashes_spaces_and_any_case)
{
    const code expect = readme_code();
    for (const std::string_view text : {
             "bubble-enemy-result-increase",
             "bubble enemy result increase",
             "BUBBLE-Enemy-rEsUlT-increase",
             "  bubble -- enemy\t result\nincrease  ",
             "-bubble-enemy-result-increase-",
             "bubble - enemy - result - increase",
             "\r\nbubble\venemy\fresult increase\r\n",
         }) {
        auto c = parse(text);
        ASSERT_TRUE(c) << text;
        EXPECT_EQ(c.value(), expect) << text;
    }
}

TEST(words_text, parse_round_trips_random_codes)
{
    std::mt19937_64 rng(20261125);
    const std::array<std::string_view, 6> seps{"-", " ", "--", " - ", "\t", "\n"};
    for (int k = 0; k < 2000; ++k) {
        code c;
        const std::size_t n = min_words + rng() % (max_words - min_words + 1);
        for (std::size_t i = 0; i < n; ++i) {
            c.indices.push_back(static_cast<std::uint16_t>(rng() % list_size));
        }
        // Canonical text.
        auto back = parse(to_string(c));
        ASSERT_TRUE(back) << to_string(c);
        ASSERT_EQ(back.value(), c);
        // Random separators and case.
        std::string text = (rng() % 2) ? " " : "";
        for (std::size_t i = 0; i < n; ++i) {
            if (i != 0) {
                text += seps[rng() % seps.size()];
            }
            for (const char ch : word(c.indices[i])) {
                text += (rng() % 3 == 0) ? static_cast<char>(ch - 'a' + 'A') : ch;
            }
        }
        text += (rng() % 2) ? "-" : "";
        auto mixed = parse(text);
        ASSERT_TRUE(mixed) << text;
        ASSERT_EQ(mixed.value(), c) << text;
    }
}

TEST(words_text, parse_rejects_too_few_words)
{
    for (const std::string_view text : {"", "   ", "---", "bubble", "bubble-enemy", " bubble - enemy - "}) {
        parse_error e;
        auto c = parse(text, &e);
        ASSERT_FALSE(c) << text;
        EXPECT_EQ(c.error(), make_error_code(errc::too_few_words));
        EXPECT_EQ(e.reason, errc::too_few_words);
    }
    parse_error e;
    (void)parse("bubble-enemy", &e);
    EXPECT_EQ(e.word_number, 2u);
    EXPECT_EQ(e.message(), "too few words: 2 (a code has at least 3)");
    EXPECT_TRUE(parse("bubble-enemy-result"));
}

TEST(words_text, parse_accepts_up_to_max_words)
{
    std::string text;
    for (std::size_t i = 0; i < max_words; ++i) {
        text += (i ? "-" : "");
        text += word(static_cast<std::uint16_t>(i * 100));
    }
    auto c = parse(text);
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value().indices.size(), max_words);
    const std::size_t seventeenth = text.size() + 1;
    text += "-zoo";
    parse_error e;
    auto over = parse(text, &e);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error(), make_error_code(errc::too_many_words));
    EXPECT_EQ(e.position, seventeenth);
    EXPECT_EQ(e.word_number, 17u);
    EXPECT_EQ(e.message(), "too many words (a code has at most 16)");
}

TEST(words_text, parse_rejects_overlong_input)
{
    std::string text = "bubble-enemy-result";
    text.append(max_input_size, ' ');
    parse_error e;
    auto c = parse(text, &e);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), make_error_code(errc::input_too_long));
    EXPECT_EQ(e.message(), "the code is too long (more than 1024 bytes)");
    text.resize(max_input_size);
    EXPECT_TRUE(parse(text));
}

TEST(words_text, unknown_word_reports_position_and_suggestion)
{
    parse_error e;
    auto c = parse("bubble-enemy-resutl-increase", &e);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), make_error_code(errc::unknown_word));
    EXPECT_EQ(e.reason, errc::unknown_word);
    EXPECT_EQ(e.position, 13u);
    EXPECT_EQ(e.word_number, 3u);
    EXPECT_EQ(e.word, "resutl");
    EXPECT_EQ(e.suggestion, "result");
    EXPECT_EQ(e.message(), "unknown word 'resutl' (did you mean 'result'?)");

    // The first bad word is reported, as typed.
    (void)parse("Helo world zzzz", &e);
    EXPECT_EQ(e.word, "Helo");
    EXPECT_EQ(e.position, 0u);
    EXPECT_EQ(e.message(), "unknown word 'Helo' (did you mean 'hello'?)");

    // No suggestion: no did-you-mean.
    (void)parse("qqqqqqqqq zoo zoo", &e);
    EXPECT_EQ(e.suggestion, std::nullopt);
    EXPECT_EQ(e.message(), "unknown word 'qqqqqqqqq'");

    // Control bytes and quotes are escaped; long words are cut.
    (void)parse("zoo zoo bad\x1b[2J'", &e);
    EXPECT_EQ(e.message(), "unknown word 'bad\\x1b[2J\\x27'");
    (void)parse(std::string(100, 'x') + " zoo zoo", &e);
    EXPECT_EQ(e.word.size(), max_reported_word_size);

    // Non-ASCII and NUL are just unknown.
    EXPECT_EQ(parse("zoo zoo z\xc3\xb6o").error(), make_error_code(errc::unknown_word));
    EXPECT_EQ(parse(std::string_view("zoo zoo zoo\0", 12)).error(), make_error_code(errc::unknown_word));
    // Other punctuation is not a separator.
    EXPECT_EQ(parse("zoo,zoo,zoo").error(), make_error_code(errc::unknown_word));
    EXPECT_EQ(parse("zoo_zoo_zoo").error(), make_error_code(errc::unknown_word));
}

TEST(words_text, suggestions)
{
    EXPECT_EQ(suggest("helo"), "hello");         // deletion
    EXPECT_EQ(suggest("abandun"), "abandon");    // substitution
    EXPECT_EQ(suggest("actoin"), "action");      // transposition beats the 4-letter prefix "actor"
    EXPECT_EQ(suggest("recieve"), "receive");    // transposition
    EXPECT_EQ(suggest("acount"), "account");     // insertion
    EXPECT_EQ(suggest("bubbel"), "bubble");
    EXPECT_EQ(suggest("Enemyy"), "enemy");       // case ignored
    EXPECT_EQ(suggest("cta"), "cat");
    EXPECT_EQ(suggest("teh"), "ten");            // tie (the, ten, ...) → longest common prefix, list order
    EXPECT_EQ(suggest("zo"), "zoo");
    EXPECT_EQ(suggest("zoo"), "zoo");            // a list word suggests itself
    EXPECT_EQ(suggest("aban"), "abandon");       // BIP39 four-letter prefix
    EXPECT_EQ(suggest("abandonment"), "abandon");
    EXPECT_EQ(suggest("bubbleenemyresultincrease"), "bubble"); // forgot the separators
    EXPECT_EQ(suggest("xyzzy"), "dizzy");
    EXPECT_EQ(suggest("abc"), std::nullopt);
    EXPECT_EQ(suggest("qqqqqqqqq"), std::nullopt);
    EXPECT_EQ(suggest(""), std::nullopt);
    EXPECT_EQ(suggest(std::string(10000, 'a')), std::nullopt);
}

// ---- channel and password -------------------------------------------------------------------------

TEST(words_channel, two_words_for_four_or_more)
{
    EXPECT_EQ(channel_words(3), 1u);
    EXPECT_EQ(channel_words(4), 2u);
    EXPECT_EQ(channel_words(16), 2u);
    EXPECT_EQ(channel_id(readme_code()), 234u * 2048 + 591); // 479823
    EXPECT_EQ(channel_id(readme_code()), 479823u);
    EXPECT_EQ(channel_id(make({2047, 2047, 0, 0})), (1u << 22) - 1);
    EXPECT_EQ(channel_id(make({0, 0, 0, 0})), 0u);
    EXPECT_EQ(channel_id(make({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})), 2050u);
}

TEST(words_channel, one_word_for_three)
{
    EXPECT_EQ(channel_id(make({234, 591, 1470})), 234u); // the original pcp's channel for this code
    EXPECT_EQ(channel_id(make({2047, 0, 0})), 2047u);
    EXPECT_EQ(channel_id(code{}), 0u);
}

TEST(words_channel, password_is_the_remaining_words)
{
    EXPECT_EQ(password(readme_code()).view(), "result-increase");
    EXPECT_EQ(password(make({234, 591, 1470})).view(), "enemy-result");
    EXPECT_EQ(password(make({234, 591, 1470, 917, 0})).view(), "result-increase-abandon");
    EXPECT_TRUE(password(code{}).empty());
    // Same code, typed differently → same channel and password.
    const auto a = parse("Bubble Enemy RESULT increase").value();
    EXPECT_EQ(channel_id(a), 479823u);
    EXPECT_TRUE(password(a).equals("result-increase"));
}

// ---- slots and discovery identifier ---------------------------------------------------------------

TEST(words_discovery, original_pcp_vector_v1)
{
    const std::int64_t t = 1618058096 * sec; // 2021-04-10T12:34:56Z
    EXPECT_EQ(slot_start_nanos(t), 1618057800 * sec);
    const auto s = slots_at(t);
    EXPECT_EQ(s.current, 1618057800 * sec);
    EXPECT_EQ(s.previous, 1618057500 * sec);
    EXPECT_EQ(next_slot_start_nanos(t), 1618058100 * sec);
    EXPECT_EQ(discovery_id(s.current, 234), "/pcp/1618057800000000000/234");
    EXPECT_EQ(discovery_id(s.previous, 234), "/pcp/1618057500000000000/234");
    EXPECT_EQ(current_discovery_id(t, 234), "/pcp/1618057800000000000/234");
    const auto ids = search_discovery_ids(t, 234);
    EXPECT_EQ(ids[0], "/pcp/1618057800000000000/234");
    EXPECT_EQ(ids[1], "/pcp/1618057500000000000/234");
}

TEST(words_discovery, slot_boundaries)
{
    const std::int64_t start = 1618057800 * sec;
    EXPECT_EQ(slot_start_nanos(start), start);
    EXPECT_EQ(slot_start_nanos(start - 1), start - slot_length_nanos);
    EXPECT_EQ(slot_start_nanos(start + slot_length_nanos - 1), start);
    EXPECT_EQ(slot_start_nanos(start + slot_length_nanos), start + slot_length_nanos);
    EXPECT_EQ(next_slot_start_nanos(start), start + slot_length_nanos);
    EXPECT_EQ(next_slot_start_nanos(start - 1), start);
    EXPECT_EQ(slot_start_nanos(0), 0);
    EXPECT_EQ(slot_start_nanos(1), 0);
    EXPECT_EQ(slot_start_nanos(-1), -slot_length_nanos); // floor, not truncation
    EXPECT_EQ(slot_start_nanos(-slot_length_nanos), -slot_length_nanos);
    EXPECT_EQ(slots_at(0).previous, -slot_length_nanos);
    EXPECT_EQ(unix_nanos(std::chrono::system_clock::time_point(std::chrono::seconds(1618058096))), 1618058096 * sec);
}

TEST(words_discovery, extreme_times_are_clamped_without_overflow)
{
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    for (const std::int64_t t : {lo, lo + 1, min_time_nanos, hi, hi - 1, max_time_nanos}) {
        const auto s = slots_at(t);
        EXPECT_EQ(s.current % slot_length_nanos, 0) << t;
        EXPECT_EQ(s.current - s.previous, slot_length_nanos) << t;
        EXPECT_GT(next_slot_start_nanos(t), s.current) << t;
        EXPECT_LE(s.current, std::clamp(t, min_time_nanos, max_time_nanos)) << t;
    }
    EXPECT_EQ(slot_start_nanos(lo), min_time_nanos);
    EXPECT_EQ(slot_start_nanos(hi), max_time_nanos + 1 - slot_length_nanos);
}

TEST(words_discovery, format)
{
    EXPECT_EQ(discovery_id(0, 0), "/pcp/0/0");
    EXPECT_EQ(discovery_id(-slot_length_nanos, 1), "/pcp/-300000000000/1");
    EXPECT_EQ(discovery_id(1618057800 * sec, (1u << 22) - 1), "/pcp/1618057800000000000/4194303");
}

TEST(words_discovery, mdns_name_is_a_stable_dns_label)
{
    EXPECT_EQ(mdns_name("/pcp/1618057800000000000/234"), "r622blr6nkn6k4uhrmfumshwxykpykcn");
    EXPECT_EQ(mdns_name("/pcp/1618057500000000000/234"), "kvne3vw2vokrdavltx5xi3y7swy6vltk");
    EXPECT_EQ(mdns_name(""), "4oymiquy7qobjgx36tejs35zeqt24qpe");
    const auto n = mdns_name(current_discovery_id(1618058096 * sec, 479823));
    EXPECT_EQ(n.size(), mdns_name_size);
    EXPECT_TRUE(std::ranges::all_of(n, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }));
}

// ---- secrets --------------------------------------------------------------------------------------

namespace {
struct dealloc_log {
    static inline int blocks = 0;
    static inline int dirty = 0;
};

/// Upstream allocator that records whether each block comes back wiped.
template <class T>
struct checking_allocator {
    using value_type = T;
    checking_allocator() = default;
    template <class U>
    checking_allocator(const checking_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept
    {
        const auto* b = reinterpret_cast<const unsigned char*>(p);
        ++dealloc_log::blocks;
        if (!std::all_of(b, b + n * sizeof(T), [](unsigned char c) { return c == 0; })) {
            ++dealloc_log::dirty;
        }
        std::allocator<T>{}.deallocate(p, n);
    }
    template <class U>
    friend bool operator==(const checking_allocator&, const checking_allocator<U>&) noexcept { return true; }
};
} // namespace

TEST(words_secret, zeroing_allocator_wipes_every_block)
{
    dealloc_log::blocks = dealloc_log::dirty = 0;
    {
        std::vector<char, zeroing_allocator<char, checking_allocator<char>>> v;
        for (int i = 0; i < 1000; ++i) {
            v.push_back('s'); // several reallocations
        }
        auto moved = std::move(v);
        v = std::move(moved);
        v.shrink_to_fit();
    }
    {
        std::vector<std::uint16_t, zeroing_allocator<std::uint16_t, checking_allocator<std::uint16_t>>> w(64, 0xffff);
    }
    EXPECT_GE(dealloc_log::blocks, 5);
    EXPECT_EQ(dealloc_log::dirty, 0);
}

TEST(words_secret, wipe_clears_memory)
{
    std::array<char, 16> buf;
    buf.fill('x');
    wipe(buf.data(), buf.size());
    EXPECT_TRUE(std::ranges::all_of(buf, [](char c) { return c == 0; }));
    wipe(nullptr, 0);
}

TEST(words_secret, secret_string_basics)
{
    secret_string s("result-increase");
    EXPECT_EQ(s.view(), "result-increase");
    EXPECT_EQ(s.size(), 15u);
    EXPECT_TRUE(s.equals("result-increase"));
    EXPECT_FALSE(s.equals("result-increasf"));
    EXPECT_FALSE(s.equals("result"));
    EXPECT_EQ(as_chars(s.bytes()), "result-increase");
    secret_string t = std::move(s);
    EXPECT_TRUE(s.empty()); // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    EXPECT_EQ(t.view(), "result-increase");
    t.clear();
    EXPECT_TRUE(t.empty());
    EXPECT_TRUE(secret_string().equals(""));
    static_assert(!std::is_copy_constructible_v<secret_string>);
    static_assert(std::is_nothrow_move_constructible_v<secret_string>);
}

TEST(words_errc, messages)
{
    EXPECT_EQ(make_error_code(errc::unknown_word).message(), "words: unknown word");
    EXPECT_EQ(make_error_code(errc::too_few_words).message(), "words: too few words");
}
