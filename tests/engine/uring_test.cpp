// SPDX-License-Identifier: MIT
// Proves that sockets really go through io_uring on this kernel: after a TCP exchange through the
// engine, the process holds an io_uring instance and no epoll instance (DESIGN §3).
#include "engine/core_pool.hpp"
#include "engine/uring_probe.hpp"
#include "transport/tcp/tcp_stream.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace pcp::engine {
namespace {

struct fd_kinds {
    int epoll = 0;
    int io_uring = 0;
};

fd_kinds scan_fds()
{
    fd_kinds k;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        auto target = std::filesystem::read_symlink(e.path(), ec).string();
        if (target.find("[eventpoll]") != std::string::npos) {
            ++k.epoll;
        }
        if (target.find("[io_uring]") != std::string::npos) {
            ++k.io_uring;
        }
    }
    return k;
}

task<void> echo_once(transport::tcp::listener& l, asio::io_context& ctx)
{
    auto c = co_await l.accept(ctx);
    if (!c) {
        co_return;
    }
    std::byte buf[64];
    auto n = co_await c.value().read_some(buf);
    if (n && n.value() > 0) {
        auto w = co_await c.value().write_all(bytes_view(buf, n.value()));
        (void)w;
    }
}

task<void> client(asio::ip::tcp::endpoint to, std::string& reply, core_pool& pool)
{
    auto c = co_await transport::tcp::dial(co_await asio::this_coro::executor, to);
    if (c) {
        auto w = co_await c.value().write_all(as_bytes("hello"));
        std::byte buf[5];
        auto r = co_await transport::read_exact(c.value(), buf);
        if (w && r) {
            reply.assign(as_chars(bytes_view(buf, 5)));
        }
    }
    pool.stop();
}

TEST(io_uring, sockets_use_io_uring_and_no_epoll)
{
    auto f = probe_uring();
    if (!built_with_io_uring()) {
        GTEST_SKIP() << "epoll build (release-epoll preset): io_uring is not used by design";
    }
    if (!f.available) {
        GTEST_SKIP() << "kernel refuses io_uring: " << f.error;
    }
    core_pool pool({.cores = 2});
    auto l = transport::tcp::listener::open(pool.executor(0), {asio::ip::make_address("127.0.0.1"), 0});
    ASSERT_TRUE(l) << l.error().message();
    std::string reply;
    asio::co_spawn(pool.executor(0), echo_once(l.value(), pool.context(1)), asio::detached);
    asio::co_spawn(pool.executor(1), client(l.value().local_endpoint(), reply, pool), asio::detached);
    pool.run();
    pool.join();
    EXPECT_EQ(reply, "hello");
    auto k = scan_fds();
    EXPECT_EQ(k.epoll, 0) << "an epoll instance exists: some translation unit missed the backend macros";
    EXPECT_GE(k.io_uring, 2) << "expected one io_uring instance per core";
}

TEST(io_uring, probe_reports_the_kernel)
{
    auto f = probe_uring();
    EXPECT_FALSE(f.kernel.empty());
    if (!f.available) {
        EXPECT_FALSE(f.error.empty());
        EXPECT_NE(uring_unavailable_message(f).find("io_uring"), std::string::npos);
    }
}

} // namespace
} // namespace pcp::engine
