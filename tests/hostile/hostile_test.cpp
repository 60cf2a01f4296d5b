// SPDX-License-Identifier: MIT
// Hostile peers against a real pcp host over loopback TCP. Each case runs a scripted malicious
// client built from our own codecs (multistream, Noise machine / reference XX, raw yamux frames)
// and asserts that (a) the host closes that connection or resets that stream within a bounded
// time, (b) the host keeps serving: an honest host can still connect and ping afterwards, and
// (c) memory stays bounded (connection and stream counts, yamux buffered bytes).
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "p2p/host/host.hpp"
#include "p2p/identify/wire.hpp"
#include "p2p/multistream/service.hpp"
#include "p2p/multistream/wire.hpp"
#include "p2p/noise/service.hpp"
#include "p2p/peer/varint.hpp"
#include "p2p/ping/service.hpp"
#include "p2p/yamux/service.hpp"
#include "p2p/yamux/wire.hpp"
#include "tests/p2p/noise/noise_test_util.hpp"
#include "transport/tcp/tcp_stream.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include <spdlog/spdlog.h>

namespace pcp {
namespace {

using namespace p2p;
using namespace std::chrono_literals;

[[maybe_unused]] const bool log_level_set = [] {
    if (const char* l = std::getenv("PCP_LOG")) {
        spdlog::set_level(spdlog::level::from_str(l));
    } else {
        spdlog::set_level(spdlog::level::warn); // the host logs every refused peer at info
    }
    return true;
}();

// ---------------------------------------------------------------------------------------------
// The world: one server host under attack and one honest host, on a two-core engine.

struct world {
    engine::core_pool pool{{.cores = 2}};
    host::host server;
    host::host honest;
    peer::multiaddr server_addr; ///< with /p2p/
    asio::ip::tcp::endpoint server_ep;
    std::atomic<int> identify_ok{0};
    std::atomic<int> identify_failed{0};

    explicit world(host::host_config cfg)
        : server(pool, peer::ed25519_keypair::generate(), std::move(cfg)),
          honest(pool, peer::ed25519_keypair::generate(), host::host_config{})
    {
        server.on_identified = [this](host::connection& c) {
            if (c.identify_error()) {
                ++identify_failed;
            } else {
                ++identify_ok;
            }
        };
        EXPECT_TRUE(server.start());
        auto addrs = server.listen_addrs();
        EXPECT_EQ(addrs.size(), 1u);
        server_addr = addrs.at(0).with_peer(server.id()).value();
        server_ep = *host::to_endpoint(addrs.at(0));
    }
};

/// Small limits so that every bound is reachable quickly.
host::host_config hostile_config()
{
    host::host_config cfg;
    cfg.listen.push_back(peer::multiaddr::from_string("/ip4/127.0.0.1/tcp/0").value());
    cfg.handshake_timeout = 4s; // "prompt" closes below are asserted well under this
    cfg.negotiation_timeout = 2s;
    cfg.identify_timeout = 2s;
    cfg.max_pending_handshakes = 4;
    cfg.yamux.max_inbound_streams = 8;
    cfg.yamux.max_control_frames = 64;
    cfg.yamux.ping_timeout = 30s; // the raw peers below never answer the host's RTT ping
    return cfg;
}

/// A close that is a reaction to the violation, not the handshake timeout.
constexpr duration prompt = 2s;

task<result<void>> as_result(task<void> t)
{
    co_await std::move(t);
    co_return ok();
}

task<void> run_case(world& w, task<void> body)
{
    auto r = co_await engine::with_timeout(as_result(std::move(body)), 45s);
    EXPECT_TRUE(r) << "case did not finish in time";
    w.server.stop();
    w.honest.stop();
    co_await engine::sleep_for(50ms);
    w.pool.stop();
}

void run(world& w, task<void> body)
{
    asio::co_spawn(w.pool.executor(0), run_case(w, std::move(body)), asio::detached);
    w.pool.run();
    w.pool.join();
}

// ---------------------------------------------------------------------------------------------
// Helpers (plain coroutines: no capturing coroutine lambdas, g++ 12).

task<bool> wait_until(world& w, bool (*pred)(world&), duration limit)
{
    auto deadline = steady::now() + limit;
    while (!pred(w)) {
        if (steady::now() >= deadline) {
            co_return false;
        }
        co_await engine::sleep_for(20ms);
    }
    co_return true;
}

bool server_has_no_connections(world& w) { return w.server.connection_count() == 0; }
bool honest_has_no_connections(world& w) { return w.honest.connection_count() == 0; }
bool server_has_one_connection(world& w) { return w.server.connection_count() == 1; }

task<result<transport::tcp::tcp_stream>> dial_raw(world& w)
{
    auto ex = co_await asio::this_coro::executor;
    co_return co_await transport::tcp::dial(ex, w.server_ep);
}

/// Read and discard until EOF or error; the number of bytes read.
task<result<std::size_t>> drain_to_close(transport::stream& s)
{
    std::vector<std::byte> buf(64 * 1024);
    std::size_t total = 0;
    for (;;) {
        auto n = co_await s.read_some(buf);
        if (!n || n.value() == 0) {
            co_return total;
        }
        total += n.value();
    }
}

/// How long until the peer closed `s` (EOF or error), measured from `since`; nullopt when it is
/// still open after `limit`.
task<std::optional<duration>> time_to_close(transport::stream& s, duration limit, instant since = steady::now())
{
    auto r = co_await engine::with_timeout(drain_to_close(s), limit);
    if (!r) {
        co_return std::nullopt;
    }
    co_return steady::now() - since;
}

/// Connect from the honest host, ping twice, close; "" on success.
task<std::string> honest_ping(world& w)
{
    std::vector<peer::multiaddr> addrs{w.server_addr};
    auto c = co_await w.honest.connect(std::move(addrs));
    if (!c) {
        co_return "connect: " + c.error().message();
    }
    auto conn = c.value();
    std::vector<std::string> protos{std::string(ping::protocol_id)};
    auto s = co_await conn->open_stream(std::move(protos));
    std::string err;
    if (!s) {
        err = "open ping stream: " + s.error().message();
    } else {
        auto r = co_await ping::request(*s.value().stream, 2, 3s);
        if (!r) {
            err = "ping: " + r.error().message();
        } else if (r.value().size() != 2) {
            err = "ping: wrong pong count";
        }
        auto cw = co_await s.value().stream->close_write();
        (void)cw;
        s.value().stream.reset();
    }
    conn->close();
    conn.reset();
    // So that the next check dials afresh instead of reusing this connection.
    if (!co_await wait_until(w, &honest_has_no_connections, 3s)) {
        err += " (honest connection did not close)";
    }
    co_return err;
}

task<void> expect_still_serving(world& w, std::string_view after)
{
    auto err = co_await honest_ping(w);
    EXPECT_EQ(err, "") << "honest peer after " << after;
}

task<void> expect_no_connections(world& w, std::string_view after)
{
    auto gone = co_await wait_until(w, &server_has_no_connections, 5s);
    EXPECT_TRUE(gone) << "server still has " << w.server.connection_count() << " connection(s) after " << after;
}

/// Dial, negotiate /noise with multistream-select, stop there.
task<result<std::unique_ptr<transport::stream>>> dial_noise_raw(world& w)
{
    PCP_CO_TRY(auto tcp, co_await dial_raw(w));
    auto raw = std::make_unique<transport::tcp::tcp_stream>(std::move(tcp));
    std::vector<std::string> sec{std::string(host::noise_protocol)};
    PCP_CO_TRY(auto n, co_await multistream::select_outbound(std::move(raw), std::move(sec)));
    co_return std::move(n.stream);
}

/// A complete, valid Noise handshake as `id` with early yamux negotiation: the encrypted channel,
/// on which the caller then speaks yamux by hand.
task<result<std::unique_ptr<transport::stream>>> dial_secured(world& w, const peer::ed25519_keypair& id)
{
    PCP_CO_TRY(auto s, co_await dial_noise_raw(w));
    std::vector<std::string> muxers{std::string(host::yamux_protocol)};
    noise::handshake_options opts;
    opts.side = noise::role::initiator;
    opts.expected_remote = w.server.id();
    opts.muxers = std::move(muxers);
    PCP_CO_TRY(auto sec, co_await noise::secure(std::move(s), id, std::move(opts)));
    if (sec->info().muxer != std::string(host::yamux_protocol)) {
        co_return make_error_code(pcp::errc::closed);
    }
    std::unique_ptr<transport::stream> out = std::move(sec);
    co_return out;
}

// ---- raw yamux ------------------------------------------------------------------------------

struct yframe {
    yamux::header h;
    byte_buffer payload;
};

struct raw_peer {
    std::unique_ptr<transport::stream> s;
    byte_buffer rx;
};

/// The next yamux frame from the host; errc::closed at EOF.
task<result<yframe>> read_frame(raw_peer& p)
{
    std::vector<std::byte> buf(16 * 1024);
    for (;;) {
        auto d = yamux::decode(p.rx);
        if (!d) {
            co_return d.error();
        }
        if (d.value().complete()) {
            const yamux::header h = *d.value().message;
            const std::size_t need = yamux::header_size + (h.type == yamux::frame_type::data ? h.length : 0);
            if (p.rx.size() >= need) {
                yframe f;
                f.h = h;
                f.payload.assign(p.rx.begin() + yamux::header_size, p.rx.begin() + static_cast<std::ptrdiff_t>(need));
                p.rx.erase(p.rx.begin(), p.rx.begin() + static_cast<std::ptrdiff_t>(need));
                co_return f;
            }
        }
        PCP_CO_TRY(auto n, co_await p.s->read_some(buf));
        if (n == 0) {
            co_return make_error_code(pcp::errc::closed);
        }
        p.rx.insert(p.rx.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
}

task<result<yframe>> read_frame_for(raw_peer& p, duration limit)
{
    co_return co_await engine::with_timeout(read_frame(p), limit);
}

yamux::header hdr(yamux::frame_type t, std::uint16_t flags, yamux::stream_id id, std::uint32_t length)
{
    yamux::header h;
    h.type = t;
    h.flags = flags;
    h.id = id;
    h.length = length;
    return h;
}

/// Read frames until the host ends the connection (or `limit`); whether a GoAway with `code` came.
struct close_observation {
    bool closed = false;
    bool go_away = false;
    std::uint32_t go_away_code = 0;
    std::size_t pongs = 0;
};

task<close_observation> observe_until_closed(raw_peer& p, duration limit)
{
    close_observation o;
    auto deadline = steady::now() + limit;
    for (;;) {
        auto left = deadline - steady::now();
        if (left <= duration::zero()) {
            co_return o;
        }
        auto f = co_await read_frame_for(p, left);
        if (!f) {
            o.closed = f.error() != make_error_code(pcp::errc::timed_out);
            co_return o;
        }
        if (f.value().h.type == yamux::frame_type::go_away) {
            o.go_away = true;
            o.go_away_code = f.value().h.length;
        } else if (f.value().h.type == yamux::frame_type::ping && f.value().h.has(yamux::flag::ack)) {
            ++o.pongs;
        }
    }
}

/// Per-connection numbers of the server's yamux session, read on the connection's own core.
struct mux_stats {
    bool found = false;
    std::size_t streams = 0;
    std::size_t inbound = 0;
    std::size_t buffered = 0;
    std::size_t queued = 0;
    std::size_t control = 0;
};

task<mux_stats> mux_stats_here(std::shared_ptr<host::connection> c)
{
    mux_stats m;
    m.found = true;
    const auto& s = c->mux().machine();
    m.streams = s.stream_count();
    m.inbound = s.inbound_streams();
    m.buffered = s.buffered_bytes();
    m.queued = s.queued_bytes();
    m.control = s.queued_control_frames();
    co_return m;
}

task<mux_stats> server_mux_stats(world& w)
{
    auto conns = w.server.connections();
    if (conns.size() != 1) {
        co_return mux_stats{};
    }
    auto c = conns[0];
    auto ex = c->executor();
    co_return co_await asio::co_spawn(ex, mux_stats_here(std::move(c)), asio::use_awaitable);
}

// ---------------------------------------------------------------------------------------------
// 1. Garbage before / instead of the multistream header; oversized proposals.

task<void> garbage_instead_of_multistream(world& w)
{
    {
        // 0xff… is an overlong varint: rejected as soon as it is read.
        auto t0 = steady::now();
        auto tcp = co_await dial_raw(w);
        EXPECT_TRUE(tcp);
        if (!tcp) {
            co_return;
        }
        byte_buffer junk(4096, std::byte{0xff});
        auto wr = co_await tcp.value().write_all(junk);
        (void)wr; // the host may already have hung up
        auto t = co_await time_to_close(tcp.value(), 5s, t0);
        EXPECT_TRUE(t) << "0xff garbage: connection left open";
        if (t) {
            EXPECT_LT(*t, prompt) << "0xff garbage: closed only by the handshake timeout";
        }
    }
    {
        // An HTTP request: 'G' (71) reads as a length prefix, the text is not the header.
        auto t0 = steady::now();
        auto tcp = co_await dial_raw(w);
        EXPECT_TRUE(tcp);
        if (!tcp) {
            co_return;
        }
        std::string req = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\nConnection: close\r\n\r\n";
        auto wr = co_await tcp.value().write_all(as_bytes(req));
        (void)wr;
        auto t = co_await time_to_close(tcp.value(), 5s, t0);
        EXPECT_TRUE(t) << "HTTP request: connection left open";
        if (t) {
            EXPECT_LT(*t, prompt);
        }
    }
    EXPECT_EQ(w.server.connection_count(), 0u);
    co_await expect_still_serving(w, "garbage headers");
}

task<void> oversized_multistream_proposal(world& w)
{
    for (std::size_t len : {multistream::max_message_size + 1, std::size_t{5000}, std::size_t{1} << 20}) {
        auto t0 = steady::now();
        auto tcp = co_await dial_raw(w);
        EXPECT_TRUE(tcp);
        if (!tcp) {
            co_return;
        }
        byte_buffer out;
        EXPECT_TRUE(multistream::encode(multistream::protocol_id, out));
        peer::encode_varint(len, out); // prefix counts the text and its newline
        byte_buffer body(std::min<std::size_t>(len, 8192), std::byte{'a'});
        body.back() = std::byte{'\n'};
        append(out, body);
        auto wr = co_await tcp.value().write_all(out);
        (void)wr;
        auto t = co_await time_to_close(tcp.value(), 5s, t0);
        EXPECT_TRUE(t) << "proposal of " << len << " bytes: connection left open";
        if (t) {
            EXPECT_LT(*t, prompt) << "proposal of " << len << " bytes";
        }
    }
    EXPECT_EQ(w.server.connection_count(), 0u);
    co_await expect_still_serving(w, "oversized proposals");
}

TEST(hostile, garbage_instead_of_multistream_header)
{
    world w(hostile_config());
    run(w, garbage_instead_of_multistream(w));
}

TEST(hostile, multistream_proposal_longer_than_1024_bytes)
{
    world w(hostile_config());
    run(w, oversized_multistream_proposal(w));
}

// ---------------------------------------------------------------------------------------------
// 2. Noise: hostile frame lengths, bad signature, tampered ciphertext, wrong peer ID.

task<void> hostile_noise_frames(world& w)
{
    {
        // A zero-length handshake frame: shorter than the 32-byte ephemeral key.
        auto t0 = steady::now();
        auto s = co_await dial_noise_raw(w);
        EXPECT_TRUE(s) << (s ? "" : s.error().message());
        if (!s) {
            co_return;
        }
        byte_buffer zero(2, std::byte{0});
        auto wr = co_await s.value()->write_all(zero);
        (void)wr;
        auto t = co_await time_to_close(*s.value(), 5s, t0);
        EXPECT_TRUE(t) << "zero-length noise frame: connection left open";
        if (t) {
            EXPECT_LT(*t, prompt);
        }
    }
    {
        // A 65535-byte frame announced, 1000 bytes sent, then silence: only the handshake
        // timeout can end it, and it must (no waiting forever for the rest of the frame).
        auto t0 = steady::now();
        auto s = co_await dial_noise_raw(w);
        EXPECT_TRUE(s);
        if (!s) {
            co_return;
        }
        byte_buffer partial(2 + 1000, std::byte{0x5a});
        partial[0] = std::byte{0xff};
        partial[1] = std::byte{0xff};
        auto wr = co_await s.value()->write_all(partial);
        (void)wr;
        auto t = co_await time_to_close(*s.value(), w.server.config().handshake_timeout + 3s, t0);
        EXPECT_TRUE(t) << "stalled 64 KiB noise frame: connection left open past the handshake timeout";
        if (t) {
            EXPECT_GE(*t, w.server.config().handshake_timeout - 500ms);
        }
    }
    {
        // Maximum-size garbage as message 1 (tolerated: an ignored payload), then maximum-size
        // garbage as message 3: decryption fails at once.
        auto t0 = steady::now();
        auto s = co_await dial_noise_raw(w);
        EXPECT_TRUE(s);
        if (!s) {
            co_return;
        }
        std::mt19937_64 rng(42);
        byte_buffer msg(2 + noise::max_frame_body);
        for (auto& b : msg) {
            b = static_cast<std::byte>(rng());
        }
        msg[0] = std::byte{0xff};
        msg[1] = std::byte{0xff};
        auto w1 = co_await s.value()->write_all(msg);
        EXPECT_TRUE(w1);
        std::array<std::byte, 2> len{};
        auto r2 = co_await engine::with_timeout(transport::read_exact(*s.value(), len), 3s);
        EXPECT_TRUE(r2) << "host did not answer a 64 KiB message 1 with message 2";
        auto w3 = co_await s.value()->write_all(msg);
        (void)w3;
        auto t = co_await time_to_close(*s.value(), 5s, t0);
        EXPECT_TRUE(t) << "garbage message 3: connection left open";
        if (t) {
            EXPECT_LT(*t, prompt);
        }
    }
    EXPECT_EQ(w.server.connection_count(), 0u);
    co_await expect_still_serving(w, "hostile noise frames");
}

/// Run a reference XX initiator up to message 3 and send `payload` in it, optionally with one
/// ciphertext byte flipped. Returns the time until the host closed (nullopt: left open).
task<std::optional<duration>> send_msg3(world& w, bool (*make)(byte_buffer& payload, const crypto::x25519_public_key& s_pub),
                                        std::optional<std::size_t> flip)
{
    auto t0 = steady::now();
    auto s = co_await dial_noise_raw(w);
    EXPECT_TRUE(s);
    if (!s) {
        co_return std::nullopt;
    }
    std::mt19937_64 rng(7);
    auto s_secret = noise::test::random32(rng);
    auto e_secret = noise::test::random32(rng);
    noise::test::ref_xx ref(s_secret, e_secret);
    auto m1 = ref.write_msg1();
    auto ok1 = co_await s.value()->write_all(m1);
    EXPECT_TRUE(ok1);
    std::array<std::byte, 2> len{};
    auto r = co_await engine::with_timeout(transport::read_exact(*s.value(), len), 3s);
    EXPECT_TRUE(r);
    if (!r) {
        co_return std::nullopt;
    }
    byte_buffer body((std::to_integer<std::size_t>(len[0]) << 8) | std::to_integer<std::size_t>(len[1]));
    auto rb = co_await engine::with_timeout(transport::read_exact(*s.value(), body), 3s);
    EXPECT_TRUE(rb);
    if (!rb) {
        co_return std::nullopt;
    }
    auto host_payload = ref.read_msg2(body);
    EXPECT_TRUE(host_payload) << "reference initiator could not read the host's message 2";
    if (!host_payload) {
        co_return std::nullopt;
    }
    byte_buffer payload;
    if (!make(payload, ref.s.public_key())) {
        co_return std::nullopt;
    }
    auto m3 = ref.write_msg3(payload);
    if (flip) {
        m3.at(*flip) ^= std::byte{0x01};
    }
    auto ok2 = co_await s.value()->write_all(m3);
    EXPECT_TRUE(ok2);
    co_return co_await time_to_close(*s.value(), 5s, t0);
}

const peer::ed25519_keypair& msg3_identity()
{
    static const auto id = peer::ed25519_keypair::generate();
    return id;
}

bool valid_payload(byte_buffer& out, const crypto::x25519_public_key& s_pub)
{
    out = noise::test::make_payload(msg3_identity(), s_pub);
    return true;
}

bool payload_signed_by_another_key(byte_buffer& out, const crypto::x25519_public_key& s_pub)
{
    // Signed by `signer` over the right static key, but claiming `claimed`'s identity key.
    auto signer = peer::ed25519_keypair::generate();
    auto claimed = peer::ed25519_keypair::generate();
    auto p = noise::decode_payload(noise::test::make_payload(signer, s_pub));
    if (!p) {
        return false;
    }
    p.value().identity_key = claimed.public_key().to_protobuf();
    noise::encode(p.value(), out);
    return true;
}

bool payload_over_another_static_key(byte_buffer& out, const crypto::x25519_public_key&)
{
    // A genuine signature, but over some other X25519 key than the one in message 3.
    crypto::x25519_public_key other{};
    other.fill(std::byte{0x42});
    out = noise::test::make_payload(msg3_identity(), other);
    return true;
}

bool payload_without_identity(byte_buffer& out, const crypto::x25519_public_key&)
{
    noise::handshake_payload p;
    noise::encode(p, out);
    return true;
}

task<void> bad_noise_handshakes(world& w)
{
    struct variant {
        const char* name;
        bool (*make)(byte_buffer&, const crypto::x25519_public_key&);
        std::optional<std::size_t> flip;
    };
    const std::vector<variant> bad = {
        {"identity_sig by another key", &payload_signed_by_another_key, std::nullopt},
        {"identity_sig over another static key", &payload_over_another_static_key, std::nullopt},
        {"no identity", &payload_without_identity, std::nullopt},
        {"encrypted static key tampered", &valid_payload, std::size_t{2 + 5}},
        {"payload tag tampered", &valid_payload, std::size_t{2 + 48 + 3}},
    };
    for (const auto& v : bad) {
        auto t = co_await send_msg3(w, v.make, v.flip);
        EXPECT_TRUE(t) << v.name << ": connection left open";
        if (t) {
            EXPECT_LT(*t, prompt) << v.name;
        }
        EXPECT_EQ(w.server.connection_count(), 0u) << v.name;
    }
    co_await expect_still_serving(w, "bad noise handshakes");
}

/// Positive control for the reference initiator: an untampered message 3 is accepted.
task<void> reference_initiator_is_accepted(world& w)
{
    auto s = co_await dial_noise_raw(w);
    EXPECT_TRUE(s);
    if (!s) {
        co_return;
    }
    std::mt19937_64 rng(9);
    auto s_secret = noise::test::random32(rng);
    auto e_secret = noise::test::random32(rng);
    noise::test::ref_xx ref(s_secret, e_secret);
    auto m1 = ref.write_msg1();
    auto ok3 = co_await s.value()->write_all(m1);
    EXPECT_TRUE(ok3);
    std::array<std::byte, 2> len{};
    auto ok4 = co_await transport::read_exact(*s.value(), len);
    EXPECT_TRUE(ok4);
    byte_buffer body((std::to_integer<std::size_t>(len[0]) << 8) | std::to_integer<std::size_t>(len[1]));
    auto ok5 = co_await transport::read_exact(*s.value(), body);
    EXPECT_TRUE(ok5);
    EXPECT_TRUE(ref.read_msg2(body));
    byte_buffer payload;
    valid_payload(payload, ref.s.public_key());
    auto m3 = ref.write_msg3(payload);
    auto ok6 = co_await s.value()->write_all(m3);
    EXPECT_TRUE(ok6);
    auto up = co_await wait_until(w, &server_has_one_connection, 3s);
    EXPECT_TRUE(up) << "the reference initiator's valid handshake was not accepted";
    s.value()->abort();
    co_await expect_no_connections(w, "aborting the reference connection");
}

TEST(hostile, noise_frame_lengths)
{
    world w(hostile_config());
    run(w, hostile_noise_frames(w));
}

TEST(hostile, noise_bad_signature_and_tampered_message_3)
{
    world w(hostile_config());
    run(w, bad_noise_handshakes(w));
}

TEST(hostile, noise_reference_initiator_control)
{
    world w(hostile_config());
    run(w, reference_initiator_is_accepted(w));
}

task<void> dial_wrong_peer_id(world& w)
{
    auto other = peer::ed25519_keypair::generate();
    auto addr = w.server_addr.without_peer().with_peer(other.id()).value();
    std::vector<peer::multiaddr> addrs{addr};
    auto c = co_await w.honest.connect(std::move(addrs));
    EXPECT_FALSE(c) << "connected to a peer that is not the one in the address";
    if (!c) {
        EXPECT_EQ(c.error(), make_error_code(noise::errc::peer_id_mismatch)) << c.error().message();
    }
    EXPECT_EQ(w.honest.connection_count(), 0u);
    co_await expect_no_connections(w, "a dial with the wrong /p2p/");
    co_await expect_still_serving(w, "a dial with the wrong /p2p/");
}

TEST(hostile, noise_initiator_expecting_another_peer_id)
{
    world w(hostile_config());
    run(w, dial_wrong_peer_id(w));
}

// ---------------------------------------------------------------------------------------------
// 3. Identify: the malicious side answers the host's identify request with junk.

enum class identify_junk { bad_protobuf, oversized, wrong_key, truncated_frame };

task<void> answer_identify_with(world& w, identify_junk kind)
{
    auto ex = co_await asio::this_coro::executor;
    auto id = peer::ed25519_keypair::generate();
    const int failed_before = w.identify_failed.load();
    auto sec = co_await dial_secured(w, id);
    EXPECT_TRUE(sec) << (sec ? "" : sec.error().message());
    if (!sec) {
        co_return;
    }
    auto mux = yamux::make_session(ex, std::move(sec.value()), yamux::role::client, yamux::config{});
    asio::co_spawn(ex, mux->run(), asio::detached);
    auto in = co_await engine::with_timeout(mux->accept_stream(), 3s);
    EXPECT_TRUE(in) << "the host did not open its identify stream";
    if (!in) {
        mux->abort();
        co_return;
    }
    std::vector<std::string> ids{std::string(identify::protocol_id)};
    auto n = co_await engine::with_timeout(multistream::select_inbound(std::move(in.value()), std::move(ids)), 3s);
    EXPECT_TRUE(n);
    if (!n) {
        mux->abort();
        co_return;
    }
    auto& st = *n.value().stream;
    byte_buffer junk;
    switch (kind) {
    case identify_junk::bad_protobuf:
        peer::encode_varint(24, junk);
        junk.insert(junk.end(), 24, std::byte{0xff}); // field 31, wire type 7: invalid
        break;
    case identify_junk::oversized:
        peer::encode_varint(std::size_t{1} << 20, junk); // 1 MiB announced (limit 8 KiB)
        junk.insert(junk.end(), 64 * 1024, std::byte{0});
        break;
    case identify_junk::wrong_key: {
        identify::message m;
        m.agent_version = "evil/1.0";
        m.public_key = peer::ed25519_keypair::generate().public_key().to_protobuf();
        identify::encode_framed(m, junk);
        break;
    }
    case identify_junk::truncated_frame:
        peer::encode_varint(100, junk);
        junk.insert(junk.end(), 10, std::byte{0x0a});
        break;
    }
    auto wr = co_await st.write_all(junk);
    (void)wr; // an oversized message may be reset mid-write
    auto cw = co_await st.close_write();
    (void)cw;
    bool failed = false;
    auto deadline = steady::now() + 4s;
    while (steady::now() < deadline) {
        if (w.identify_failed.load() > failed_before) {
            failed = true;
            break;
        }
        co_await engine::sleep_for(20ms);
    }
    EXPECT_TRUE(failed) << "the host did not report a failed identify";
    n.value().stream.reset();

    // The host logged it and kept the connection: it still answers a ping on it.
    if (!mux->closed()) {
        auto ps = co_await mux->open_stream();
        EXPECT_TRUE(ps);
        if (ps) {
            std::vector<std::string> protos{std::string(ping::protocol_id)};
            auto sel = co_await engine::with_timeout(multistream::select_outbound(std::move(ps.value()), std::move(protos)), 3s);
            EXPECT_TRUE(sel);
            if (sel) {
                auto r = co_await ping::request(*sel.value().stream, 2, 3s);
                EXPECT_TRUE(r) << "ping on the connection after a bad identify: " << (r ? "" : r.error().message());
                auto c2 = co_await sel.value().stream->close_write();
                (void)c2;
            }
        }
    }
    mux->close();
    co_await expect_no_connections(w, "closing the connection with a bad identify");
}

task<void> invalid_identify_cases(world& w)
{
    for (auto kind : {identify_junk::bad_protobuf, identify_junk::oversized, identify_junk::wrong_key,
                      identify_junk::truncated_frame}) {
        SCOPED_TRACE(static_cast<int>(kind));
        co_await answer_identify_with(w, kind);
    }
    co_await expect_still_serving(w, "invalid identify answers");
}

TEST(hostile, invalid_identify_answer)
{
    world w(hostile_config());
    run(w, invalid_identify_cases(w));
}

// ---------------------------------------------------------------------------------------------
// 4. yamux: stream flood, window abuse, ping flood, unread data.

task<result<raw_peer>> raw_yamux_peer(world& w)
{
    auto id = peer::ed25519_keypair::generate();
    PCP_CO_TRY(auto s, co_await dial_secured(w, id));
    raw_peer p;
    p.s = std::move(s);
    co_return p;
}

task<void> stream_flood(world& w)
{
    auto p = co_await raw_yamux_peer(w);
    EXPECT_TRUE(p);
    if (!p) {
        co_return;
    }
    auto& peer = p.value();
    constexpr std::uint32_t syns = 50; // 42 refusals: under max_control_frames
    byte_buffer out;
    for (std::uint32_t i = 0; i < syns; ++i) {
        yamux::encode(hdr(yamux::frame_type::window_update, yamux::flag::syn, 2 * i + 1, 0), out);
    }
    auto ok7 = co_await peer.s->write_all(out);
    EXPECT_TRUE(ok7);
    // First answer per stream: ACK (accepted) or RST (refused). Never ACK anything of the host's.
    std::map<yamux::stream_id, bool> answered; // id -> acked
    auto deadline = steady::now() + 4s;
    while (answered.size() < syns && steady::now() < deadline) {
        auto f = co_await read_frame_for(peer, deadline - steady::now());
        if (!f) {
            break;
        }
        const auto& h = f.value().h;
        if (h.type != yamux::frame_type::window_update || (h.id & 1u) == 0 || answered.contains(h.id)) {
            continue;
        }
        if (h.has(yamux::flag::ack)) {
            answered[h.id] = true;
        } else if (h.has(yamux::flag::rst)) {
            answered[h.id] = false;
        }
    }
    std::size_t acked = 0;
    for (auto& [id, a] : answered) {
        acked += a ? 1 : 0;
    }
    EXPECT_EQ(answered.size(), syns) << "some SYNs were neither ACKed nor reset";
    EXPECT_EQ(acked, w.server.config().yamux.max_inbound_streams);
    EXPECT_EQ(answered.size() - acked, syns - w.server.config().yamux.max_inbound_streams);
    auto st = co_await server_mux_stats(w);
    EXPECT_TRUE(st.found);
    EXPECT_LE(st.inbound, w.server.config().yamux.max_inbound_streams);
    EXPECT_LE(st.streams, w.server.config().yamux.max_inbound_streams + 1); // + its identify stream
    EXPECT_LE(st.control, w.server.config().yamux.max_control_frames + 1);

    // Once the stuck negotiations time out, the slots free up and the host RSTs them.
    std::size_t late_resets = 0;
    deadline = steady::now() + w.server.config().negotiation_timeout + 2s;
    while (late_resets < acked && steady::now() < deadline) {
        auto f = co_await read_frame_for(peer, deadline - steady::now());
        if (!f) {
            break;
        }
        const auto& h = f.value().h;
        if (h.type == yamux::frame_type::window_update && h.has(yamux::flag::rst) && answered.contains(h.id) &&
            answered[h.id]) {
            ++late_resets;
        }
    }
    EXPECT_EQ(late_resets, acked) << "accepted streams stuck in negotiation were not reset";
    auto st2 = co_await server_mux_stats(w);
    EXPECT_EQ(st2.inbound, 0u);
    peer.s->abort();
    co_await expect_no_connections(w, "a stream flood");
    co_await expect_still_serving(w, "a stream flood");
}

task<void> syn_flood_beyond_control_cap(world& w)
{
    // 3000 SYNs in one burst: every refusal is a queued RST, so beyond max_control_frames the host
    // either answers them all or drops the connection; it never queues without bound.
    auto p = co_await raw_yamux_peer(w);
    EXPECT_TRUE(p);
    if (!p) {
        co_return;
    }
    auto& peer = p.value();
    constexpr std::uint32_t syns = 3000;
    byte_buffer out;
    for (std::uint32_t i = 0; i < syns; ++i) {
        yamux::encode(hdr(yamux::frame_type::window_update, yamux::flag::syn, 2 * i + 1, 0), out);
    }
    auto wr = co_await engine::with_timeout(peer.s->write_all(out), 5s);
    (void)wr;
    std::size_t answers = 0;
    bool closed = false;
    bool go_away = false;
    auto deadline = steady::now() + 4s;
    while (steady::now() < deadline) {
        auto f = co_await read_frame_for(peer, deadline - steady::now());
        if (!f) {
            closed = f.error() != make_error_code(pcp::errc::timed_out);
            break;
        }
        const auto& h = f.value().h;
        if (h.type == yamux::frame_type::go_away) {
            go_away = true;
            EXPECT_EQ(h.length, static_cast<std::uint32_t>(yamux::go_away_code::protocol_error));
        }
        if (h.type == yamux::frame_type::window_update && (h.id & 1u) == 1u &&
            h.has(yamux::flag::ack | yamux::flag::rst)) {
            ++answers;
        }
    }
    EXPECT_TRUE(closed || answers >= syns) << answers << " answers, connection open";
    EXPECT_TRUE(closed) << "expected the control-queue bound to close the connection";
    (void)go_away;
    peer.s->abort();
    co_await expect_no_connections(w, "a SYN flood beyond the control-frame cap");
}

task<void> stream_floods(world& w)
{
    co_await stream_flood(w);
    co_await syn_flood_beyond_control_cap(w);
    co_await expect_still_serving(w, "stream floods");
}

TEST(hostile, yamux_stream_flood)
{
    world w(hostile_config());
    run(w, stream_floods(w));
}

/// Open stream 1 as a ping stream and keep sending within every window the host grants, never
/// granting the host any window back. The host's echo writes block once it has echoed one
/// initial window (256 KiB), so from then on it reads nothing and grants nothing. Returns once
/// that point is reached and every grant is in: the granted window is then used up exactly.
struct fill_result {
    std::uint64_t sent = 0;   ///< bytes we sent on stream 1 (negotiation included)
    std::uint64_t echoed = 0; ///< Data bytes the host sent on stream 1 (its multistream answer too)
};

task<fill_result> fill_unread_ping_stream(raw_peer& peer)
{
    fill_result r;
    byte_buffer out;
    yamux::encode(hdr(yamux::frame_type::window_update, yamux::flag::syn, 1, 0), out);
    byte_buffer neg;
    EXPECT_TRUE(multistream::encode(multistream::protocol_id, neg));
    EXPECT_TRUE(multistream::encode(ping::protocol_id, neg));
    yamux::encode_data(1, 0, neg, out);
    auto w0 = co_await peer.s->write_all(out);
    EXPECT_TRUE(w0);
    std::uint64_t credit = yamux::initial_stream_window - neg.size();
    r.sent = neg.size();
    byte_buffer chunk(32 * 1024, std::byte{0x11});
    for (int round = 0; round < 60; ++round) {
        byte_buffer frames;
        while (credit > 0) {
            auto k = static_cast<std::size_t>(std::min<std::uint64_t>(credit, chunk.size()));
            yamux::encode_data(1, 0, bytes_view(chunk).first(k), frames);
            credit -= k;
            r.sent += k;
        }
        if (!frames.empty()) {
            auto wr = co_await peer.s->write_all(frames);
            EXPECT_TRUE(wr);
            if (!wr) {
                co_return r;
            }
        }
        // Collect grants and echoes until the host goes quiet.
        std::uint64_t granted = 0;
        for (;;) {
            auto f = co_await read_frame_for(peer, 300ms);
            if (!f) {
                break;
            }
            const auto& h = f.value().h;
            if (h.type == yamux::frame_type::window_update && h.id == 1 && !h.has(yamux::flag::rst)) {
                granted += h.length;
            }
            if (h.type == yamux::frame_type::data && h.id == 1) {
                r.echoed += f.value().payload.size();
            }
        }
        credit += granted;
        if (granted == 0 && r.echoed >= yamux::initial_stream_window) {
            break; // the host is stuck writing: nothing more will be granted
        }
    }
    co_return r;
}

task<void> window_abuse(world& w)
{
    auto p = co_await raw_yamux_peer(w);
    EXPECT_TRUE(p);
    if (!p) {
        co_return;
    }
    auto& peer = p.value();
    // Open stream 1, then a Data frame that claims one byte more than the 256 KiB window.
    byte_buffer out;
    yamux::encode(hdr(yamux::frame_type::window_update, yamux::flag::syn, 1, 0), out);
    yamux::encode(hdr(yamux::frame_type::data, 0, 1, yamux::initial_stream_window + 1), out);
    out.insert(out.end(), 100, std::byte{0});
    auto ok8 = co_await peer.s->write_all(out);
    EXPECT_TRUE(ok8);
    auto o = co_await observe_until_closed(peer, 3s);
    EXPECT_TRUE(o.go_away) << "no GoAway after a window violation";
    EXPECT_EQ(o.go_away_code, static_cast<std::uint32_t>(yamux::go_away_code::protocol_error));
    EXPECT_TRUE(o.closed) << "connection left open after a window violation";
    co_await expect_no_connections(w, "window abuse");

    // Exactly at the window over many frames, then one byte more: a ping stream whose echoes we
    // never read (and never grant window for) stops the host's reads, so the window we were
    // granted is final; the next byte beyond it is a violation.
    auto p2 = co_await raw_yamux_peer(w);
    EXPECT_TRUE(p2);
    if (!p2) {
        co_return;
    }
    auto& peer2 = p2.value();
    auto filled = co_await fill_unread_ping_stream(peer2);
    EXPECT_EQ(filled.echoed, std::uint64_t{yamux::initial_stream_window}) << "the host's echo did not block";
    EXPECT_GE(filled.sent, std::uint64_t{yamux::initial_stream_window});
    byte_buffer extra;
    yamux::encode_data(1, 0, to_buffer("x"), extra);
    auto wx = co_await peer2.s->write_all(extra);
    EXPECT_TRUE(wx);
    auto o2 = co_await observe_until_closed(peer2, 3s);
    EXPECT_TRUE(o2.go_away) << "no GoAway after one byte beyond the granted window";
    EXPECT_EQ(o2.go_away_code, static_cast<std::uint32_t>(yamux::go_away_code::protocol_error));
    EXPECT_TRUE(o2.closed) << "connection left open after one byte beyond the granted window";
    peer2.s->abort();
    co_await expect_no_connections(w, "window abuse over several frames");
    co_await expect_still_serving(w, "window abuse");
}

TEST(hostile, yamux_window_abuse)
{
    world w(hostile_config());
    run(w, window_abuse(w));
}

task<void> ping_flood(world& w)
{
    {
        // Polite: 40 pings at once (within the control-frame cap) are all answered, exactly.
        auto p = co_await raw_yamux_peer(w);
        EXPECT_TRUE(p);
        if (!p) {
            co_return;
        }
        auto& peer = p.value();
        byte_buffer out;
        std::set<std::uint32_t> want;
        for (std::uint32_t i = 0; i < 40; ++i) {
            yamux::encode(hdr(yamux::frame_type::ping, yamux::flag::syn, 0, 1000 + i), out);
            want.insert(1000 + i);
        }
        auto ok10 = co_await peer.s->write_all(out);
        EXPECT_TRUE(ok10);
        auto deadline = steady::now() + 3s;
        while (!want.empty() && steady::now() < deadline) {
            auto f = co_await read_frame_for(peer, deadline - steady::now());
            if (!f) {
                break;
            }
            if (f.value().h.type == yamux::frame_type::ping && f.value().h.has(yamux::flag::ack)) {
                EXPECT_EQ(f.value().h.id, 0u);
                want.erase(f.value().h.length);
            }
        }
        EXPECT_TRUE(want.empty()) << want.size() << " pings unanswered";
        EXPECT_EQ(w.server.connection_count(), 1u);
        peer.s->abort();
        co_await expect_no_connections(w, "polite pings");
    }
    {
        // Flood: 20000 pings without reading a single pong. The host may answer, but its queue is
        // bounded: beyond max_control_frames it closes the connection.
        auto p = co_await raw_yamux_peer(w);
        EXPECT_TRUE(p);
        if (!p) {
            co_return;
        }
        auto& peer = p.value();
        constexpr std::uint32_t flood = 20000;
        byte_buffer out;
        for (std::uint32_t i = 0; i < flood; ++i) {
            yamux::encode(hdr(yamux::frame_type::ping, yamux::flag::syn, 0, i), out);
        }
        auto wr = co_await engine::with_timeout(peer.s->write_all(out), 5s);
        (void)wr;
        auto o = co_await observe_until_closed(peer, 5s);
        EXPECT_TRUE(o.closed) << "ping flood: connection left open (" << o.pongs << " pongs)";
        EXPECT_LT(o.pongs, flood);
        if (o.go_away) {
            EXPECT_EQ(o.go_away_code, static_cast<std::uint32_t>(yamux::go_away_code::protocol_error));
        }
        peer.s->abort();
        co_await expect_no_connections(w, "a ping flood");
    }
    co_await expect_still_serving(w, "a ping flood");
}

TEST(hostile, yamux_ping_flood)
{
    world w(hostile_config());
    run(w, ping_flood(w));
}

task<void> unread_echoes(world& w)
{
    auto p = co_await raw_yamux_peer(w);
    EXPECT_TRUE(p);
    if (!p) {
        co_return;
    }
    auto& peer = p.value();
    auto filled = co_await fill_unread_ping_stream(peer);
    const auto total = filled.sent;
    EXPECT_EQ(filled.echoed, std::uint64_t{yamux::initial_stream_window}) << "the host's echo did not block";
    EXPECT_GE(total, std::uint64_t{yamux::initial_stream_window});
    EXPECT_LT(total, std::uint64_t{8} << 20) << "the host kept granting window to a peer that never reads";
    auto st = co_await server_mux_stats(w);
    EXPECT_TRUE(st.found);
    EXPECT_LE(st.buffered, std::size_t{w.server.config().yamux.max_stream_window});
    EXPECT_LE(st.buffered, total);
    EXPECT_LE(st.queued, w.server.config().yamux.max_send_buffer);
    EXPECT_LE(st.streams, 2u); // the ping stream and the host's identify stream
    EXPECT_EQ(w.server.connection_count(), 1u);
    peer.s->abort();
    co_await expect_no_connections(w, "a peer that never reads");
    co_await expect_still_serving(w, "a peer that never reads");
}

TEST(hostile, yamux_unread_data_stays_bounded)
{
    world w(hostile_config());
    run(w, unread_echoes(w));
}

// ---------------------------------------------------------------------------------------------
// 5. Slowloris: idle and dripping sockets, and the pending-handshake bound.

task<void> slowloris(world& w)
{
    const auto timeout = w.server.config().handshake_timeout;
    const auto slots = w.server.config().max_pending_handshakes;
    std::vector<transport::tcp::tcp_stream> idle;
    auto t0 = steady::now();
    for (std::size_t i = 0; i < slots; ++i) {
        auto s = co_await dial_raw(w);
        EXPECT_TRUE(s);
        if (s) {
            idle.push_back(std::move(s.value()));
        }
    }
    co_await engine::sleep_for(200ms); // all accepted and pending now
    {
        // Every slot is taken: one more socket is refused at once.
        auto t1 = steady::now();
        auto extra = co_await dial_raw(w);
        EXPECT_TRUE(extra);
        if (extra) {
            auto t = co_await time_to_close(extra.value(), 3s, t1);
            EXPECT_TRUE(t) << "a socket beyond max_pending_handshakes was not refused";
            if (t) {
                EXPECT_LT(*t, timeout / 2) << "refused only by the handshake timeout";
            }
        }
        // The honest peer is refused as well while the slots are held.
        std::vector<peer::multiaddr> addrs{w.server_addr};
        auto c = co_await w.honest.connect(std::move(addrs));
        EXPECT_FALSE(c) << "admitted beyond max_pending_handshakes";
        if (c) {
            c.value()->close();
            co_await wait_until(w, &honest_has_no_connections, 3s);
        }
    }
    // The idle sockets are dropped by the handshake timeout, not earlier, not much later.
    for (auto& s : idle) {
        auto t = co_await time_to_close(s, timeout + 3s, t0);
        EXPECT_TRUE(t) << "an idle socket outlived the handshake timeout";
        if (t) {
            EXPECT_GE(*t, timeout - 300ms);
            EXPECT_LT(*t, timeout + 2s);
        }
    }
    EXPECT_EQ(w.server.connection_count(), 0u);
    co_await expect_still_serving(w, "idle sockets timed out");

    // A drip of one valid header byte every 150 ms never completes the handshake: the timeout
    // is a deadline for the whole upgrade, not an idle timer.
    auto t2 = steady::now();
    auto drip = co_await dial_raw(w);
    EXPECT_TRUE(drip);
    if (!drip) {
        co_return;
    }
    byte_buffer header;
    EXPECT_TRUE(multistream::encode(multistream::protocol_id, header));
    byte_buffer noise_proposal;
    EXPECT_TRUE(multistream::encode(host::noise_protocol, noise_proposal));
    append(header, noise_proposal);
    std::optional<duration> closed_after;
    std::vector<std::byte> sink(4096);
    for (std::size_t i = 0; steady::now() - t2 < timeout + 3s; ++i) {
        if (i < header.size()) {
            auto wr = co_await drip.value().write_all(bytes_view(header).subspan(i, 1));
            if (!wr) {
                closed_after = steady::now() - t2;
                break;
            }
        }
        auto r = co_await engine::with_timeout(drip.value().read_some(sink), 150ms);
        if (!r && r.error() == make_error_code(pcp::errc::timed_out)) {
            continue;
        }
        if (!r || r.value() == 0) {
            closed_after = steady::now() - t2;
            break;
        }
    }
    EXPECT_TRUE(closed_after) << "a dripping socket outlived the handshake timeout";
    if (closed_after) {
        EXPECT_GE(*closed_after, timeout - 300ms);
        EXPECT_LT(*closed_after, timeout + 2s);
    }
    EXPECT_EQ(w.server.connection_count(), 0u);
    co_await expect_still_serving(w, "a dripping socket");
}

TEST(hostile, slowloris_and_pending_handshake_bound)
{
    auto cfg = hostile_config();
    cfg.handshake_timeout = 1s;
    world w(std::move(cfg));
    run(w, slowloris(w));
}

} // namespace
} // namespace pcp
