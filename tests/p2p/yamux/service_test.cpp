// SPDX-License-Identifier: MIT
// yamux session_service and mux_stream (p2p/yamux/service.hpp) over a memory socket pair, plain and
// under noise::secure_stream (the zero-copy path: frames written into Noise frame rooms, views
// read from the Noise buffer, lent writes and reads): bulk data both ways with every write and read
// size around the lending threshold, and cancelled lent writes and reads (a cancelled write sends a
// prefix and never reads the caller's buffer again; a cancelled read loses nothing).
#include "p2p/yamux/service.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "p2p/noise/service.hpp"
#include "tests/transport/run_task.hpp"
#include "transport/memory/memory_stream.hpp"

namespace pcp::p2p::yamux {
namespace {

using namespace std::chrono_literals;

std::array<std::byte, 32> key(unsigned char b)
{
    std::array<std::byte, 32> k;
    k.fill(std::byte{b});
    return k;
}

std::unique_ptr<transport::stream> secured(std::unique_ptr<transport::stream> s, bool initiator)
{
    auto k1 = key(1);
    auto k2 = key(2);
    noise::transport_state keys = initiator ? noise::transport_state{noise::cipher_state(k1), noise::cipher_state(k2)}
                                            : noise::transport_state{noise::cipher_state(k2), noise::cipher_state(k1)};
    return std::make_unique<noise::secure_stream>(std::move(s), std::move(keys), byte_buffer{}, noise::session_info{});
}

/// Two sessions over one socketpair on a one-core pool; `noise` puts a secure_stream under each.
struct session_pair {
    engine::core_pool pool{{.cores = 1}};
    std::shared_ptr<session_service> a;
    std::shared_ptr<session_service> b;

    explicit session_pair(bool noise)
    {
        auto [x, y] = transport::memory::make_pair(pool.executor(0), pool.executor(0));
        std::unique_ptr<transport::stream> sx = std::move(x);
        std::unique_ptr<transport::stream> sy = std::move(y);
        if (noise) {
            sx = secured(std::move(sx), true);
            sy = secured(std::move(sy), false);
        }
        a = make_session(pool.executor(0), std::move(sx), role::client);
        b = make_session(pool.executor(0), std::move(sy), role::server);
    }

    /// Run both sessions and `body`; then close both and wait for them (all within 60 s).
    void run(task<void> body)
    {
        EXPECT_TRUE(pcp::test::run_until_done(pool, everything(std::move(body), *this), 60s)) << "timed out";
    }

private:
    static task<void> body_then_close(task<void> body, session_pair& p)
    {
        co_await std::move(body);
        p.a->close();
        p.b->close();
    }
    static task<void> everything(task<void> body, session_pair& p)
    {
        auto both = p.a->run() && p.b->run() && body_then_close(std::move(body), p);
        co_await std::move(both);
    }
};

byte_buffer pattern(std::size_t n, unsigned seed)
{
    byte_buffer b(n);
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& v : b) {
        x = x * 1664525u + 1013904223u;
        v = static_cast<std::byte>(x >> 24);
    }
    return b;
}

task<void> write_in_sizes(transport::stream& s, bytes_view data, std::vector<std::size_t> sizes)
{
    for (std::size_t i = 0; !data.empty(); ++i) {
        const std::size_t n = std::min(sizes[i % sizes.size()], data.size());
        auto w = co_await s.write_all(data.first(n));
        if (!w) {
            ADD_FAILURE() << "write: " << w.error().message();
            co_return;
        }
        data = data.subspan(n);
    }
    auto c = co_await s.close_write();
    EXPECT_TRUE(c);
}

task<void> read_in_sizes(transport::stream& s, byte_buffer& got, std::vector<std::size_t> sizes)
{
    std::vector<std::byte> buf(*std::max_element(sizes.begin(), sizes.end()));
    for (std::size_t i = 0;; ++i) {
        auto n = co_await s.read_some(std::span(buf).first(sizes[i % sizes.size()]));
        if (!n) {
            ADD_FAILURE() << "read: " << n.error().message();
            co_return;
        }
        if (n.value() == 0) {
            co_return;
        }
        append(got, bytes_view(buf).first(n.value()));
    }
}

task<void> bulk(session_pair& p, bytes_view ab, bytes_view ba, byte_buffer& got_ab, byte_buffer& got_ba)
{
    auto s = co_await p.a->open_stream();
    auto t = co_await p.b->accept_stream();
    if (!s || !t) {
        ADD_FAILURE() << "no stream";
        co_return;
    }
    // Sizes around the lending threshold (16 KiB) and the Noise frame (65519 bytes).
    std::vector<std::size_t> writes{1, 1000, 16383, 16384, 65519, 100000, 262144, 1 << 20};
    std::vector<std::size_t> reads{1, 4096, 16383, 16384, 65536, 300000};
    auto all = write_in_sizes(*s.value(), ab, writes) && read_in_sizes(*t.value(), got_ab, reads) &&
               write_in_sizes(*t.value(), ba, reads) && read_in_sizes(*s.value(), got_ba, writes);
    co_await std::move(all);
}

TEST(yamux_service, bulk_both_ways_plain_and_over_noise)
{
    for (bool noise : {false, true}) {
        SCOPED_TRACE(noise ? "noise" : "plain");
        session_pair p(noise);
        auto ab = pattern(5 << 20, 1);
        auto ba = pattern(3 << 20, 2);
        byte_buffer got_ab;
        byte_buffer got_ba;
        p.run(bulk(p, ab, ba, got_ab, got_ba));
        EXPECT_EQ(got_ab, ab);
        EXPECT_EQ(got_ba, ba);
    }
}

task<void> cancelled_write(session_pair& p, std::size_t& received, byte_buffer& tail)
{
    auto s = co_await p.a->open_stream();
    auto t = co_await p.b->accept_stream();
    if (!s || !t) {
        ADD_FAILURE() << "no stream";
        co_return;
    }
    {
        // 1 MiB against a 256 KiB window that nobody reads: the lent write must time out.
        auto buf = std::make_unique<byte_buffer>(pattern(1 << 20, 3));
        auto w = co_await engine::with_timeout(s.value()->write_all(*buf), 300ms);
        EXPECT_FALSE(w);
        // Scribble over the buffer and free it: the machine must never read it again (ASan).
        std::fill(buf->begin(), buf->end(), std::byte{0xee});
    }
    // The reader drains what went out (a prefix), then the next write arrives behind it (the
    // window is used up: the write waits for the reader's window update).
    byte_buffer got;
    auto end = to_buffer("END");
    std::vector<std::size_t> one{1};
    std::vector<std::size_t> reads{65536};
    auto rest = write_in_sizes(*s.value(), end, one) && read_in_sizes(*t.value(), got, reads);
    co_await std::move(rest);
    received = got.size();
    tail.assign(got.end() - std::min<std::ptrdiff_t>(3, static_cast<std::ptrdiff_t>(got.size())), got.end());
    auto expected = pattern(1 << 20, 3);
    EXPECT_TRUE(got.size() >= 3 && std::equal(got.begin(), got.end() - 3, expected.begin()))
        << "a prefix of the cancelled write, then END";
}

TEST(yamux_service, cancelled_lent_write_sends_a_prefix_and_lets_go_of_the_buffer)
{
    session_pair p(true);
    std::size_t received = 0;
    byte_buffer tail;
    p.run(cancelled_write(p, received, tail));
    EXPECT_GE(received, std::size_t{initial_stream_window} + 3);
    EXPECT_LT(received, (std::size_t{1} << 20) + 3);
    EXPECT_EQ(as_chars(tail), "END");
}

task<void> cancelled_read(session_pair& p, byte_buffer& got)
{
    auto s = co_await p.a->open_stream();
    auto t = co_await p.b->accept_stream();
    if (!s || !t) {
        ADD_FAILURE() << "no stream";
        co_return;
    }
    std::vector<std::byte> buf(64 * 1024);
    auto r = co_await engine::with_timeout(t.value()->read_some(buf), 100ms); // lent, then cancelled
    EXPECT_FALSE(r);
    auto data = pattern(200000, 4);
    auto w = co_await s.value()->write_all(data);
    EXPECT_TRUE(w);
    auto c = co_await s.value()->close_write();
    EXPECT_TRUE(c);
    std::vector<std::size_t> reads{70000};
    co_await read_in_sizes(*t.value(), got, reads);
}

TEST(yamux_service, cancelled_lent_read_loses_nothing)
{
    session_pair p(true);
    byte_buffer got;
    p.run(cancelled_read(p, got));
    EXPECT_EQ(got, pattern(200000, 4));
}


task<void> abort_after(transport::stream& s, duration d)
{
    co_await engine::sleep_for(d);
    s.abort();
}

task<void> read_expecting_reset(transport::stream& s, std::size_t size, error_code& got)
{
    std::vector<std::byte> buf(size);
    auto r = co_await engine::with_timeout(s.read_some(buf), 5s);
    got = r ? error_code{} : r.error();
}

task<void> write_expecting_reset(transport::stream& s, error_code& got)
{
    auto data = pattern(1 << 20, 5); // far beyond the window nobody reads
    auto w = co_await engine::with_timeout(s.write_all(data), 5s);
    got = w ? error_code{} : w.error();
}

task<void> aborted_while_waiting(session_pair& p, std::size_t read_size, bool writer, error_code& got)
{
    auto s = co_await p.a->open_stream();
    auto t = co_await p.b->accept_stream();
    if (!s || !t) {
        ADD_FAILURE() << "no stream";
        co_return;
    }
    transport::stream& mine = writer ? *s.value() : *t.value();
    if (writer) {
        co_await (write_expecting_reset(mine, got) && abort_after(mine, 50ms));
    } else {
        co_await (read_expecting_reset(mine, read_size, got) && abort_after(mine, 50ms));
    }
}

// abort() from another coroutine must wake a read or write waiting on the same stream at once
// (it used to sleep until the 5 s deadline here, or forever without one).
TEST(yamux_service, abort_wakes_a_waiting_reader_or_writer)
{
    struct variant {
        const char* name;
        std::size_t read_size;
        bool writer;
    };
    for (const variant& v : {variant{"copying read", 1024, false}, variant{"lent read", 65536, false},
                             variant{"lent write", 0, true}}) {
        session_pair p(true);
        error_code got;
        const auto t0 = std::chrono::steady_clock::now();
        p.run(aborted_while_waiting(p, v.read_size, v.writer, got));
        EXPECT_EQ(got, make_error_code(errc::stream_reset)) << v.name << ": " << got.message();
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s) << v.name;
    }
}

} // namespace
} // namespace pcp::p2p::yamux
