// SPDX-License-Identifier: MIT
// Conformance of every byte_stream (TCP over IPv4 and IPv6 loopback, the in-memory pair): bytes in
// order, half-close seen as EOF, abort, and SO_REUSEPORT dials from the listen port.
#include "engine/core_pool.hpp"
#include "engine/errc.hpp"
#include "transport/memory/memory_stream.hpp"
#include "transport/tcp/tcp_stream.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace pcp::transport {
namespace {

struct outcome {
    bool done = false;
    std::string error;
    byte_buffer received;
};

/// Writes `n` pattern bytes then half-closes, while reading the peer's echo until EOF.
task<void> echo_server(std::unique_ptr<stream> s)
{
    std::byte buf[8192];
    for (;;) {
        auto n = co_await s->read_some(buf);
        if (!n || n.value() == 0) {
            break;
        }
        auto w = co_await s->write_all(bytes_view(buf, n.value()));
        if (!w) {
            co_return;
        }
    }
    auto c = co_await s->close_write();
    (void)c;
}

task<result<void>> write_then_close(stream& s, bytes_view data)
{
    PCP_CO_TRY(co_await s.write_all(data));
    PCP_CO_TRY(co_await s.close_write());
    co_return ok();
}

/// Writes `n` pattern bytes and half-closes while reading the echo until EOF (concurrently, so
/// that neither side's socket buffer can deadlock the exchange).
task<void> echo_client(std::unique_ptr<stream> s, std::size_t n, outcome& out, engine::core_pool& pool)
{
    byte_buffer data(n);
    for (std::size_t i = 0; i < n; ++i) {
        data[i] = static_cast<std::byte>(i * 131 + 7);
    }
    auto both = write_then_close(*s, data) && read_to_end(*s, n + 1);
    auto [w, all] = co_await std::move(both);
    if (!w) {
        out.error = w.error().message();
    } else if (!all) {
        out.error = all.error().message();
    } else {
        out.received = std::move(all.value());
        out.done = out.received == data;
    }
    pool.stop();
}

task<void> tcp_pair_then(engine::core_pool& pool, tcp::listener& l, std::size_t n, outcome& out)
{
    auto c = co_await tcp::dial(pool.executor(0), l.local_endpoint());
    if (!c) {
        out.error = c.error().message();
        pool.stop();
        co_return;
    }
    auto a = co_await l.accept(pool.context(1));
    if (!a) {
        out.error = a.error().message();
        pool.stop();
        co_return;
    }
    asio::co_spawn(pool.executor(1), echo_server(std::make_unique<tcp::tcp_stream>(std::move(a.value()))), asio::detached);
    co_await echo_client(std::make_unique<tcp::tcp_stream>(std::move(c.value())), n, out, pool);
}

void run_tcp(const char* addr, std::size_t n, outcome& out)
{
    engine::core_pool pool({.cores = 2});
    auto l = tcp::listener::open(pool.executor(0), {asio::ip::make_address(addr), 0});
    if (!l) {
        out.error = "listen: " + l.error().message();
        return;
    }
    asio::co_spawn(pool.executor(0), tcp_pair_then(pool, l.value(), n, out), asio::detached);
    pool.run();
    pool.join();
}

TEST(tcp_stream, echo_ipv4_loopback_4mib)
{
    outcome out;
    run_tcp("127.0.0.1", 4u << 20, out);
    EXPECT_TRUE(out.done) << out.error;
}

TEST(tcp_stream, echo_ipv6_loopback)
{
    outcome out;
    run_tcp("::1", 1u << 20, out);
    if (out.error.rfind("listen:", 0) == 0) {
        GTEST_SKIP() << "no IPv6 loopback here: " << out.error;
    }
    EXPECT_TRUE(out.done) << out.error;
}

TEST(memory_stream, echo_across_cores)
{
    engine::core_pool pool({.cores = 2});
    auto [a, b] = memory::make_pair(pool.executor(0), pool.executor(1));
    outcome out;
    asio::co_spawn(pool.executor(1), echo_server(std::move(b)), asio::detached);
    asio::co_spawn(pool.executor(0), echo_client(std::move(a), 1u << 20, out, pool), asio::detached);
    pool.run();
    pool.join();
    EXPECT_TRUE(out.done) << out.error;
}

task<void> read_exact_hits_eof(engine::core_pool& pool, error_code& ec)
{
    auto [a, b] = memory::make_pair(pool.executor(0), pool.executor(0));
    auto w = co_await b->write_all(as_bytes("abc"));
    auto c = co_await b->close_write();
    (void)w;
    (void)c;
    std::byte buf[4];
    auto r = co_await read_exact(*a, buf);
    ec = r ? error_code{} : r.error();
    pool.stop();
}

TEST(stream, read_exact_reports_a_short_stream)
{
    engine::core_pool pool({.cores = 1});
    error_code ec;
    asio::co_spawn(pool.executor(0), read_exact_hits_eof(pool, ec), asio::detached);
    pool.run();
    EXPECT_EQ(ec, make_error_code(errc::closed));
}

task<void> dial_from_listen_port(engine::core_pool& pool, tcp::listener& mine, tcp::listener& theirs, std::string& err, bool& same_port)
{
    auto port = mine.local_endpoint().port();
    auto c = co_await tcp::dial(pool.executor(0), theirs.local_endpoint(), port);
    if (!c) {
        err = c.error().message();
    } else {
        same_port = c.value().local_endpoint().port() == port;
    }
    pool.stop();
}

TEST(tcp_stream, dial_reuses_the_listen_port)
{
    engine::core_pool pool({.cores = 1});
    auto mine = tcp::listener::open(pool.executor(0), {asio::ip::make_address("127.0.0.1"), 0});
    auto theirs = tcp::listener::open(pool.executor(0), {asio::ip::make_address("127.0.0.1"), 0});
    ASSERT_TRUE(mine && theirs);
    std::string err;
    bool same_port = false;
    asio::co_spawn(pool.executor(0), dial_from_listen_port(pool, mine.value(), theirs.value(), err, same_port), asio::detached);
    pool.run();
    EXPECT_TRUE(err.empty()) << err;
    EXPECT_TRUE(same_port);
}

} // namespace
} // namespace pcp::transport
