// SPDX-License-Identifier: MIT
#include "cli/loopback_demo.hpp"

#include <chrono>
#include <cstdio>
#include <vector>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "engine/core_pool.hpp"
#include "transport/tcp/tcp_stream.hpp"

namespace pcp::cli {
namespace {

struct demo_state {
    std::uint64_t received = 0;
    error_code error;
};

task<void> sink(transport::tcp::listener& l, asio::io_context& ctx, demo_state& st)
{
    auto conn = co_await l.accept(ctx);
    if (!conn) {
        st.error = conn.error();
        co_return;
    }
    std::vector<std::byte> buf(1 << 20);
    for (;;) {
        auto n = co_await conn.value().read_some(buf);
        if (!n) {
            st.error = n.error();
            co_return;
        }
        if (n.value() == 0) {
            co_return;
        }
        st.received += n.value();
    }
}

task<void> source(asio::ip::tcp::endpoint to, loopback_options opts, demo_state& st)
{
    auto conn = co_await transport::tcp::dial(co_await asio::this_coro::executor, to);
    if (!conn) {
        st.error = conn.error();
        co_return;
    }
    std::vector<std::byte> buf(opts.chunk, std::byte{0x5a});
    std::uint64_t sent = 0;
    while (sent < opts.bytes) {
        auto len = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), opts.bytes - sent));
        auto w = co_await conn.value().write_all(bytes_view(buf.data(), len));
        if (!w) {
            st.error = w.error();
            co_return;
        }
        sent += len;
    }
    auto c = co_await conn.value().close_write();
    (void)c;
}

} // namespace

int run_loopback_demo(const loopback_options& opts)
{
    engine::core_pool pool({.cores = 2});
    auto l = transport::tcp::listener::open(pool.executor(1), {asio::ip::make_address("127.0.0.1"), 0});
    if (!l) {
        std::fprintf(stderr, "pcp: cannot listen on 127.0.0.1: %s\n", l.error().message().c_str());
        return exit_error;
    }
    demo_state rx, tx;
    auto start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point end;
    int pending = 2;
    auto done = [&](std::exception_ptr) {
        if (--pending == 0) {
            end = std::chrono::steady_clock::now();
            pool.stop();
        }
    };
    // Receiver on core 1, sender on core 0: the bytes cross cores through the kernel.
    asio::post(pool.executor(1), [&] { asio::co_spawn(pool.executor(1), sink(l.value(), pool.context(1), rx), [&](std::exception_ptr e) { asio::post(pool.executor(0), [&, e] { done(e); }); }); });
    asio::co_spawn(pool.executor(0), source(l.value().local_endpoint(), opts, tx), done);
    pool.run();
    pool.join();
    if (rx.error || tx.error) {
        std::fprintf(stderr, "pcp: loopback demo failed: %s\n", (rx.error ? rx.error : tx.error).message().c_str());
        return exit_error;
    }
    double secs = std::chrono::duration<double>(end - start).count();
    double gbps = static_cast<double>(rx.received) / secs / 1e9;
    if (opts.json) {
        std::printf("{\"event\":\"loopback\",\"bytes\":%llu,\"seconds\":%.6f,\"gb_per_s\":%.3f}\n",
                    static_cast<unsigned long long>(rx.received), secs, gbps);
    } else {
        std::printf("%s\n", fmt::format("engine loopback: {:.1f} MiB in {:.2f} s = {:.2f} GB/s (TCP 127.0.0.1, io_uring, 2 cores)",
                                        static_cast<double>(rx.received) / (1 << 20), secs, gbps).c_str());
    }
    return rx.received == opts.bytes ? exit_ok : exit_error;
}

} // namespace pcp::cli
