// SPDX-License-Identifier: MIT
// task<T>: the one task type (asio::awaitable). No home-made scheduler beside it (STYLE §G).
#pragma once

#include "engine/asio.hpp"
#include "engine/result.hpp"

namespace pcp {
template <class T = void>
using task = asio::awaitable<T>;
} // namespace pcp
