// SPDX-License-Identifier: MIT
// Regression: a stream whose send() was short because of the peer's WINDOW (blocked, but not
// queued for the send-buffer wakeup) then received a WindowUpdate while the SHARED send buffer
// (config::max_send_buffer) was full. wake_writable() found no capacity and dropped it, and the
// send-buffer wakeup only looked at streams queued as buffer-blocked: the stream stayed blocked
// forever (no stream_writable event, so an event-driven writer hung). Fixed by queueing such a
// stream for the send-buffer wakeup (note_buffer_blocked / wake_writable / wake_blocked_streams).
// Machine-level: no sockets, manual clock. Plus an event-driven simulation with many streams and a
// tiny send buffer that must run to completion.
#include "p2p/yamux/machine.hpp"

#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace pcp::p2p::yamux {
namespace {

const instant t0 = manual_clock{}.now();

config quiet()
{
    config c;
    c.measure_rtt = false;
    c.keepalive_interval = duration::zero();
    return c;
}

byte_buffer filler(std::size_t n) { return byte_buffer(n, std::byte{0x5a}); }

byte_buffer window_update(stream_id id, std::uint32_t delta)
{
    byte_buffer out;
    encode(header{protocol_version, frame_type::window_update, 0, id, delta}, out);
    return out;
}

/// Hand every pending frame out, `batch` bytes at a time at most per call (like a writer that
/// drains between socket writes).
std::size_t drain(session& s)
{
    std::size_t total = 0;
    for (;;) {
        byte_buffer out;
        if (!s.poll_transmit(out)) {
            return total;
        }
        total += out.size();
    }
}

std::vector<event> events(session& s)
{
    std::vector<event> out;
    while (auto e = s.poll_event()) {
        out.push_back(*e);
    }
    return out;
}

bool has_writable(const std::vector<event>& ev, stream_id id)
{
    for (const auto& e : ev) {
        if (e.type == event_type::stream_writable && e.id == id) {
            return true;
        }
    }
    return false;
}

/// Stream `a` uses up its whole send window (the last send() short because of the WINDOW), then
/// stream `b` fills the shared send buffer. Returns {a, b}.
std::pair<stream_id, stream_id> window_blocked_then_buffer_full(session& s)
{
    const std::size_t buf = s.cfg().max_send_buffer;
    auto a = s.open_stream().value();
    auto b = s.open_stream().value();
    drain(s);
    std::size_t window = s.info(a)->send_window;
    while (window > buf) {
        EXPECT_EQ(s.send(a, filler(buf)).value(), buf);
        window -= buf;
        drain(s);
    }
    // Short because of the window: a is blocked, but the send buffer has room.
    EXPECT_EQ(s.send(a, filler(buf)).value(), window);
    EXPECT_EQ(s.info(a)->send_window, 0u);
    EXPECT_LT(s.queued_bytes(), buf);
    drain(s);
    EXPECT_TRUE(events(s).empty());
    // Now b fills the shared buffer completely (b's window is untouched).
    EXPECT_EQ(s.send(b, filler(buf)).value(), buf);
    EXPECT_EQ(s.queued_bytes(), buf);
    return {a, b};
}

TEST(yamux_regression, window_update_while_send_buffer_full_wakes_after_drain)
{
    config c = quiet();
    c.max_send_buffer = 100000;
    session s{role::client, c, t0};
    auto [a, b] = window_blocked_then_buffer_full(s);

    // The peer reopens a's window while the shared buffer is full: no room yet, no event yet.
    ASSERT_TRUE(s.handle_input(window_update(a, 65536), t0));
    EXPECT_EQ(s.info(a)->send_window, 65536u);
    EXPECT_FALSE(has_writable(events(s), a));

    // The writer drains the buffer: a must now be reported writable (before the fix: never).
    EXPECT_GE(drain(s), 100000u);
    EXPECT_EQ(s.queued_bytes(), 0u);
    auto ev = events(s);
    EXPECT_TRUE(has_writable(ev, a)) << "stream stayed blocked after its window reopened under a full send buffer";
    EXPECT_FALSE(has_writable(ev, b)); // b was never short
    EXPECT_EQ(s.send(a, filler(65536)).value(), 65536u);
}

TEST(yamux_regression, short_send_while_already_blocked_still_registers_for_the_buffer)
{
    // Same, but the application retries send() (short again, now because of the buffer) while
    // the stream is still marked blocked from the window: it must still be queued for the wakeup.
    config c = quiet();
    c.max_send_buffer = 100000;
    session s{role::client, c, t0};
    auto [a, b] = window_blocked_then_buffer_full(s);
    ASSERT_TRUE(s.handle_input(window_update(a, 65536), t0));
    EXPECT_EQ(s.send(a, filler(10)).value(), 0u);
    EXPECT_EQ(s.send(a, filler(10)).value(), 0u);
    drain(s);
    auto ev = events(s);
    EXPECT_TRUE(has_writable(ev, a));
    std::size_t writable_events = 0;
    for (const auto& e : ev) {
        writable_events += (e.type == event_type::stream_writable && e.id == a) ? 1 : 0;
    }
    EXPECT_EQ(writable_events, 1u); // queued once, reported once
    (void)b;
}

TEST(yamux_regression, partial_drains_keep_the_stream_queued_until_room)
{
    // The buffer drains in small batches: the wakeup waits for room (half the buffer), then fires.
    config c = quiet();
    c.max_send_buffer = 100000;
    c.max_transmit_batch = 8 * 1024;
    c.max_frame_payload = 4 * 1024;
    session s{role::client, c, t0};
    auto [a, b] = window_blocked_then_buffer_full(s);
    ASSERT_TRUE(s.handle_input(window_update(a, 4096), t0));
    bool woke = false;
    for (int i = 0; i < 100 && !woke; ++i) {
        byte_buffer out;
        if (!s.poll_transmit(out)) {
            break;
        }
        woke = has_writable(events(s), a);
        if (woke) {
            EXPECT_LE(s.queued_bytes() * 2, c.max_send_buffer);
        }
    }
    EXPECT_TRUE(woke);
    (void)b;
}

TEST(yamux_regression, window_still_closed_after_drain_waits_for_window_update)
{
    // Buffer-blocked first, then the window closes too: the drain must not report writable (no
    // capacity), and the WindowUpdate that follows must.
    config c = quiet();
    c.max_send_buffer = 100000;
    session s{role::client, c, t0};
    auto a = s.open_stream().value();
    auto b = s.open_stream().value();
    drain(s);
    EXPECT_EQ(s.send(b, filler(90000)).value(), 90000u);
    EXPECT_EQ(s.send(a, filler(50000)).value(), 10000u); // short because of the buffer
    drain(s);
    auto ev = events(s);
    EXPECT_TRUE(has_writable(ev, a));
    // Use up a's window exactly, then get refused by the window.
    std::size_t left = s.info(a)->send_window;
    while (left > 0) {
        auto n = s.send(a, filler(std::min<std::size_t>(left, 90000))).value();
        left -= n;
        drain(s);
    }
    EXPECT_EQ(s.send(a, filler(1)).value(), 0u);
    drain(s);
    EXPECT_FALSE(has_writable(events(s), a));
    ASSERT_TRUE(s.handle_input(window_update(a, 1000), t0));
    EXPECT_TRUE(has_writable(events(s), a));
}

// ---------------------------------------------------------------------------------------------
// Event-driven simulation: the application only writes to a stream again after a
// stream_writable event (never by polling), so any lost wakeup is a deadlock.

struct app_stream {
    std::uint64_t seed = 0;
    std::size_t send_total = 0;
    std::size_t sent = 0;
    bool writable = true;
    bool fin = false;
    std::size_t recv_total = 0;
    std::size_t received = 0;
    bool want_read = false;
    bool eof = false;
    bool slow = false;
};

std::byte content(std::uint64_t seed, std::size_t at)
{
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + at / 8;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return static_cast<std::byte>(x >> (8 * (at % 8)));
}

struct sim_options {
    std::uint64_t seed = 1;
    int streams_per_side = 24;
    std::size_t min_size = 32 * 1024;
    std::size_t max_size = 256 * 1024;
    std::size_t bytes_per_tick = 24 * 1024;
    int latency_ticks = 3;
    config cfg;
};

struct side {
    session s;
    bool client;
    const sim_options& o;
    std::map<stream_id, app_stream> streams;
    int to_open;
    std::size_t writable_events = 0;

    side(role r, const sim_options& opts)
        : s(r, opts.cfg, t0), client(r == role::client), o(opts), to_open(opts.streams_per_side)
    {
    }

    static std::uint64_t seed_of(std::uint64_t run, stream_id id, bool from_client)
    {
        return run * 1000003 + id * 2 + (from_client ? 1 : 0);
    }
    std::size_t size_of(std::uint64_t seed) const
    {
        std::mt19937_64 r(seed);
        return o.min_size + r() % (o.max_size - o.min_size + 1);
    }
    void track(stream_id id)
    {
        auto& a = streams[id];
        a.seed = seed_of(o.seed, id, client);
        a.send_total = size_of(a.seed);
        a.recv_total = size_of(seed_of(o.seed, id, !client));
        a.slow = id % 4 == 0;
    }

    void handle_events()
    {
        while (auto e = s.poll_event()) {
            switch (e->type) {
            case event_type::stream_opened: track(e->id); break;
            case event_type::stream_readable:
            case event_type::stream_remote_closed: streams[e->id].want_read = true; break;
            case event_type::stream_writable:
                ++writable_events;
                streams[e->id].writable = true;
                break;
            case event_type::stream_reset: ADD_FAILURE() << "reset of " << e->id; break;
            case event_type::session_closed: ADD_FAILURE() << "session closed: " << e->error.message(); break;
            default: break;
            }
        }
    }

    std::size_t run_app()
    {
        std::size_t moved = 0;
        while (to_open > 0) {
            auto id = s.open_stream();
            if (!id) {
                break; // ack backlog: retried next tick
            }
            track(id.value());
            --to_open;
        }
        std::vector<std::byte> buf(16 * 1024);
        for (auto& [id, a] : streams) {
            while (a.want_read && !a.eof) {
                const std::size_t cap = a.slow ? 2048 : buf.size();
                auto n = s.read(id, std::span(buf).first(cap));
                EXPECT_TRUE(n) << n.error().message();
                if (!n) {
                    return moved;
                }
                if (n.value() == 0) {
                    auto i = s.info(id);
                    if (!i || i->remote_closed) {
                        EXPECT_EQ(a.received, a.recv_total) << "stream " << id;
                        a.eof = true;
                    }
                    a.want_read = false;
                    break;
                }
                const auto peer_seed = seed_of(o.seed, id, !client);
                for (std::size_t k = 0; k < n.value(); ++k) {
                    if (buf[k] != content(peer_seed, a.received + k)) {
                        ADD_FAILURE() << "corrupt byte on stream " << id;
                        return moved;
                    }
                }
                a.received += n.value();
                moved += n.value();
                if (a.slow) {
                    break; // the rest next tick (want_read stays set)
                }
            }
            while (a.writable && a.sent < a.send_total) {
                const std::size_t k = std::min(a.send_total - a.sent, buf.size());
                for (std::size_t j = 0; j < k; ++j) {
                    buf[j] = content(a.seed, a.sent + j);
                }
                auto n = s.send(id, std::span(buf).first(k));
                EXPECT_TRUE(n) << n.error().message();
                if (!n) {
                    return moved;
                }
                a.sent += n.value();
                moved += n.value();
                if (n.value() < k) {
                    a.writable = false; // wait for stream_writable; never poll
                }
            }
            if (a.sent == a.send_total && !a.fin) {
                s.close_write(id);
                a.fin = true;
            }
        }
        return moved;
    }

    [[nodiscard]] bool done() const
    {
        if (streams.size() != static_cast<std::size_t>(o.streams_per_side) * 2) {
            return false;
        }
        for (const auto& [id, a] : streams) {
            if (!a.fin || !a.eof) {
                return false;
            }
        }
        return true;
    }
};

struct link {
    std::deque<std::pair<int, byte_buffer>> in_flight;
};

void run_sim(const sim_options& o)
{
    side c(role::client, o);
    side srv(role::server, o);
    link c2s;
    link s2c;
    auto transmit = [&](side& from, link& l, int tick) {
        byte_buffer out;
        while (out.size() < o.bytes_per_tick && from.s.poll_transmit(out)) {
        }
        if (!out.empty()) {
            l.in_flight.emplace_back(tick + o.latency_ticks, std::move(out));
        }
    };
    auto deliver = [&](link& l, side& to, int tick) {
        while (!l.in_flight.empty() && l.in_flight.front().first <= tick) {
            auto r = to.s.handle_input(l.in_flight.front().second, t0 + std::chrono::milliseconds(tick));
            ASSERT_TRUE(r) << r.error().message();
            l.in_flight.pop_front();
        }
    };
    // Input arrives either before or after the application wrote (a socket reader and writer
    // interleave arbitrarily); after it, WindowUpdates often find the send buffer full.
    std::mt19937_64 rng(o.seed);
    int idle = 0;
    int tick = 0;
    for (; tick < 500000 && !(c.done() && srv.done()); ++tick) {
        const bool input_first = rng() % 2 == 0;
        if (input_first) {
            deliver(c2s, srv, tick);
            deliver(s2c, c, tick);
        }
        c.handle_events();
        srv.handle_events();
        if (::testing::Test::HasFailure()) {
            return;
        }
        std::size_t moved = c.run_app() + srv.run_app();
        if (!input_first) {
            deliver(c2s, srv, tick);
            deliver(s2c, c, tick);
            c.handle_events();
            srv.handle_events();
            moved += c.run_app() + srv.run_app();
        }
        transmit(c, c2s, tick);
        transmit(srv, s2c, tick);
        ASSERT_LE(c.s.queued_bytes(), o.cfg.max_send_buffer);
        ASSERT_LE(srv.s.queued_bytes(), o.cfg.max_send_buffer);
        const bool quiet_link = c2s.in_flight.empty() && s2c.in_flight.empty();
        idle = (moved == 0 && quiet_link) ? idle + 1 : 0;
        if (idle > 1000) {
            std::size_t blocked = 0;
            for (auto* sd : {&c, &srv}) {
                for (auto& [id, a] : sd->streams) {
                    blocked += (!a.writable && a.sent < a.send_total) ? 1 : 0;
                }
            }
            FAIL() << "deadlock at tick " << tick << ": " << blocked << " streams waiting for stream_writable";
        }
    }
    ASSERT_TRUE(c.done() && srv.done()) << "not finished after " << tick << " ticks";
    EXPECT_GT(c.writable_events + srv.writable_events, 0u); // the wakeup path was exercised
    std::printf("sim seed %llu: %d ticks, %zu writable wakeups\n", static_cast<unsigned long long>(o.seed), tick,
                c.writable_events + srv.writable_events);
}

sim_options tiny_buffer(std::uint64_t seed)
{
    sim_options o;
    o.seed = seed;
    o.cfg = quiet();
    o.cfg.initial_window = 32 * 1024; // both ends are pcp machines with the same config
    o.cfg.max_stream_window = 64 * 1024;
    o.cfg.connection_window_budget = 256 * 1024;
    o.cfg.max_send_buffer = 48 * 1024; // > one window: window-blocked streams meet a full buffer
    o.cfg.max_frame_payload = 8 * 1024;
    o.cfg.max_transmit_batch = 16 * 1024;
    o.cfg.max_unacked_outbound = 8;
    return o;
}

TEST(yamux_regression_sim, many_streams_tiny_send_buffer)
{
    for (std::uint64_t seed : {1u, 2u}) {
        SCOPED_TRACE(seed);
        run_sim(tiny_buffer(seed));
        if (HasFailure()) {
            return;
        }
    }
}

TEST(yamux_regression_sim, send_buffer_smaller_than_a_frame)
{
    auto o = tiny_buffer(11);
    o.cfg.initial_window = 16 * 1024;
    o.cfg.max_stream_window = 16 * 1024;
    o.cfg.max_send_buffer = 4 * 1024;
    o.streams_per_side = 24;
    o.max_size = 96 * 1024;
    run_sim(o);
}

TEST(yamux_regression_sim, default_windows_small_buffer)
{
    sim_options o;
    o.seed = 5;
    o.cfg = quiet();
    o.cfg.max_send_buffer = 300 * 1024; // just above one 256 KiB window
    o.streams_per_side = 12;
    o.min_size = 256 * 1024;
    o.max_size = 1024 * 1024;
    o.bytes_per_tick = 128 * 1024;
    run_sim(o);
}

} // namespace
} // namespace pcp::p2p::yamux
