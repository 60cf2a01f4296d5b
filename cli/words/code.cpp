// SPDX-License-Identifier: MIT
#include "cli/words/code.hpp"

#include <algorithm>
#include <array>

#include <sodium.h>

namespace pcp::cli::words {
namespace {

/// Word separators: '-' and ASCII white space.
constexpr bool is_separator(char c) noexcept
{
    return c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// Longest input suggest() looks at.
constexpr std::size_t max_suggest_input = 32;

/// Optimal-string-alignment distance between `a` (lower-cased, ≤ 32 bytes) and a list word.
std::size_t edit_distance(std::string_view a, std::string_view b) noexcept
{
    // Three rolling rows of at most max_word_size + 1 cells.
    std::array<std::size_t, max_word_size + 1> prev2{}, prev{}, cur{};
    for (std::size_t j = 0; j <= b.size(); ++j) {
        prev[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t d = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d = std::min(d, prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        prev2 = prev;
        prev = cur;
    }
    return prev[b.size()];
}

std::size_t common_prefix(std::string_view a, std::string_view b) noexcept
{
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) {
        ++n;
    }
    return n;
}

/// Index of a lower-case word, by binary search over the sorted list.
std::optional<std::uint16_t> find_lower(std::string_view w) noexcept
{
    const auto list = english();
    const auto it = std::lower_bound(list.begin(), list.end(), w);
    if (it == list.end() || *it != w) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(it - list.begin());
}

void append_escaped(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xf];
        } else {
            out += ch;
        }
    }
}

template <class Out>
void join(const code& c, std::size_t from, Out& out)
{
    std::size_t total = 0;
    for (std::size_t i = from; i < c.indices.size(); ++i) {
        total += word(c.indices[i]).size() + 1;
    }
    out.reserve(total);
    for (std::size_t i = from; i < c.indices.size(); ++i) {
        if (i != from) {
            out.push_back('-');
        }
        const auto w = word(c.indices[i]);
        out.append(w.empty() ? std::string_view("?") : w);
    }
}

} // namespace

bool valid(const code& c) noexcept
{
    return c.indices.size() >= min_words && c.indices.size() <= max_words &&
           std::ranges::all_of(c.indices, [](std::uint16_t i) { return i < list_size; });
}

result<code> generate(std::size_t n)
{
    if (n < min_words) {
        return errc::too_few_words;
    }
    if (n > max_words) {
        return errc::too_many_words;
    }
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        return errc::rng_unavailable;
    }
    code c;
    c.indices.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        c.indices.push_back(static_cast<std::uint16_t>(randombytes_uniform(static_cast<std::uint32_t>(list_size))));
    }
    return c;
}

std::string_view word(std::uint16_t index) noexcept { return index < list_size ? english()[index] : std::string_view(); }

std::optional<std::uint16_t> index_of(std::string_view w) noexcept
{
    if (w.size() < min_word_size || w.size() > max_word_size) {
        return std::nullopt;
    }
    std::array<char, max_word_size> buf{};
    std::ranges::transform(w, buf.begin(), lower);
    auto found = find_lower(std::string_view(buf.data(), w.size()));
    wipe(buf.data(), buf.size());
    return found;
}

std::string to_string(const code& c)
{
    std::string out;
    join(c, 0, out);
    return out;
}

secret_string phrase(const code& c)
{
    secret_string out;
    join(c, 0, out);
    return out;
}

std::string parse_error::message() const
{
    std::string out;
    switch (reason) {
    case errc::unknown_word:
        out = "unknown word '";
        append_escaped(out, word);
        out += "'";
        if (suggestion) {
            out += " (did you mean '";
            append_escaped(out, *suggestion);
            out += "'?)";
        }
        return out;
    case errc::too_few_words:
        return "too few words: " + std::to_string(word_number) + " (a code has at least " +
               std::to_string(min_words) + ")";
    case errc::too_many_words:
        return "too many words (a code has at most " + std::to_string(max_words) + ")";
    case errc::input_too_long:
        return "the code is too long (more than " + std::to_string(max_input_size) + " bytes)";
    case errc::rng_unavailable: break;
    }
    return make_error_code(reason).message();
}

result<code> parse(std::string_view text, parse_error* detail)
{
    auto fail = [&](errc reason, std::size_t pos, std::size_t number, std::string_view w) -> result<code> {
        if (detail != nullptr) {
            parse_error e;
            e.reason = reason;
            e.position = pos;
            e.word_number = number;
            e.word = std::string(w.substr(0, max_reported_word_size));
            if (reason == errc::unknown_word) {
                if (auto s = suggest(w)) {
                    e.suggestion = std::string(*s);
                }
            }
            *detail = std::move(e);
        }
        return reason;
    };
    if (text.size() > max_input_size) {
        return fail(errc::input_too_long, 0, 0, {});
    }
    code c;
    c.indices.reserve(max_words);
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_separator(text[i])) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        while (i < text.size() && !is_separator(text[i])) {
            ++i;
        }
        const std::string_view w = text.substr(start, i - start);
        if (c.indices.size() == max_words) {
            return fail(errc::too_many_words, start, max_words + 1, w);
        }
        const auto idx = index_of(w);
        if (!idx) {
            return fail(errc::unknown_word, start, c.indices.size() + 1, w);
        }
        c.indices.push_back(*idx);
    }
    if (c.indices.size() < min_words) {
        return fail(errc::too_few_words, 0, c.indices.size(), {});
    }
    return c;
}

std::optional<std::string_view> suggest(std::string_view typed)
{
    std::array<char, max_suggest_input> buf{};
    const std::size_t n = std::min(typed.size(), buf.size());
    std::transform(typed.begin(), typed.begin() + static_cast<std::ptrdiff_t>(n), buf.begin(), lower);
    const std::string_view t(buf.data(), n);
    if (t.empty()) {
        return std::nullopt;
    }
    const auto list = english();
    // Only words within `limit` edits count, so words whose length differs by more are skipped
    // (the distance is at least the length difference), and input longer than any word plus
    // `limit` goes straight to the prefix rule.
    const std::size_t limit = t.size() <= 4 ? 1 : 2;
    std::optional<std::size_t> best;
    std::size_t best_distance = limit + 1;
    std::size_t best_prefix = 0;
    for (std::size_t k = 0; k < list.size() && t.size() <= max_word_size + limit; ++k) {
        const std::string_view w = list[k];
        const std::size_t gap = t.size() > w.size() ? t.size() - w.size() : w.size() - t.size();
        if (gap > limit || gap > best_distance) {
            continue;
        }
        const std::size_t d = edit_distance(t, w);
        if (d > limit) {
            continue;
        }
        const std::size_t p = common_prefix(t, w);
        if (d < best_distance || (d == best_distance && p > best_prefix)) {
            best = k;
            best_distance = d;
            best_prefix = p;
        }
    }
    if (best) {
        return list[*best];
    }
    if (t.size() >= unique_prefix_size) {
        const std::string_view head = t.substr(0, unique_prefix_size);
        const auto it = std::lower_bound(list.begin(), list.end(), head);
        if (it != list.end() && it->starts_with(head)) {
            return *it;
        }
    }
    return std::nullopt;
}

std::size_t channel_words(std::size_t n) noexcept { return n >= 4 ? 2 : 1; }

std::uint32_t channel_id(const code& c) noexcept
{
    if (c.indices.empty()) {
        return 0;
    }
    if (c.indices.size() >= 4) {
        return static_cast<std::uint32_t>(c.indices[0]) * static_cast<std::uint32_t>(list_size) + c.indices[1];
    }
    return c.indices[0];
}

secret_string password(const code& c)
{
    secret_string out;
    join(c, std::min(channel_words(c.indices.size()), c.indices.size()), out);
    return out;
}

} // namespace pcp::cli::words
