// SPDX-License-Identifier: MIT
// Two hosts in one process over loopback TCP on a real two-core engine: connect, identify both
// ways, ping, and many concurrent yamux streams moving data with checksums.
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "p2p/host/host.hpp"
#include "p2p/ping/service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace pcp {
namespace {

using namespace p2p;

[[maybe_unused]] const bool log_level_set = [] {
    if (const char* l = std::getenv("PCP_LOG")) {
        spdlog::set_level(spdlog::level::from_str(l));
    }
    return true;
}();

constexpr std::string_view echo_protocol = "/pcp-test/echo/1.0.0";

task<void> echo_handler_impl(std::unique_ptr<transport::stream> s)
{
    std::vector<std::byte> buf(64 * 1024);
    for (;;) {
        auto n = co_await s->read_some(buf);
        if (!n || n.value() == 0) {
            break;
        }
        if (!co_await s->write_all(bytes_view(buf.data(), n.value()))) {
            co_return;
        }
    }
    auto c = co_await s->close_write();
    (void)c;
}

task<void> echo_handler(std::shared_ptr<host::connection>, std::unique_ptr<transport::stream> s)
{
    return echo_handler_impl(std::move(s));
}

host::host_config loopback_config()
{
    host::host_config cfg;
    cfg.listen.push_back(peer::multiaddr::from_string("/ip4/127.0.0.1/tcp/0").value());
    return cfg;
}

std::uint64_t fnv(bytes_view b, std::uint64_t h = 1469598103934665603ull)
{
    for (auto x : b) {
        h = (h ^ std::to_integer<std::uint64_t>(x)) * 1099511628211ull;
    }
    return h;
}

task<result<void>> write_pattern(transport::stream& s, std::size_t n, std::uint64_t seed)
{
    std::vector<std::byte> buf(32 * 1024);
    std::size_t sent = 0;
    while (sent < n) {
        std::size_t len = std::min(buf.size(), n - sent);
        for (std::size_t i = 0; i < len; ++i) {
            buf[i] = static_cast<std::byte>((sent + i) * 31 + seed);
        }
        PCP_CO_TRY(co_await s.write_all(bytes_view(buf.data(), len)));
        sent += len;
    }
    PCP_CO_TRY(co_await s.close_write());
    co_return ok();
}

task<result<std::uint64_t>> read_hash(transport::stream& s)
{
    std::vector<std::byte> buf(64 * 1024);
    std::uint64_t h = 1469598103934665603ull;
    std::size_t total = 0;
    for (;;) {
        PCP_CO_TRY(auto n, co_await s.read_some(buf));
        if (n == 0) {
            break;
        }
        h = fnv(bytes_view(buf.data(), n), h);
        total += n;
    }
    co_return h ^ total;
}

std::uint64_t expected_hash(std::size_t n, std::uint64_t seed)
{
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t i = 0; i < n; ++i) {
        std::byte b = static_cast<std::byte>(i * 31 + seed);
        h = fnv(bytes_view(&b, 1), h);
    }
    return h ^ n;
}

struct scenario {
    std::string error;
    bool identified = false;
    std::vector<std::string> remote_protocols;
    std::string observed;
    int pongs = 0;
    std::atomic<int> streams_ok{0};
};

task<void> one_echo_stream(std::shared_ptr<host::connection> c, std::size_t bytes, std::uint64_t seed, scenario& sc)
{
    std::vector<std::string> protos{std::string(echo_protocol)};
    auto s = co_await c->open_stream(std::move(protos));
    if (!s) {
        sc.error = "open: " + s.error().message();
        co_return;
    }
    auto& st = *s.value().stream;
    auto both = write_pattern(st, bytes, seed) && read_hash(st);
    auto [w, h] = co_await std::move(both);
    if (!w || !h) {
        sc.error = "stream io: " + (!w ? w.error().message() : h.error().message());
        co_return;
    }
    if (h.value() == expected_hash(bytes, seed)) {
        ++sc.streams_ok;
    } else {
        sc.error = "checksum mismatch";
    }
}

task<void> drive(host::host& dialer, peer::multiaddr target, scenario& sc, engine::core_pool& pool, int streams,
                 std::size_t bytes)
{
    std::vector<peer::multiaddr> addrs{target};
    auto c = co_await dialer.connect(std::move(addrs));
    if (!c) {
        sc.error = "connect: " + c.error().message();
        pool.stop();
        co_return;
    }
    auto conn = c.value();
    spdlog::debug("test: connected");
    auto id = co_await conn->remote_identify(std::chrono::seconds(5));
    spdlog::debug("test: identify {}", id ? "ok" : id.error().message());
    if (id) {
        sc.identified = true;
        sc.remote_protocols = id.value().protocols;
        if (id.value().observed_addr) {
            auto m = peer::multiaddr::from_bytes(*id.value().observed_addr);
            sc.observed = m ? m.value().to_string() : "";
        }
    }
    std::vector<std::string> ping_protos{std::string(ping::protocol_id)};
    auto ps = co_await conn->open_stream(std::move(ping_protos));
    spdlog::debug("test: ping stream {}", ps ? "ok" : ps.error().message());
    if (ps) {
        auto r = co_await ping::request(*ps.value().stream, 3);
        sc.pongs = r ? static_cast<int>(r.value().size()) : 0;
    }
    // Many concurrent streams, each echoing `bytes` with a checksum.
    auto ex = co_await asio::this_coro::executor;
    std::vector<decltype(asio::co_spawn(ex, one_echo_stream(conn, bytes, 0, sc), asio::deferred))> ops;
    for (int i = 0; i < streams; ++i) {
        ops.push_back(asio::co_spawn(ex, one_echo_stream(conn, bytes, static_cast<std::uint64_t>(i), sc), asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(ops));
    co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    conn->close();
    co_await engine::sleep_for(std::chrono::milliseconds(50));
    pool.stop();
}

TEST(host, two_hosts_identify_ping_and_stream_in_parallel)
{
    engine::core_pool pool({.cores = 2});
    host::host server(pool, peer::ed25519_keypair::generate(), loopback_config());
    server.handle(std::string(echo_protocol), &echo_handler);
    ASSERT_TRUE(server.start());
    host::host client(pool, peer::ed25519_keypair::generate(), {});
    auto addrs = server.listen_addrs();
    ASSERT_EQ(addrs.size(), 1u);
    auto target = addrs[0].with_peer(server.id()).value();
    scenario sc;
    int streams = std::getenv("PCP_TEST_STREAMS") ? std::atoi(std::getenv("PCP_TEST_STREAMS")) : 16;
    std::size_t bytes = std::getenv("PCP_TEST_BYTES") ? std::strtoul(std::getenv("PCP_TEST_BYTES"), nullptr, 10) : (2u << 20);
    asio::co_spawn(pool.executor(0), drive(client, target, sc, pool, streams, bytes), asio::detached);
    pool.run();
    pool.join();
    EXPECT_TRUE(sc.error.empty()) << sc.error;
    EXPECT_TRUE(sc.identified);
    EXPECT_NE(std::find(sc.remote_protocols.begin(), sc.remote_protocols.end(), std::string(echo_protocol)),
              sc.remote_protocols.end());
    EXPECT_EQ(sc.observed.rfind("/ip4/127.0.0.1/tcp/", 0), 0u) << sc.observed;
    EXPECT_EQ(sc.pongs, 3);
    EXPECT_EQ(sc.streams_ok.load(), streams);
}

task<void> dial_wrong_peer(host::host& dialer, peer::multiaddr target, scenario& sc, engine::core_pool& pool)
{
    std::vector<peer::multiaddr> addrs{target};
    auto c = co_await dialer.connect(std::move(addrs));
    sc.error = c ? "connected to the wrong peer" : c.error().message();
    pool.stop();
}

TEST(host, dial_refuses_a_peer_that_is_not_the_one_in_the_address)
{
    engine::core_pool pool({.cores = 1});
    host::host server(pool, peer::ed25519_keypair::generate(), loopback_config());
    ASSERT_TRUE(server.start());
    host::host client(pool, peer::ed25519_keypair::generate(), {});
    auto other = peer::ed25519_keypair::generate();
    auto target = server.listen_addrs()[0].with_peer(other.id()).value();
    scenario sc;
    asio::co_spawn(pool.executor(0), dial_wrong_peer(client, target, sc, pool), asio::detached);
    pool.run();
    EXPECT_NE(sc.error, "connected to the wrong peer");
    EXPECT_FALSE(sc.error.empty());
}

} // namespace
} // namespace pcp

namespace pcp {
namespace {

struct dial_outcome {
    std::string error;
    bool same_connection = false;
    bool closed_when_idle = false;
    std::string connected_via;
};

task<void> dial_fallback_and_dedup(host::host& client, std::vector<peer::multiaddr> addrs, dial_outcome& out,
                                   engine::core_pool& pool)
{
    auto first = co_await client.connect(addrs);
    if (!first) {
        out.error = "first connect: " + first.error().message();
        pool.stop();
        co_return;
    }
    out.connected_via = first.value()->remote_addr().to_string();
    auto second = co_await client.connect(std::move(addrs));
    out.same_connection = second && second.value() == first.value();
    // The server closes idle connections (no streams) after its idle_timeout.
    for (int i = 0; i < 100 && !first.value()->closed(); ++i) {
        co_await engine::sleep_for(std::chrono::milliseconds(50));
    }
    out.closed_when_idle = first.value()->closed();
    pool.stop();
}

TEST(host, dial_falls_back_past_a_dead_address_reuses_the_connection_and_idle_close_works)
{
    engine::core_pool pool({.cores = 1});
    auto cfg = loopback_config();
    cfg.idle_timeout = std::chrono::milliseconds(300);
    host::host server(pool, peer::ed25519_keypair::generate(), cfg);
    ASSERT_TRUE(server.start());
    // A port with nothing listening: bind a listener, note its port, close it.
    std::uint16_t dead_port = 0;
    {
        auto l = transport::tcp::listener::open(pool.executor(0), {asio::ip::make_address("127.0.0.1"), 0});
        ASSERT_TRUE(l);
        dead_port = l.value().local_endpoint().port();
        l.value().close();
    }
    auto dead = peer::multiaddr::from_string("/ip4/127.0.0.1/tcp/" + std::to_string(dead_port)).value();
    auto good = server.listen_addrs()[0];
    host::host_config ccfg;
    ccfg.happy_eyeballs_delay = std::chrono::milliseconds(50);
    ccfg.idle_timeout = duration::zero();
    host::host client(pool, peer::ed25519_keypair::generate(), ccfg);
    std::vector<peer::multiaddr> addrs{dead.with_peer(server.id()).value(), good.with_peer(server.id()).value()};
    dial_outcome out;
    asio::co_spawn(pool.executor(0), dial_fallback_and_dedup(client, std::move(addrs), out, pool), asio::detached);
    pool.run();
    EXPECT_TRUE(out.error.empty()) << out.error;
    EXPECT_EQ(out.connected_via, good.to_string());
    EXPECT_TRUE(out.same_connection);
    EXPECT_TRUE(out.closed_when_idle);
}

} // namespace
} // namespace pcp
