// SPDX-License-Identifier: MIT
// Test helper: run one coroutine on a core_pool until it finishes or a deadline passes, then stop
// the pool (for tests of stream layers over transport::memory pairs).
#pragma once

#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"

namespace pcp::test {

namespace detail {
inline task<result<bool>> as_result(task<void> body)
{
    co_await std::move(body);
    co_return true;
}
inline task<void> run_then_stop(task<void> body, duration limit, engine::core_pool& pool, bool& finished)
{
    auto r = co_await engine::with_timeout(as_result(std::move(body)), limit);
    finished = bool(r);
    pool.stop();
}
} // namespace detail

/// Run `body` on core 0 of `pool` (and whatever it spawns) until it completes or `limit` passes;
/// returns false on the deadline (the body is cancelled). Joins the pool's other cores.
inline bool run_until_done(engine::core_pool& pool, task<void> body, duration limit)
{
    bool finished = false;
    asio::co_spawn(pool.executor(0), detail::run_then_stop(std::move(body), limit, pool, finished), asio::detached);
    pool.run();
    pool.join();
    return finished;
}

} // namespace pcp::test
