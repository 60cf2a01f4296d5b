// SPDX-License-Identifier: MIT
// Deadlines and cancellation with awaitable_operators (Asio timeout_watchdog.cpp shape). The task
// that loses the race is cancelled and destroyed before the caller resumes.
#pragma once

#include "engine/errc.hpp"
#include "engine/clock.hpp"
#include "engine/task.hpp"

namespace pcp::engine {

/// Run `t` with a deadline of `d`; errc::timed_out when the deadline wins.
template <class T>
[[nodiscard]] task<result<T>> with_timeout(task<result<T>> t, duration d)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    auto race = std::move(t) || timer.async_wait(use_task);
    auto r = co_await std::move(race);
    if (r.index() == 0) {
        co_return std::move(std::get<0>(r));
    }
    co_return make_error_code(errc::timed_out);
}

/// Sleep on the current executor; returns the wait's error (operation_aborted when cancelled).
[[nodiscard]] inline task<error_code> sleep_for(duration d)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    auto [ec] = co_await timer.async_wait(use_task);
    co_return ec;
}

} // namespace pcp::engine
