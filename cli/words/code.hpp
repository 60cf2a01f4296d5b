// SPDX-License-Identifier: MIT
// The code phrase (DESIGN §5): N words (default 4, at least 3) from the English BIP39 list, drawn with
// a CSPRNG. The first words name a public channel (N >= 4: two words, 22 bits; N = 3: one word, 11
// bits); the remaining words are the PAKE password. Parsing is case-insensitive; '-' and white space
// separate words. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/words/bip39_english.hpp"
#include "cli/words/errc.hpp"
#include "cli/words/secret_string.hpp"
#include "engine/result.hpp"

namespace pcp::cli::words {

/// Fewest, default and most words in a code.
inline constexpr std::size_t min_words = 3;
inline constexpr std::size_t default_words = 4;
inline constexpr std::size_t max_words = 16;
/// parse() refuses longer text (16 words of 8 letters leave ample room for separators).
inline constexpr std::size_t max_input_size = 1024;
/// parse_error keeps at most this many bytes of the offending word.
inline constexpr std::size_t max_reported_word_size = 32;

/// Word indices, wiped from memory when freed.
using index_vector = std::vector<std::uint16_t, zeroing_allocator<std::uint16_t>>;

/// A code: N indices into english(). valid() tells whether it is well formed; the functions below
/// stay memory-safe on a malformed code but their output is then meaningless.
struct code {
    index_vector indices;
    friend bool operator==(const code&, const code&) = default;
};

/// 3..16 words, every index < 2048.
[[nodiscard]] bool valid(const code& c) noexcept;

/// N fresh words from libsodium's CSPRNG (randombytes_uniform(2048)). Errors: too_few_words,
/// too_many_words, rng_unavailable.
[[nodiscard]] result<code> generate(std::size_t n = default_words);

/// The list word for an index ("" if index >= 2048).
[[nodiscard]] std::string_view word(std::uint16_t index) noexcept;
/// The index of a list word, case-insensitively (ASCII); nullopt if it is not in the list.
[[nodiscard]] std::optional<std::uint16_t> index_of(std::string_view word) noexcept;

/// The words in lower case joined by '-', e.g. "bubble-enemy-result-increase". This is the code
/// itself, so it is a secret: prefer phrase(), which wipes its storage.
[[nodiscard]] std::string to_string(const code& c);
/// The same text as to_string(), in a wiped-on-free string.
[[nodiscard]] secret_string phrase(const code& c);

/// Why parse() refused its input, for a precise CLI message.
struct parse_error {
    errc reason = errc::unknown_word;
    std::size_t position = 0;       ///< byte offset of the offending word in the input (0 if none)
    std::size_t word_number = 0;    ///< 1-based number of the offending word; for too_few_words, the count
    std::string word;               ///< the offending word as typed (at most max_reported_word_size bytes)
    std::optional<std::string> suggestion; ///< the list word the user probably meant

    /// One line for the user, control bytes escaped: "unknown word 'helo' (did you mean 'help'?)",
    /// "too few words: 2 (a code has at least 3)", "too many words (a code has at most 16)",
    /// "the code is too long (more than 1024 bytes)".
    [[nodiscard]] std::string message() const;
};

/// Parse a code typed by a user: words from the list in any case, separated by any mix of '-' and
/// ASCII white space; leading and trailing separators are ignored. Errors: input_too_long,
/// unknown_word, too_many_words, too_few_words (checked in that order while scanning left to right).
/// If `detail` is not null it receives the details of an error (it is left untouched on success).
/// Round trip: parse(to_string(c)) == c for every valid code.
[[nodiscard]] result<code> parse(std::string_view text, parse_error* detail = nullptr);

/// The list word closest to `typed` ("did you mean"): the fewest edits (insert, delete, substitute,
/// swap two neighbours; case ignored), ties broken by the longest common prefix, then list order.
/// A word is offered only within 1 edit for input of up to 4 letters and 2 edits for longer input,
/// or, failing that, when the first four letters of `typed` begin a list word (BIP39 words are
/// unique in their first four letters). Only the first 32 bytes of `typed` are considered.
[[nodiscard]] std::optional<std::string_view> suggest(std::string_view typed);

/// How many leading words name the channel: 2 for N >= 4, else 1.
[[nodiscard]] std::size_t channel_words(std::size_t n) noexcept;
/// The public channel ID: N >= 4 → indices[0] * 2048 + indices[1] (22 bits); N = 3 → indices[0]
/// (11 bits). 0 for an empty code.
[[nodiscard]] std::uint32_t channel_id(const code& c) noexcept;
/// The PAKE password: the words after the channel words, lower case, joined by '-'
/// (e.g. "result-increase" for "bubble-enemy-result-increase").
[[nodiscard]] secret_string password(const code& c);

} // namespace pcp::cli::words
