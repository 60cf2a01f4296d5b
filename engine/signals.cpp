// SPDX-License-Identifier: MIT
#include "engine/signals.hpp"

#include <csignal>

namespace pcp::engine {

task<int> wait_for_shutdown_signal()
{
    asio::signal_set signals(co_await asio::this_coro::executor, SIGINT, SIGTERM);
    auto [ec, sig] = co_await signals.async_wait(use_task);
    co_return ec ? 0 : sig;
}

} // namespace pcp::engine
