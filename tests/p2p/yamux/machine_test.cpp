// SPDX-License-Identifier: MIT
// yamux session machine: scripted frames and timestamps in, poll_transmit bytes and poll_event out.
// No sockets, no sleeps. Covers open/accept/data/FIN/RST/GoAway, windows, pings, keepalive, abuse.
#include "p2p/yamux/machine.hpp"

#include <array>
#include <deque>
#include <map>
#include <vector>

#include <gtest/gtest.h>

namespace pcp::p2p::yamux {
namespace {

using enum frame_type;

struct frame {
    header h;
    byte_buffer payload;
};

std::vector<frame> parse(bytes_view b)
{
    std::vector<frame> out;
    while (!b.empty()) {
        auto d = decode(b);
        EXPECT_TRUE(d && d.value().complete());
        if (!d || !d.value().complete()) {
            break;
        }
        frame f{*d.value().message, {}};
        b = b.subspan(header_size);
        if (f.h.type == data) {
            EXPECT_GE(b.size(), f.h.length);
            f.payload.assign(b.begin(), b.begin() + f.h.length);
            b = b.subspan(f.h.length);
        }
        out.push_back(std::move(f));
    }
    return out;
}

byte_buffer drain_bytes(session& s)
{
    byte_buffer out;
    while (s.poll_transmit(out)) {
    }
    return out;
}
std::vector<frame> drain(session& s) { return parse(drain_bytes(s)); }

std::vector<event> events(session& s)
{
    std::vector<event> out;
    while (auto e = s.poll_event()) {
        out.push_back(*e);
    }
    return out;
}

byte_buffer bytes_of(header h, bytes_view payload = {})
{
    byte_buffer out;
    if (h.type == data) {
        h.length = static_cast<std::uint32_t>(payload.size());
    }
    encode(h, out);
    append(out, payload);
    return out;
}
byte_buffer filler(std::size_t n, std::uint8_t v = 0xab) { return byte_buffer(n, std::byte{v}); }

config quiet()
{
    config c;
    c.measure_rtt = false;
    return c;
}

const instant t0 = manual_clock{}.now();

struct yamux_pair : ::testing::Test {
    session client{role::client, quiet(), t0};
    session server{role::server, quiet(), t0};

    /// Open a stream on the client and deliver its SYN to the server; returns the id.
    stream_id open_pair()
    {
        auto id = client.open_stream();
        EXPECT_TRUE(id);
        EXPECT_TRUE(server.handle_input(drain_bytes(client), t0));
        EXPECT_TRUE(client.handle_input(drain_bytes(server), t0));
        events(server);
        events(client);
        return id.value();
    }

    /// open_pair(), then lend `buf` to the server for the stream's first bytes.
    stream_id open_lending(std::span<std::byte> buf)
    {
        auto id = open_pair();
        EXPECT_TRUE(server.lend_read(id, buf));
        return id;
    }
};

TEST(yamux_session, start_up_ping_measures_rtt)
{
    session c{role::client, config{}, t0};
    auto f = drain(c);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(to_hex(drain_bytes(c)), "");
    EXPECT_EQ(f[0].h, (header{0, ping, flag::syn, 0, 0}));
    ASSERT_TRUE(c.handle_input(*from_hex("000200020000000000000000"), t0 + 20ms));
    auto ev = events(c);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::ping_rtt);
    EXPECT_EQ(ev[0].rtt, 20ms);
    EXPECT_EQ(*c.rtt(), 20ms);
    EXPECT_TRUE(drain(c).empty()); // the pong is not answered
}

TEST_F(yamux_pair, open_sends_syn_window_update_and_server_acks)
{
    auto id = client.open_stream();
    ASSERT_TRUE(id);
    EXPECT_EQ(id.value(), 1u);
    EXPECT_EQ(to_hex(drain_bytes(client)), "000100010000000100000000");
    EXPECT_EQ(client.open_stream().value(), 3u);
    EXPECT_EQ(server.open_stream().value(), 2u);
    drain(client);
    drain(server);

    ASSERT_TRUE(server.handle_input(*from_hex("000100010000000100000000"), t0));
    auto ev = events(server);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_opened);
    EXPECT_EQ(ev[0].id, 1u);
    EXPECT_EQ(to_hex(drain_bytes(server)), "000100020000000100000000"); // ACK first, promptly
    EXPECT_FALSE(client.info(1)->acked);
    ASSERT_TRUE(client.handle_input(*from_hex("000100020000000100000000"), t0));
    EXPECT_TRUE(client.info(1)->acked);
}

TEST_F(yamux_pair, data_both_ways_and_frame_size_cap)
{
    auto id = open_pair();
    auto big = filler(200 * 1024, 7);
    ASSERT_EQ(client.send(id, big).value(), big.size());
    EXPECT_EQ(client.info(id)->queued, big.size());
    auto f = drain(client);
    ASSERT_EQ(f.size(), 4u);
    for (auto& fr : f) {
        EXPECT_EQ(fr.h.type, data);
        EXPECT_EQ(fr.h.id, id);
        EXPECT_EQ(fr.h.flags, 0);
        EXPECT_LE(fr.payload.size(), config{}.max_frame_payload);
    }
    EXPECT_EQ(f[0].payload.size(), config{}.max_frame_payload);
    // Header + payload of the largest Data frame fill exactly one Noise frame's plaintext (65519).
    EXPECT_EQ(header_size + config{}.max_frame_payload, 65519u);
    // Byte by byte delivery.
    auto wire = bytes_of({0, data, 0, id, 0}, to_buffer("hello"));
    for (auto b : wire) {
        ASSERT_TRUE(server.handle_input(bytes_view(&b, 1), t0));
    }
    auto ev = events(server);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_readable);
    EXPECT_EQ(server.info(id)->readable, 5u);
    std::array<std::byte, 16> buf{};
    EXPECT_EQ(server.read(id, buf).value(), 5u);
    EXPECT_EQ(as_chars(bytes_view(buf).first(5)), "hello");
    EXPECT_EQ(server.read(id, buf).value(), 0u);
    // Server → client data.
    ASSERT_EQ(server.send(id, to_buffer("pong")).value(), 4u);
    auto sf = drain(server);
    ASSERT_EQ(sf.size(), 1u);
    EXPECT_EQ(to_hex(bytes_of(sf[0].h, sf[0].payload)), "000000000000000100000004706f6e67");
}

TEST_F(yamux_pair, fin_never_on_syn_frame_and_half_close)
{
    auto id = client.open_stream().value();
    client.close_write(id);
    auto f = drain(client);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(to_hex(bytes_of(f[0].h)), "000100010000000100000000");
    EXPECT_EQ(to_hex(bytes_of(f[1].h)), "000100040000000100000000");
    EXPECT_EQ(client.send(id, to_buffer("x")).error(), errc::stream_closed);

    // Open + data + close: SYN, Data, FIN in that order, three frames.
    auto id2 = client.open_stream().value();
    ASSERT_EQ(client.send(id2, to_buffer("req")).value(), 3u);
    client.close_write(id2);
    client.close_write(id2); // idempotent
    auto g = drain(client);
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[0].h, (header{0, window_update, flag::syn, id2, 0}));
    EXPECT_EQ(g[1].h.type, data);
    EXPECT_EQ(g[2].h, (header{0, window_update, flag::fin, id2, 0}));
}

TEST_F(yamux_pair, both_fins_remove_the_stream)
{
    auto id = open_pair();
    ASSERT_TRUE(client.send(id, to_buffer("abc")));
    client.close_write(id);
    ASSERT_TRUE(server.handle_input(drain_bytes(client), t0));
    auto ev = events(server);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].type, event_type::stream_readable);
    EXPECT_EQ(ev[1].type, event_type::stream_remote_closed);
    EXPECT_TRUE(server.info(id)->remote_closed);
    std::array<std::byte, 8> buf{};
    EXPECT_EQ(server.read(id, buf).value(), 3u);
    EXPECT_EQ(server.read(id, buf).value(), 0u); // EOF
    server.close_write(id);
    ASSERT_TRUE(client.handle_input(drain_bytes(server), t0));
    EXPECT_EQ(server.stream_count(), 0u);
    ev = events(client);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_remote_closed);
    EXPECT_EQ(client.stream_count(), 1u); // until the application has seen EOF
    EXPECT_EQ(client.read(id, buf).value(), 0u);
    EXPECT_EQ(client.stream_count(), 0u);
    EXPECT_EQ(server.read(id, buf).error(), errc::unknown_stream);
}

TEST_F(yamux_pair, remote_reset_with_code_and_local_reset)
{
    auto id = open_pair();
    ASSERT_TRUE(client.send(id, filler(1000)));
    // RST window update: the length is an error code, never a delta.
    const auto before = client.info(id)->send_window;
    ASSERT_TRUE(client.handle_input(bytes_of({0, window_update, flag::rst, id, 1000}), t0));
    auto ev = events(client);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_reset);
    EXPECT_EQ(ev[0].code, 1000u);
    EXPECT_EQ(client.info(id), std::nullopt);
    EXPECT_LT(before, 256u * 1024);
    EXPECT_EQ(client.queued_bytes(), 0u);
    EXPECT_TRUE(drain(client).empty()); // queued data is dropped, nothing goes out
    EXPECT_EQ(client.send(id, filler(1)).error(), errc::unknown_stream);

    auto id2 = open_pair();
    server.reset(id2, 7);
    EXPECT_EQ(to_hex(drain_bytes(server)), "000100080000000300000007");
    EXPECT_EQ(server.info(id2), std::nullopt);
    EXPECT_TRUE(events(server).empty());
    // Late frames for the forgotten stream are ignored.
    ASSERT_TRUE(server.handle_input(bytes_of({0, data, 0, id2, 0}, filler(10)), t0));
    EXPECT_TRUE(events(server).empty());
}

TEST_F(yamux_pair, go_away_both_directions)
{
    ASSERT_TRUE(client.handle_input(*from_hex("000300000000000000000000"), t0));
    auto ev = events(client);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::go_away_received);
    EXPECT_EQ(ev[0].code, 0u);
    EXPECT_EQ(client.open_stream().error(), errc::remote_go_away);

    server.go_away();
    server.go_away(go_away_code::internal_error); // only the first is sent
    EXPECT_EQ(to_hex(drain_bytes(server)), "000300000000000000000000");
    EXPECT_EQ(server.open_stream().error(), errc::local_go_away);
    ASSERT_TRUE(server.handle_input(*from_hex("000100010000000100000000"), t0));
    EXPECT_EQ(to_hex(drain_bytes(server)), "000100080000000100000000"); // refused with RST
    EXPECT_TRUE(events(server).empty());
}

TEST_F(yamux_pair, window_exhaustion_and_update)
{
    auto id = open_pair();
    auto big = filler(300 * 1024);
    auto n = client.send(id, big);
    ASSERT_EQ(n.value(), 256u * 1024);
    EXPECT_EQ(client.send(id, big).value(), 0u);
    EXPECT_EQ(client.info(id)->send_window, 0u);
    ASSERT_TRUE(server.handle_input(drain_bytes(client), t0));
    EXPECT_TRUE(events(client).empty());
    // Server reads less than half: no update yet.
    std::vector<std::byte> buf(100 * 1024);
    EXPECT_EQ(server.read(id, buf).value(), buf.size());
    EXPECT_TRUE(drain(server).empty());
    // Past half the window: one update with the whole consumed amount (no RTT sample → default).
    EXPECT_EQ(server.read(id, std::span(buf).first(30 * 1024)).value(), 30u * 1024);
    auto f = drain(server);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].h.type, window_update);
    EXPECT_EQ(f[0].h.flags, 0);
    EXPECT_GE(f[0].h.length, 130u * 1024);
    ASSERT_TRUE(client.handle_input(bytes_of(f[0].h), t0));
    auto ev = events(client);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_writable);
    EXPECT_EQ(client.info(id)->send_window, f[0].h.length);
}

TEST_F(yamux_pair, accepts_huge_window_deltas)
{
    auto id = open_pair();
    ASSERT_TRUE(client.handle_input(bytes_of({0, window_update, 0, id, 16u << 20}), t0));
    EXPECT_EQ(client.info(id)->send_window, (16u << 20) + 256u * 1024);
    ASSERT_TRUE(client.handle_input(bytes_of({0, window_update, 0, id, 0xffffffffu}), t0));
    EXPECT_EQ(client.info(id)->send_window, 0xffffffffu); // clamped to u32
}

TEST_F(yamux_pair, auto_tuning_grows_the_window_when_reads_keep_up)
{
    auto id = open_pair();
    instant now = t0;
    std::vector<std::byte> buf(512 * 1024);
    std::uint32_t last_delta = 0;
    for (int round = 0; round < 12; ++round) {
        now += 1ms;
        const auto chunk = filler(256 * 1024);
        while (client.info(id)->send_window > 0) { // the send buffer (1 MiB) is smaller than the window
            ASSERT_GT(client.send(id, chunk).value(), 0u);
            ASSERT_TRUE(server.handle_input(drain_bytes(client), now));
            while (server.read(id, buf).value() > 0) {
            }
        }
        for (auto& f : drain(server)) {
            last_delta = std::max(last_delta, f.h.length);
            ASSERT_TRUE(client.handle_input(bytes_of(f.h), now));
        }
        events(client);
        events(server);
    }
    EXPECT_EQ(server.info(id)->receive_window, 8u << 20); // capped at max_stream_window
    EXPECT_GT(last_delta, 256u * 1024);
}

TEST_F(yamux_pair, window_abuse_is_a_protocol_error)
{
    auto id = open_pair();
    ASSERT_TRUE(server.handle_input(bytes_of({0, data, 0, id, 0}, filler(256 * 1024)), t0));
    auto r = server.handle_input(bytes_of({0, data, 0, id, 0}, filler(1)), t0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::window_exceeded);
    EXPECT_EQ(to_hex(drain_bytes(server)), "000300000000000000000001"); // GoAway(protocol error)
    auto ev = events(server);
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev.back().type, event_type::session_closed);
    EXPECT_EQ(ev.back().error, errc::window_exceeded);
    EXPECT_TRUE(server.closed());
    EXPECT_EQ(server.handle_input(*from_hex("000200010000000000000000"), t0).error(), errc::session_closed);
    EXPECT_EQ(server.open_stream().error(), errc::session_closed);
    EXPECT_EQ(server.buffered_bytes(), 0u); // the stream had no FIN: its bytes are dropped
}

TEST_F(yamux_pair, pings_are_echoed_while_data_sits_unread)
{
    auto id = open_pair();
    ASSERT_TRUE(server.handle_input(bytes_of({0, data, 0, id, 0}, filler(256 * 1024)), t0));
    EXPECT_EQ(server.buffered_bytes(), 256u * 1024);
    ASSERT_TRUE(server.handle_input(*from_hex("000200010000000012345678"), t0));
    EXPECT_EQ(to_hex(drain_bytes(server)), "000200020000000012345678"); // same value, ACK
    // An unsolicited or unmatched pong produces nothing.
    ASSERT_TRUE(server.handle_input(*from_hex("000200020000000000000009"), t0));
    EXPECT_TRUE(drain(server).empty());
    // Many pings in one chunk: answered in order.
    byte_buffer pings;
    for (std::uint32_t i = 0; i < 5; ++i) {
        encode(header{0, ping, flag::syn, 0, i}, pings);
    }
    ASSERT_TRUE(server.handle_input(pings, t0));
    auto f = drain(server);
    ASSERT_EQ(f.size(), 5u);
    for (std::uint32_t i = 0; i < 5; ++i) {
        EXPECT_EQ(f[i].h, (header{0, ping, flag::ack, 0, i}));
    }
}

TEST(yamux_session, keepalive_ping_and_timeout)
{
    config c = quiet();
    c.ping_timeout = 10s; // go's value; pcp's default is 20 s
    session s{role::client, c, t0};
    EXPECT_EQ(s.poll_timeout(), t0 + 30s);
    s.handle_timeout(t0 + 29s);
    EXPECT_TRUE(drain(s).empty());
    s.handle_timeout(t0 + 30s);
    auto f = drain(s);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].h.type, ping);
    EXPECT_EQ(f[0].h.flags, flag::syn);
    EXPECT_EQ(s.poll_timeout(), t0 + 40s); // ping deadline before the next keepalive
    // Answered in time: the session lives, next keepalive at +60 s.
    byte_buffer pong;
    encode(header{0, ping, flag::ack, 0, f[0].h.length}, pong);
    ASSERT_TRUE(s.handle_input(pong, t0 + 31s));
    EXPECT_EQ(s.poll_timeout(), t0 + 60s);
    s.handle_timeout(t0 + 60s);
    ASSERT_EQ(drain(s).size(), 1u);
    s.handle_timeout(t0 + 69s);
    EXPECT_FALSE(s.closed());
    s.handle_timeout(t0 + 70s);
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(s.close_reason(), errc::keepalive_timeout);
    auto ev = events(s);
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev.back().type, event_type::session_closed);
    EXPECT_EQ(s.poll_timeout(), std::nullopt);
}

TEST(yamux_session, bytes_arriving_keep_a_slow_pong_alive)
{
    // A ping queued behind megabytes on a lossy link: its pong comes late, but frames keep
    // arriving, so the peer is alive. Only silence for ping_timeout after the ping closes.
    config c;
    c.keepalive_interval = 30s;
    c.ping_timeout = 10s;
    c.measure_rtt = false;
    session s{role::client, c, t0};
    s.handle_timeout(t0 + 30s);
    auto f = drain(s);
    ASSERT_EQ(f.size(), 1u);
    ASSERT_EQ(f[0].h.type, ping);
    byte_buffer other_ping; // any frame will do: the peer's own ping
    encode(header{0, ping, flag::syn, 0, 77}, other_ping);
    ASSERT_TRUE(s.handle_input(other_ping, t0 + 38s));
    EXPECT_EQ(s.poll_timeout(), t0 + 48s);
    s.handle_timeout(t0 + 45s);
    EXPECT_FALSE(s.closed()); // the old rule closed at +40 s
    ASSERT_TRUE(s.handle_input(other_ping, t0 + 47s));
    s.handle_timeout(t0 + 56s);
    EXPECT_FALSE(s.closed());
    s.handle_timeout(t0 + 57s); // silent for 10 s
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(s.close_reason(), errc::keepalive_timeout);
}

TEST(yamux_session, writes_taken_keep_a_slow_pong_alive_up_to_the_patience)
{
    // The sender of a bulk transfer: nothing arrives, but the socket keeps taking its bytes (the
    // peer acknowledges them). That counts, but only until ping_patience after the ping.
    config c;
    c.keepalive_interval = 30s;
    c.ping_timeout = 10s;
    c.ping_patience = 60s;
    c.measure_rtt = false;
    session s{role::client, c, t0};
    s.handle_timeout(t0 + 30s);
    ASSERT_EQ(drain(s).size(), 1u);
    s.note_written(t0 + 30s);
    EXPECT_EQ(s.poll_timeout(), t0 + 40s);
    for (auto t = 35s; t <= 85s; t += 5s) {
        s.note_written(t0 + t);
        s.handle_timeout(t0 + t + 4s);
        ASSERT_FALSE(s.closed()) << "at +" << (t + 4s).count() << " s";
    }
    EXPECT_EQ(s.poll_timeout(), t0 + 90s); // 30 s + patience, although written at +85 s
    s.note_written(t0 + 89s);
    s.handle_timeout(t0 + 90s);
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(s.close_reason(), errc::keepalive_timeout);
}

TEST(yamux_session, stream_flood_is_refused_with_rst)
{
    config c = quiet();
    c.max_inbound_streams = 4;
    session s{role::server, c, t0};
    byte_buffer syns;
    for (stream_id id = 1; id <= 19; id += 2) {
        encode(header{0, window_update, flag::syn, id, 0}, syns);
    }
    ASSERT_TRUE(s.handle_input(syns, t0));
    EXPECT_EQ(s.inbound_streams(), 4u);
    auto f = drain(s);
    std::size_t acks = 0;
    std::size_t rsts = 0;
    for (auto& fr : f) {
        acks += fr.h.flags == flag::ack;
        rsts += fr.h.flags == flag::rst;
    }
    EXPECT_EQ(acks, 4u);
    EXPECT_EQ(rsts, 6u);
    EXPECT_EQ(events(s).size(), 4u);
    // Data for refused streams is discarded and bounded.
    ASSERT_TRUE(s.handle_input(bytes_of({0, data, 0, 19, 0}, filler(100000)), t0));
    EXPECT_EQ(s.buffered_bytes(), 0u);
}

TEST(yamux_session, accept_backlog_refuses_unpolled_streams)
{
    config c = quiet();
    c.accept_backlog = 2;
    session s{role::server, c, t0};
    byte_buffer syns;
    for (stream_id id = 1; id <= 5; id += 2) {
        encode(header{0, window_update, flag::syn, id, 0}, syns);
    }
    ASSERT_TRUE(s.handle_input(syns, t0));
    EXPECT_EQ(s.inbound_streams(), 2u);
    events(s); // accepting frees the backlog
    ASSERT_TRUE(s.handle_input(bytes_of({0, window_update, flag::syn, 7, 0}), t0));
    EXPECT_EQ(s.inbound_streams(), 3u);
}

TEST(yamux_session, control_queue_flood_closes_the_session)
{
    config c = quiet();
    c.max_control_frames = 8;
    session s{role::server, c, t0};
    byte_buffer pings;
    for (std::uint32_t i = 0; i < 9; ++i) {
        encode(header{0, ping, flag::syn, 0, i}, pings);
    }
    auto r = s.handle_input(pings, t0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::control_queue_full);
}

TEST(yamux_session, wrong_parity_syn)
{
    session c{role::client, quiet(), t0};
    auto r = c.handle_input(*from_hex("000100010000000100000000"), t0); // odd id into a client
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::wrong_parity);
    EXPECT_EQ(to_hex(drain_bytes(c)), "000300000000000000000001");
    session s{role::server, quiet(), t0};
    EXPECT_EQ(s.handle_input(*from_hex("000000010000000200000000"), t0).error(), errc::wrong_parity);
}

TEST(yamux_session, duplicate_syn)
{
    session s{role::server, quiet(), t0};
    ASSERT_TRUE(s.handle_input(*from_hex("000100010000000100000000"), t0));
    auto r = s.handle_input(*from_hex("000000010000000100000000"), t0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::duplicate_stream);
    auto f = drain(s);
    ASSERT_FALSE(f.empty());
    EXPECT_EQ(f.back().h, (header{0, go_away, 0, 0, 1}));
}

TEST(yamux_session, stream_zero_bad_version_bad_type)
{
    session a{role::server, quiet(), t0};
    EXPECT_EQ(a.handle_input(*from_hex("000000000000000000000000"), t0).error(), errc::protocol_error);
    session b{role::server, quiet(), t0};
    EXPECT_EQ(b.handle_input(*from_hex("010200010000000000000000"), t0).error(), errc::bad_version);
    session c{role::server, quiet(), t0};
    EXPECT_EQ(c.handle_input(*from_hex("000700010000000000000000"), t0).error(), errc::bad_type);
}

TEST(yamux_session, unacked_limit_and_can_open)
{
    config c = quiet();
    c.max_unacked_outbound = 2;
    session s{role::client, c, t0};
    ASSERT_TRUE(s.open_stream());
    ASSERT_TRUE(s.open_stream());
    EXPECT_EQ(s.open_stream().error(), errc::ack_backlog_full);
    ASSERT_TRUE(s.handle_input(*from_hex("000100020000000100000000"), t0)); // ACK stream 1
    auto ev = events(s);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::can_open);
    EXPECT_EQ(s.open_stream().value(), 5u);
}

TEST(yamux_session, outbound_limit)
{
    config c = quiet();
    c.max_outbound_streams = 1;
    session s{role::client, c, t0};
    ASSERT_TRUE(s.open_stream());
    EXPECT_EQ(s.open_stream().error(), errc::too_many_streams);
}

TEST(yamux_session, send_buffer_bound_and_writable_wakeup)
{
    config c = quiet();
    c.max_send_buffer = 100000;
    session s{role::client, c, t0};
    auto a = s.open_stream().value();
    auto b = s.open_stream().value();
    EXPECT_EQ(s.send(a, filler(80000)).value(), 80000u);
    EXPECT_EQ(s.send(b, filler(80000)).value(), 20000u); // buffer, not window, limits b
    EXPECT_EQ(s.queued_bytes(), 100000u);
    drain(s);
    auto ev = events(s);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_writable);
    EXPECT_EQ(ev[0].id, b);
}

TEST(yamux_session, remote_fin_then_transport_closed_keeps_data_readable)
{
    session s{role::server, quiet(), t0};
    byte_buffer in = bytes_of({0, data, flag::syn, 1, 0}, to_buffer("tail"));
    encode(header{0, window_update, flag::fin, 1, 0}, in);
    byte_buffer in2 = bytes_of({0, data, flag::syn, 3, 0}, to_buffer("cut"));
    append(in, in2);
    ASSERT_TRUE(s.handle_input(in, t0));
    s.handle_transport_closed();
    EXPECT_TRUE(s.closed());
    std::array<std::byte, 8> buf{};
    EXPECT_EQ(s.read(1, buf).value(), 4u); // finished stream: still readable
    EXPECT_FALSE(s.info(3).has_value());   // unfinished and never accepted: forgotten
    auto ev = events(s);
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev.back().type, event_type::session_closed);
    EXPECT_EQ(ev.back().error, errc::transport_closed);
}

TEST(yamux_session, syn_with_data_and_rst_before_accept_is_forgotten)
{
    session s{role::server, quiet(), t0};
    ASSERT_TRUE(s.handle_input(bytes_of({0, data, flag::syn, 1, 0}, to_buffer("x")), t0));
    ASSERT_TRUE(s.handle_input(bytes_of({0, window_update, flag::rst, 1, 0}), t0));
    EXPECT_EQ(s.stream_count(), 0u);
    EXPECT_TRUE(events(s).empty());
    EXPECT_EQ(s.buffered_bytes(), 0u);
}

// ---- poll_transmit into fixed memory (the zero-copy path into Noise frames) ----------------------

/// Two sessions driven identically: open streams, queue data of several sizes, FIN one stream,
/// reset another, and queue a ping answer.
void script(session& s)
{
    ASSERT_TRUE(s.handle_input(bytes_of({0, ping, flag::syn, 0, 77}), t0));
    std::vector<stream_id> ids;
    for (int i = 0; i < 4; ++i) {
        ids.push_back(s.open_stream().value());
    }
    ASSERT_EQ(s.send(ids[0], filler(200 * 1024, 1)).value(), 200u * 1024);
    ASSERT_EQ(s.send(ids[1], filler(70000, 2)).value(), 70000u);
    ASSERT_EQ(s.send(ids[2], filler(5, 3)).value(), 5u);
    s.close_write(ids[2]);
    ASSERT_EQ(s.send(ids[3], filler(100, 4)).value(), 100u);
    s.reset(ids[3]);
}

TEST(yamux_transmit_span, large_room_gives_the_same_bytes_as_the_vector_output)
{
    session a{role::client, quiet(), t0};
    session b{role::client, quiet(), t0};
    script(a);
    script(b);
    auto expected = drain_bytes(a);
    byte_buffer got;
    byte_buffer room(1 << 20);
    for (std::size_t n; (n = b.poll_transmit(std::span(room))) > 0;) {
        got.insert(got.end(), room.begin(), room.begin() + static_cast<std::ptrdiff_t>(n));
    }
    EXPECT_EQ(got, expected);
    EXPECT_EQ(b.queued_bytes(), 0u);
}

TEST(yamux_transmit_span, every_output_holds_whole_frames_and_nothing_is_lost)
{
    // Rooms from the smallest allowed (header + 1) up to more than a frame: each call's output
    // parses on its own, a Data frame is cut only when it alone fills the room, and the payloads
    // add up to what was sent, per stream.
    const std::size_t max = config{}.max_frame_payload;
    for (std::size_t room_size : {header_size + 1, std::size_t{100}, std::size_t{4096}, std::size_t{65518},
                                  std::size_t{65519}, std::size_t{150000}}) {
        SCOPED_TRACE(room_size);
        session s{role::client, quiet(), t0};
        script(s);
        // The chunks send() queued per stream (max_frame_payload each, the rest last).
        std::map<stream_id, std::deque<std::size_t>> chunks{
            {1, {max, max, max, 200 * 1024 - 3 * max}}, {3, {max, 70000 - max}}, {5, {5}}};
        std::map<stream_id, std::size_t> got;
        std::size_t fins = 0;
        std::size_t cuts = 0;
        byte_buffer room(room_size);
        for (int calls = 0; calls < 400000; ++calls) {
            const std::size_t n = s.poll_transmit(std::span(room));
            if (n == 0) {
                break;
            }
            ASSERT_LE(n, room_size);
            auto frames = parse(bytes_view(room).first(n));
            for (auto& f : frames) {
                fins += f.h.has(flag::fin) ? 1 : 0;
                if (f.h.type != data) {
                    continue;
                }
                auto& left = chunks[f.h.id];
                ASSERT_FALSE(left.empty());
                ASSERT_LE(f.payload.size(), left.front());
                if (f.payload.size() < left.front()) {
                    ++cuts;
                    EXPECT_EQ(frames.size(), 1u); // cut: alone,
                    EXPECT_EQ(n, room_size);      // and filling the room
                    left.front() -= f.payload.size();
                } else {
                    left.pop_front();
                }
                got[f.h.id] += f.payload.size();
            }
        }
        EXPECT_EQ(s.queued_bytes(), 0u);
        EXPECT_EQ(got[1], 200u * 1024);
        EXPECT_EQ(got[3], 70000u);
        EXPECT_EQ(got[5], 5u);
        EXPECT_EQ(got.count(7), 0u); // reset before anything went out
        EXPECT_EQ(fins, 1u);
        EXPECT_EQ(cuts > 0, room_size < header_size + max); // a Noise frame (65519) holds any frame whole
    }
}

TEST(yamux_transmit_span, control_frames_wait_for_room)
{
    session s{role::client, quiet(), t0};
    for (std::uint32_t i = 0; i < 3; ++i) {
        ASSERT_TRUE(s.handle_input(bytes_of({0, ping, flag::syn, 0, i}), t0));
    }
    std::array<std::byte, 2 * header_size + 5> room{};
    ASSERT_EQ(s.poll_transmit(std::span(room)), 2 * header_size);
    EXPECT_EQ(to_hex(bytes_view(room).first(2 * header_size)), "000200020000000000000000000200020000000000000001");
    ASSERT_EQ(s.poll_transmit(std::span(room)), header_size);
    EXPECT_EQ(to_hex(bytes_view(room).first(header_size)), "000200020000000000000002");
    EXPECT_EQ(s.poll_transmit(std::span(room)), 0u);
}

// ---- lend(): zero-copy sends from the caller's memory ----------------------------------------------

TEST_F(yamux_pair, lend_sends_from_caller_memory_after_queued_bytes)
{
    auto id = open_pair();
    const std::size_t max = config{}.max_frame_payload;
    ASSERT_EQ(client.send(id, to_buffer("copied-first")).value(), 12u);
    auto big = filler(150000, 9);
    ASSERT_TRUE(client.lend(id, big));
    EXPECT_EQ(client.info(id)->lent, big.size());
    EXPECT_EQ(client.info(id)->queued, 12u); // lent bytes are not in the send buffer
    EXPECT_EQ(client.send(id, to_buffer("x")).error(), errc::stream_busy);
    EXPECT_EQ(client.lend(id, big).error(), errc::stream_busy);
    big[0] = std::byte{1}; // the machine reads the caller's memory when it sends, not before
    // Into Noise-sized rooms: the queued bytes, then one whole frame of lent bytes per room.
    byte_buffer room(header_size + max);
    byte_buffer wire;
    std::vector<std::size_t> payloads;
    for (std::size_t n; (n = client.poll_transmit(std::span(room))) > 0;) {
        for (auto& f : parse(bytes_view(room).first(n))) {
            payloads.push_back(f.payload.size());
        }
        wire.insert(wire.end(), room.begin(), room.begin() + static_cast<std::ptrdiff_t>(n));
    }
    EXPECT_EQ(payloads, (std::vector<std::size_t>{12, max, max, 150000 - 2 * max}));
    EXPECT_EQ(client.info(id)->lent, 0u);
    EXPECT_EQ(client.info(id)->send_window, initial_stream_window - 12 - 150000);
    auto ev = events(client);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_writable);
    EXPECT_EQ(client.take_back(id), big.size());
    EXPECT_EQ(client.take_back(id), 0u); // once
    ASSERT_EQ(client.send(id, to_buffer("after")).value(), 5u);
    append(wire, drain_bytes(client));
    // The peer gets everything in order.
    ASSERT_TRUE(server.handle_input(wire, t0));
    byte_buffer got(200000);
    std::size_t n = 0;
    for (std::size_t k; (k = server.read(id, std::span(got).subspan(n)).value()) > 0;) {
        n += k;
    }
    ASSERT_EQ(n, 12u + 150000 + 5);
    EXPECT_EQ(as_chars(bytes_view(got).first(12)), "copied-first");
    EXPECT_EQ(got[12], std::byte{1});
    EXPECT_EQ(got[13], std::byte{9});
    EXPECT_EQ(as_chars(bytes_view(got).subspan(12 + 150000, 5)), "after");
}

TEST_F(yamux_pair, lend_waits_for_the_window_inside_the_machine)
{
    auto id = open_pair();
    auto big = filler(300 * 1024, 3);
    ASSERT_TRUE(client.lend(id, big));
    ASSERT_TRUE(server.handle_input(drain_bytes(client), t0));
    EXPECT_EQ(client.info(id)->lent, 300u * 1024 - initial_stream_window);
    EXPECT_EQ(client.info(id)->send_window, 0u);
    EXPECT_TRUE(events(client).empty()); // not complete yet
    // The peer reads and grants more window: the rest goes out without the caller.
    byte_buffer sink(300 * 1024);
    EXPECT_EQ(server.read(id, sink).value(), initial_stream_window);
    ASSERT_TRUE(client.handle_input(drain_bytes(server), t0));
    ASSERT_TRUE(server.handle_input(drain_bytes(client), t0));
    EXPECT_EQ(server.read(id, sink).value(), 300u * 1024 - initial_stream_window);
    EXPECT_EQ(client.info(id)->lent, 0u);
    auto ev = events(client);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_writable);
    EXPECT_EQ(client.take_back(id), big.size());
}

TEST_F(yamux_pair, take_back_stops_a_lend_and_keeps_the_window)
{
    auto id = open_pair();
    auto big = filler(300 * 1024, 3);
    ASSERT_TRUE(client.lend(id, big));
    ASSERT_TRUE(server.handle_input(drain_bytes(client), t0));
    EXPECT_EQ(client.take_back(id), initial_stream_window); // what went out
    EXPECT_EQ(client.info(id)->lent, 0u);
    byte_buffer sink(300 * 1024);
    EXPECT_EQ(server.read(id, sink).value(), initial_stream_window);
    ASSERT_TRUE(client.handle_input(drain_bytes(server), t0));
    EXPECT_TRUE(drain(client).empty()); // the rest is never sent...
    EXPECT_GE(client.info(id)->send_window, initial_stream_window / 2); // ...nor charged
    ASSERT_EQ(client.send(id, to_buffer("next")).value(), 4u);
}

TEST_F(yamux_pair, peer_reset_and_session_close_drop_a_lend)
{
    auto id = open_pair();
    auto big = filler(300 * 1024, 3);
    ASSERT_TRUE(client.lend(id, big));
    drain(client);
    server.reset(id);
    ASSERT_TRUE(client.handle_input(drain_bytes(server), t0));
    EXPECT_EQ(client.info(id)->lent, 0u);
    EXPECT_TRUE(client.info(id)->reset);
    EXPECT_EQ(client.take_back(id), initial_stream_window);
    EXPECT_EQ(client.lend(id, big).error(), errc::stream_reset);

    auto id2 = client.open_stream().value();
    ASSERT_TRUE(client.lend(id2, big));
    client.handle_transport_closed();
    EXPECT_EQ(client.lend(id2, big).error(), errc::session_closed);
    EXPECT_EQ(client.take_back(id2), 0u); // gone with the session, nothing sent
}

TEST_F(yamux_pair, fin_follows_lent_bytes_and_empty_lend_completes_at_once)
{
    auto id = open_pair();
    ASSERT_TRUE(client.lend(id, {}));
    auto ev = events(client);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_writable);
    EXPECT_EQ(client.take_back(id), 0u);
    auto small = to_buffer("lent");
    ASSERT_TRUE(client.lend(id, small));
    client.close_write(id);
    EXPECT_EQ(client.lend(id, small).error(), errc::stream_closed);
    auto f = drain(client);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].payload, small);
    EXPECT_EQ(f[1].h, (header{0, window_update, flag::fin, id, 0}));
    EXPECT_EQ(client.take_back(id), 4u);
}

// ---- lend_read(): zero-copy receive into the reader's memory ----------------------------------------

/// Deliver `n` bytes of pattern data (byte i = i % 251) from client to server on `id`.
void deliver(session& from, session& to, stream_id id, std::size_t n, std::size_t offset = 0)
{
    byte_buffer data(n);
    for (std::size_t i = 0; i < n; ++i) {
        data[i] = static_cast<std::byte>((offset + i) % 251);
    }
    ASSERT_EQ(from.send(id, data).value(), n);
    ASSERT_TRUE(to.handle_input(drain_bytes(from), t0));
}

bool is_pattern(bytes_view b, std::size_t offset)
{
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (b[i] != static_cast<std::byte>((offset + i) % 251)) {
            return false;
        }
    }
    return true;
}

/// read() returns exactly `n` bytes of the pattern starting at `offset`.
void expect_read(session& s, stream_id id, std::size_t n, std::size_t offset)
{
    byte_buffer got(n + 100);
    auto r = s.read(id, got);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value(), n);
    EXPECT_TRUE(is_pattern(bytes_view(got).first(std::min(n, r.value())), offset));
}

TEST_F(yamux_pair, lend_read_receives_straight_into_caller_memory)
{
    byte_buffer buf(100000);
    auto id = open_lending(buf);
    EXPECT_EQ(server.lend_read(id, buf).error(), errc::stream_busy);
    deliver(client, server, id, 150000);
    EXPECT_EQ(server.info(id)->read_filled, 100000u);
    EXPECT_EQ(server.info(id)->readable, 150000u);
    EXPECT_EQ(server.buffered_bytes(), 150000u);
    EXPECT_TRUE(is_pattern(buf, 0)); // already there, before take_read
    byte_buffer rest(100000);
    EXPECT_EQ(server.read(id, rest).error(), errc::stream_busy);
    auto ev = events(server);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::stream_readable);
    EXPECT_EQ(server.take_read(id), 100000u);
    EXPECT_EQ(server.take_read(id), 0u); // once
    expect_read(server, id, 50000, 100000);
    EXPECT_EQ(server.buffered_bytes(), 0u);
    // The window is credited as for read(): more than half of it was consumed, an update is due.
    auto f = drain(server);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].h.type, window_update);
    EXPECT_GE(f[0].h.length, 150000u);
}

TEST_F(yamux_pair, lend_read_only_fills_while_nothing_older_is_buffered)
{
    auto id = open_pair();
    deliver(client, server, id, 10);
    byte_buffer buf(1000);
    ASSERT_TRUE(server.lend_read(id, buf)); // misuse: bytes are buffered already
    deliver(client, server, id, 20, 10);
    EXPECT_EQ(server.info(id)->read_filled, 0u); // they go behind the older ones, in order
    EXPECT_EQ(server.take_read(id), 0u);
    expect_read(server, id, 30, 0);
}

TEST_F(yamux_pair, cancelled_lend_read_puts_bytes_back_in_order)
{
    byte_buffer buf(700);
    auto id = open_lending(buf);
    deliver(client, server, id, 500);
    deliver(client, server, id, 1000, 500); // 200 more into buf, 800 into rx
    EXPECT_EQ(server.info(id)->read_filled, 700u);
    EXPECT_EQ(server.take_read(id, false), 700u);
    EXPECT_EQ(server.info(id)->readable, 1500u);
    EXPECT_EQ(server.buffered_bytes(), 1500u);
    expect_read(server, id, 1500, 0);
}

TEST_F(yamux_pair, reset_drops_and_fin_keeps_lent_read_bytes)
{
    byte_buffer buf(1000);
    auto id = open_lending(buf);
    deliver(client, server, id, 100);
    client.reset(id);
    ASSERT_TRUE(server.handle_input(drain_bytes(client), t0));
    EXPECT_TRUE(server.info(id)->reset);
    EXPECT_EQ(server.take_read(id), 0u); // dropped with the stream's input
    EXPECT_EQ(server.buffered_bytes(), 0u);

    auto id2 = open_pair();
    ASSERT_TRUE(server.lend_read(id2, buf));
    deliver(client, server, id2, 100);
    client.close_write(id2);
    ASSERT_TRUE(server.handle_input(drain_bytes(client), t0));
    server.handle_transport_closed();
    EXPECT_EQ(server.take_read(id2), 100u); // a finished stream stays readable after the close
    EXPECT_TRUE(is_pattern(bytes_view(buf).first(100), 0));
    EXPECT_EQ(server.read(id2, buf).value(), 0u); // then EOF
}

} // namespace
} // namespace pcp::p2p::yamux
