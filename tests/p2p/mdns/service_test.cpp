// SPDX-License-Identifier: MIT
// Two mdns_service instances in one process, inside a fresh network namespace (ctest runs this
// binary through `tests/netns/netns.sh unshare --`, which sets lo multicast and the multicast
// routes): each finds the other's advertised name; find() timeout; stop() is prompt.
// Refuses to run in the host's network namespace (it binds UDP 5353 and multicasts).
#include "p2p/mdns/service.hpp"

#include "engine/cancel.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

namespace pcp::p2p::mdns {
namespace {

using peer::multiaddr;
using peer::peer_id;

const std::string id_a_text = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
const std::string id_b_text = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";

bool in_host_namespace()
{
    std::error_code e1;
    std::error_code e2;
    auto self = std::filesystem::read_symlink("/proc/self/ns/net", e1);
    auto init = std::filesystem::read_symlink("/proc/1/ns/net", e2);
    return !e1 && !e2 && self == init;
}

class MdnsService : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (const char* l = std::getenv("PCP_LOG")) {
            spdlog::set_level(spdlog::level::from_str(l));
        }
        ASSERT_FALSE(in_host_namespace()) << "run me through tests/netns/netns.sh unshare -- (never in the host namespace)";
    }
    asio::io_context ctx;
};

struct find_result {
    result<std::vector<found_peer>> peers = std::vector<found_peer>{};
    duration took{};
    bool done = false;
};

task<void> run_service(mdns_service* s) { co_await s->run(); }

task<void> do_find(mdns_service* s, std::string name, duration timeout, find_result* out)
{
    const auto t0 = steady::now();
    out->peers = co_await s->find(std::move(name), timeout);
    out->took = steady::now() - t0;
    out->done = true;
}

task<void> find_then_stop(mdns_service* s, std::string name, duration timeout, find_result* out,
                          std::vector<mdns_service*> stop)
{
    co_await do_find(s, std::move(name), timeout, out);
    for (auto* x : stop) {
        x->stop();
    }
}

task<void> stop_after(mdns_service* s, duration d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    auto [ec] = co_await t.async_wait(use_task);
    (void)ec;
    s->stop();
}

double ms(duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

TEST_F(MdnsService, TwoInstancesFindEachOtherQuickly)
{
    auto a = mdns_service::open(ctx.get_executor());
    ASSERT_TRUE(a) << a.error().message();
    auto b = mdns_service::open(ctx.get_executor());
    ASSERT_TRUE(b) << b.error().message();
    for (const auto& i : a.value()->interfaces()) {
        std::printf("mdns interface %s index %u%s%s\n", i.name.c_str(), i.index, i.v4 ? " ipv4" : "", i.v6 ? " ipv6" : "");
    }
    const auto svc = pcp_service_name("mdnstest").value();
    const auto ida = peer_id::from_string(id_a_text).value();
    const auto idb = peer_id::from_string(id_b_text).value();
    ASSERT_TRUE(a.value()->advertise(svc, ida, {multiaddr::from_string("/ip4/127.0.0.1/tcp/4001").value()}));
    ASSERT_TRUE(a.value()->advertise(std::string(libp2p_service), ida, {multiaddr::from_string("/ip4/0.0.0.0/tcp/4001").value()}));
    ASSERT_TRUE(b.value()->advertise(std::string(libp2p_service), idb, {multiaddr::from_string("/ip4/127.0.0.1/tcp/4002").value()}));

    find_result fb;
    find_result fa;
    asio::co_spawn(ctx, run_service(a.value().get()), asio::detached);
    asio::co_spawn(ctx, run_service(b.value().get()), asio::detached);
    asio::co_spawn(ctx, do_find(a.value().get(), std::string(libp2p_service), std::chrono::seconds(5), &fa), asio::detached);
    asio::co_spawn(ctx,
                   find_then_stop(b.value().get(), svc, std::chrono::seconds(5), &fb, {}),
                   asio::detached);
    while (!(fa.done && fb.done) && ctx.run_one_for(std::chrono::seconds(6)) > 0) {
    }
    ASSERT_TRUE(fb.done && fa.done);
    ASSERT_TRUE(fb.peers) << fb.peers.error().message();
    ASSERT_EQ(fb.peers.value().size(), 1u);
    EXPECT_EQ(fb.peers.value()[0].id, ida);
    EXPECT_EQ(fb.peers.value()[0].addrs,
              std::vector<multiaddr>{multiaddr::from_string("/ip4/127.0.0.1/tcp/4001/p2p/" + id_a_text).value()});
    std::printf("mdns: b found a's pcp name in %.1f ms\n", ms(fb.took));
    EXPECT_LT(fb.took, std::chrono::milliseconds(1000));

    ASSERT_TRUE(fa.peers);
    ASSERT_EQ(fa.peers.value().size(), 1u) << "a must find b, and not itself";
    EXPECT_EQ(fa.peers.value()[0].id, idb);
    std::printf("mdns: a found b on %s in %.1f ms\n", std::string(libp2p_service).c_str(), ms(fa.took));
    EXPECT_LT(fa.took, std::chrono::milliseconds(1000));

    // b now also knows a on the libp2p name with the 0.0.0.0 address expanded to the interface's.
    find_result fb2;
    asio::co_spawn(ctx, do_find(b.value().get(), std::string(libp2p_service), std::chrono::seconds(5), &fb2), asio::detached);
    while (!fb2.done && ctx.run_one_for(std::chrono::seconds(6)) > 0) {
    }
    ASSERT_TRUE(fb2.done && fb2.peers);
    ASSERT_EQ(fb2.peers.value().size(), 1u);
    EXPECT_EQ(fb2.peers.value()[0].addrs[0].to_string(), "/ip4/127.0.0.1/tcp/4001/p2p/" + id_a_text);
    std::printf("mdns: second find took %.1f ms\n", ms(fb2.took));

    // A querier that starts after the advertiser has settled (announcements over): the first
    // query is answered.
    ctx.run_for(std::chrono::milliseconds(1200));
    auto c = mdns_service::open(ctx.get_executor());
    ASSERT_TRUE(c) << c.error().message();
    find_result fc;
    asio::co_spawn(ctx, run_service(c.value().get()), asio::detached);
    asio::co_spawn(ctx, do_find(c.value().get(), svc, std::chrono::seconds(5), &fc), asio::detached);
    while (!fc.done && ctx.run_one_for(std::chrono::seconds(6)) > 0) {
    }
    ASSERT_TRUE(fc.done && fc.peers);
    ASSERT_EQ(fc.peers.value().size(), 1u);
    EXPECT_EQ(fc.peers.value()[0].id, ida);
    std::printf("mdns: a fresh querier found a's pcp name in %.1f ms\n", ms(fc.took));
    EXPECT_LT(fc.took, std::chrono::milliseconds(1000));

    // Stop all: run() returns promptly.
    const auto t0 = steady::now();
    a.value()->stop();
    b.value()->stop();
    c.value()->stop();
    ctx.run_for(std::chrono::seconds(3));
    EXPECT_TRUE(ctx.stopped()) << "run() did not return after stop()";
    std::printf("mdns: stop took %.1f ms\n", ms(steady::now() - t0));
    EXPECT_LT(steady::now() - t0, std::chrono::seconds(1));
}

TEST_F(MdnsService, FindTimesOutAndStopIsPrompt)
{
    auto a = mdns_service::open(ctx.get_executor());
    ASSERT_TRUE(a) << a.error().message();
    find_result f1;
    find_result f2;
    asio::co_spawn(ctx, run_service(a.value().get()), asio::detached);
    asio::co_spawn(ctx, do_find(a.value().get(), "nobody._pcp._udp.local", std::chrono::milliseconds(300), &f1), asio::detached);
    while (!f1.done && ctx.run_one_for(std::chrono::seconds(3)) > 0) {
    }
    ASSERT_TRUE(f1.done);
    ASSERT_TRUE(f1.peers);
    EXPECT_TRUE(f1.peers.value().empty());
    EXPECT_GE(f1.took, std::chrono::milliseconds(300));
    EXPECT_LT(f1.took, std::chrono::milliseconds(800));

    // A long find is cut short by stop().
    asio::co_spawn(ctx, do_find(a.value().get(), "nobody._pcp._udp.local", std::chrono::seconds(30), &f2), asio::detached);
    asio::co_spawn(ctx, stop_after(a.value().get(), std::chrono::milliseconds(100)), asio::detached);
    ctx.run_for(std::chrono::seconds(3));
    EXPECT_TRUE(ctx.stopped());
    ASSERT_TRUE(f2.done);
    EXPECT_FALSE(f2.peers);
    EXPECT_LT(f2.took, std::chrono::milliseconds(600));
    // After stop, find fails at once.
    asio::io_context ctx2;
    find_result f3;
    asio::co_spawn(ctx2, do_find(a.value().get(), "x.local", std::chrono::seconds(5), &f3), asio::detached);
    ctx2.run_for(std::chrono::seconds(1));
    ASSERT_TRUE(f3.done);
    EXPECT_FALSE(f3.peers);
}

task<void> run_raced(mdns_service* s, duration d, bool* done)
{
    auto race = s->run() || engine::sleep_for(d);
    auto r = co_await std::move(race);
    (void)r;
    *done = true;
}

TEST_F(MdnsService, RunEndsWhenCancelledByARace)
{
    auto a = mdns_service::open(ctx.get_executor());
    ASSERT_TRUE(a) << a.error().message();
    ASSERT_TRUE(a.value()->advertise(std::string(libp2p_service), peer_id::from_string(id_a_text).value(),
                                     {multiaddr::from_string("/ip4/127.0.0.1/tcp/1").value()}));
    bool done = false;
    const auto t0 = steady::now();
    asio::co_spawn(ctx, run_raced(a.value().get(), std::chrono::milliseconds(200), &done), asio::detached);
    ctx.run_for(std::chrono::seconds(3));
    EXPECT_TRUE(done);
    EXPECT_TRUE(ctx.stopped()) << "work left behind after run() was cancelled";
    EXPECT_LT(steady::now() - t0, std::chrono::seconds(1));
    a.value()->stop();
}

TEST_F(MdnsService, ChoosesLoopbackOnlyWhenAlone)
{
    auto ifs = choose_interfaces({});
    ASSERT_FALSE(ifs.empty());
    bool has_lo = false;
    for (const auto& i : ifs) {
        has_lo = has_lo || i.name == "lo";
    }
    EXPECT_TRUE(has_lo) << "lo must be chosen in a lo-only namespace";
    service_options none;
    none.interfaces = {"does-not-exist"};
    EXPECT_TRUE(choose_interfaces(none).empty());
    asio::io_context c;
    EXPECT_FALSE(mdns_service::open(c.get_executor(), none));
}

} // namespace
} // namespace pcp::p2p::mdns
