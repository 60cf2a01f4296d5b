// SPDX-License-Identifier: MIT
// Code-phrase errors (category "words"), DESIGN §5.
#pragma once

#include "engine/errc.hpp"

namespace pcp::cli::words {

enum class errc {
    too_few_words = 1, ///< fewer than min_words words
    too_many_words,    ///< more than max_words words
    unknown_word,      ///< a word that is not in the English BIP39 list
    input_too_long,    ///< the text is longer than max_input_size
    rng_unavailable,   ///< libsodium could not be initialised
};

const boost::system::error_category& words_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), words_category()};
}

} // namespace pcp::cli::words

template <>
struct boost::system::is_error_code_enum<pcp::cli::words::errc> : std::true_type {};
