// SPDX-License-Identifier: MIT
#include "engine/buffer.hpp"

#include <stdexcept>

namespace pcp {

buffer_pool::buffer_pool(std::size_t count, std::size_t size)
    : count_(count), size_(size), storage_(std::make_unique<std::byte[]>(count * size))
{
    if (count == 0 || size == 0) {
        throw std::invalid_argument("buffer_pool: count and size must be positive");
    }
    free_.reserve(count);
    for (std::size_t i = count; i-- > 0;) {
        free_.push_back(i);
    }
}

pooled_buffer buffer_pool::acquire() noexcept
{
    if (free_.empty()) {
        return {};
    }
    std::size_t i = free_.back();
    free_.pop_back();
    return {this, i};
}

} // namespace pcp
