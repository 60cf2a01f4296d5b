// SPDX-License-Identifier: MIT
// A wake-up signal for coroutines on one executor (a steady_timer used as a condition variable).
// Waiters re-check their condition after every wake-up; notify() wakes all current waiters.
// Not thread-safe: use it only from its executor.
#pragma once

#include <chrono>

#include "engine/task.hpp"

namespace pcp::engine {

class notifier {
public:
    explicit notifier(asio::any_io_executor ex) : timer_(ex, asio::steady_timer::time_point::max()) {}

    /// Suspend until notify() or cancellation. Returns false when cancelled (operation_aborted
    /// from the caller's cancellation slot) — callers then stop waiting.
    [[nodiscard]] task<bool> wait()
    {
        auto seen = generation_;
        auto [ec] = co_await timer_.async_wait(use_task);
        // A cancel() from notify() bumps the generation; anything else is a real cancellation.
        co_return generation_ != seen || !ec;
    }
    /// Wake every current waiter.
    void notify() noexcept
    {
        ++generation_;
        timer_.cancel();
    }

private:
    asio::steady_timer timer_;
    std::uint64_t generation_ = 0;
};

} // namespace pcp::engine
