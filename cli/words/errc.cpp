// SPDX-License-Identifier: MIT
#include "cli/words/errc.hpp"

namespace pcp::cli::words {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::too_few_words: return "too few words";
    case errc::too_many_words: return "too many words";
    case errc::unknown_word: return "unknown word";
    case errc::input_too_long: return "input too long";
    case errc::rng_unavailable: return "random number generator unavailable";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& words_category() noexcept
{
    static const simple_category cat{"words", &message_of};
    return cat;
}

} // namespace pcp::cli::words
