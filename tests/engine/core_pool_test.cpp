// SPDX-License-Identifier: MIT
// The per-core runtime: cross-core submit, deadlines, cancellation, shutdown with work in flight.
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace pcp::engine {
namespace {

task<std::thread::id> current_thread()
{
    co_return std::this_thread::get_id();
}

task<void> submit_and_check(core_pool& pool, std::thread::id& where, int& value)
{
    where = co_await pool.submit_to(1, [] { return current_thread(); });
    value = co_await pool.submit_to(1, []() -> task<int> { co_return 42; });
    pool.stop();
}

TEST(core_pool, submit_to_runs_on_the_other_core_and_returns_the_value)
{
    core_pool pool({.cores = 2});
    std::thread::id where{};
    int value = 0;
    asio::co_spawn(pool.executor(0), submit_and_check(pool, where, value), asio::detached);
    pool.run();
    pool.join();
    EXPECT_NE(where, std::this_thread::get_id());
    EXPECT_NE(where, std::thread::id{});
    EXPECT_EQ(value, 42);
}

task<result<int>> slow_value(duration d)
{
    auto ec = co_await sleep_for(d);
    if (ec) {
        co_return ec;
    }
    co_return 7;
}

task<void> timeouts(core_pool& pool, result<int>& fast, result<int>& slow)
{
    fast = co_await with_timeout(slow_value(1ms), 5s);
    slow = co_await with_timeout(slow_value(1h), 20ms);
    pool.stop();
}

TEST(core_pool, with_timeout_returns_the_value_or_timed_out)
{
    core_pool pool({.cores = 1});
    result<int> fast = make_error_code(errc::closed);
    result<int> slow = 0;
    auto t0 = steady::now();
    asio::co_spawn(pool.executor(0), timeouts(pool, fast, slow), asio::detached);
    pool.run();
    EXPECT_EQ(fast.value(), 7);
    ASSERT_FALSE(slow);
    EXPECT_EQ(slow.error(), make_error_code(errc::timed_out));
    EXPECT_LT(steady::now() - t0, duration(10s));
}

task<void> sleeper(std::atomic<int>& started, std::atomic<int>& finished)
{
    ++started;
    co_await sleep_for(1h);
    ++finished;
}

task<void> cancel_with_signal(asio::cancellation_signal& sig, core_pool& pool)
{
    co_await sleep_for(10ms);
    sig.emit(asio::cancellation_type::terminal);
    co_await sleep_for(10ms);
    pool.stop();
}

TEST(core_pool, cancellation_reaches_a_sleeping_task)
{
    core_pool pool({.cores = 1});
    std::atomic<int> started{0}, finished{0};
    asio::cancellation_signal sig;
    std::exception_ptr ended;
    bool completed = false;
    asio::co_spawn(pool.executor(0), sleeper(started, finished),
                   asio::bind_cancellation_slot(sig.slot(), [&](std::exception_ptr e) {
                       completed = true;
                       ended = e;
                   }));
    asio::co_spawn(pool.executor(0), cancel_with_signal(sig, pool), asio::detached);
    pool.run();
    EXPECT_EQ(started.load(), 1);
    EXPECT_TRUE(completed);
    // sleep_for returns operation_aborted as a value; the task then finishes normally.
    EXPECT_EQ(finished.load(), 1);
}

TEST(core_pool, shutdown_with_work_in_flight_destroys_pending_tasks)
{
    std::atomic<int> started{0}, finished{0};
    {
        core_pool pool({.cores = 2});
        for (int i = 0; i < 100; ++i) {
            asio::co_spawn(pool.executor(i % 2), sleeper(started, finished), asio::detached);
        }
        pool.start();
        asio::steady_timer t(pool.context(0), 20ms);
        t.async_wait([&](error_code) { pool.stop(); });
        pool.run();
        pool.join();
    } // destructor destroys the 100 suspended frames (ASan would report a leak otherwise)
    EXPECT_EQ(started.load(), 100);
    EXPECT_EQ(finished.load(), 0);
}

TEST(core_pool, least_loaded_core_follows_load_guards)
{
    core_pool pool({.cores = 3});
    EXPECT_EQ(pool.least_loaded_core(), 0u);
    core_pool::load_guard a(pool, 0);
    EXPECT_EQ(pool.least_loaded_core(), 1u);
    core_pool::load_guard b(pool, 1);
    EXPECT_EQ(pool.least_loaded_core(), 2u);
    a.reset();
    EXPECT_EQ(pool.least_loaded_core(), 0u);
}

} // namespace
} // namespace pcp::engine
