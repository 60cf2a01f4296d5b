// SPDX-License-Identifier: MIT
// The English BIP39 word list (BIP-0039, bip-0039/english.txt): 2048 lower-case ASCII words, sorted,
// unique, 3 to 8 letters, unique in their first four letters. Compiled into the binary (DESIGN §5).
// Pure.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace pcp::cli::words {

/// Number of words in the list (11 bits per word).
inline constexpr std::size_t list_size = 2048;
/// Shortest and longest word in the list.
inline constexpr std::size_t min_word_size = 3;
inline constexpr std::size_t max_word_size = 8;
/// Every word is identified by its first this-many letters (a BIP39 property).
inline constexpr std::size_t unique_prefix_size = 4;

/// The list, in its canonical order (index = position), sorted by byte value.
[[nodiscard]] std::span<const std::string_view, list_size> english() noexcept;

} // namespace pcp::cli::words
