// SPDX-License-Identifier: MIT
// Engine micro benchmarks: the cost of a post/complete round on one core, of a cross-core
// submit_to, of a timer through io_uring, and loopback TCP MB/s through the engine (two cores).
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "transport/tcp/tcp_stream.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {
using namespace pcp;

task<void> post_rounds(std::int64_t n, engine::core_pool& pool)
{
    auto ex = co_await asio::this_coro::executor;
    for (std::int64_t i = 0; i < n; ++i) {
        co_await asio::post(ex, asio::use_awaitable);
    }
    pool.stop();
}

void bm_post_complete_same_core(benchmark::State& state)
{
    for (auto _ : state) {
        engine::core_pool pool({.cores = 1});
        asio::co_spawn(pool.executor(0), post_rounds(10000, pool), asio::detached);
        pool.run();
    }
    state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(bm_post_complete_same_core)->Unit(benchmark::kMillisecond);

task<void> submit_rounds(std::int64_t n, engine::core_pool& pool)
{
    for (std::int64_t i = 0; i < n; ++i) {
        int v = co_await pool.submit_to(1, []() -> task<int> { co_return 1; });
        benchmark::DoNotOptimize(v);
    }
    pool.stop();
}

void bm_submit_to_other_core(benchmark::State& state)
{
    for (auto _ : state) {
        engine::core_pool pool({.cores = 2});
        asio::co_spawn(pool.executor(0), submit_rounds(2000, pool), asio::detached);
        pool.run();
        pool.join();
    }
    state.SetItemsProcessed(state.iterations() * 2000);
}
BENCHMARK(bm_submit_to_other_core)->Unit(benchmark::kMillisecond);

task<void> timer_rounds(std::int64_t n, engine::core_pool& pool)
{
    for (std::int64_t i = 0; i < n; ++i) {
        auto ec = co_await engine::sleep_for(duration::zero());
        benchmark::DoNotOptimize(ec);
    }
    pool.stop();
}

void bm_zero_timer_through_ring(benchmark::State& state)
{
    for (auto _ : state) {
        engine::core_pool pool({.cores = 1});
        asio::co_spawn(pool.executor(0), timer_rounds(5000, pool), asio::detached);
        pool.run();
    }
    state.SetItemsProcessed(state.iterations() * 5000);
}
BENCHMARK(bm_zero_timer_through_ring)->Unit(benchmark::kMillisecond);

struct stream_result {
    std::uint64_t received = 0;
};

task<void> sink(transport::tcp::listener& l, asio::io_context& ctx, stream_result& r)
{
    auto c = co_await l.accept(ctx);
    if (!c) {
        co_return;
    }
    std::vector<std::byte> buf(1 << 20);
    for (;;) {
        auto n = co_await c.value().read_some(buf);
        if (!n || n.value() == 0) {
            co_return;
        }
        r.received += n.value();
    }
}

task<void> source(asio::ip::tcp::endpoint to, std::uint64_t bytes, std::size_t chunk, engine::core_pool& pool)
{
    auto c = co_await transport::tcp::dial(co_await asio::this_coro::executor, to);
    if (c) {
        std::vector<std::byte> buf(chunk, std::byte{1});
        for (std::uint64_t sent = 0; sent < bytes; sent += chunk) {
            if (!co_await c.value().write_all(buf)) {
                break;
            }
        }
        auto cw = co_await c.value().close_write();
        (void)cw;
    }
}

task<void> stream_pair(transport::tcp::listener& l, engine::core_pool& pool, std::uint64_t bytes, std::size_t chunk, stream_result& r)
{
    auto rx = asio::co_spawn(pool.executor(1), sink(l, pool.context(1), r), asio::use_awaitable);
    auto tx = source(l.local_endpoint(), bytes, chunk, pool);
    auto both = std::move(rx) && std::move(tx);
    co_await std::move(both);
    pool.stop();
}

void bm_loopback_tcp_stream(benchmark::State& state)
{
    const std::uint64_t bytes = 256ull << 20;
    const auto chunk = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        engine::core_pool pool({.cores = 2});
        auto l = transport::tcp::listener::open(pool.executor(1), {asio::ip::make_address("127.0.0.1"), 0});
        if (!l) {
            state.SkipWithError("listen failed");
            return;
        }
        stream_result r;
        asio::co_spawn(pool.executor(0), stream_pair(l.value(), pool, bytes, chunk, r), asio::detached);
        pool.run();
        pool.join();
        if (r.received != bytes) {
            state.SkipWithError("short transfer");
            return;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(bm_loopback_tcp_stream)->Arg(16 << 10)->Arg(64 << 10)->Arg(256 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
