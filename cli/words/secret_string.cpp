// SPDX-License-Identifier: MIT
#include "cli/words/secret_string.hpp"

#include <sodium.h>

namespace pcp::cli::words {

void wipe(void* p, std::size_t size) noexcept
{
    if (p != nullptr && size != 0) {
        sodium_memzero(p, size);
    }
}

bool secret_string::equals(std::string_view other) const noexcept
{
    if (other.size() != chars_.size()) {
        return false;
    }
    return other.empty() || sodium_memcmp(chars_.data(), other.data(), other.size()) == 0;
}

} // namespace pcp::cli::words
