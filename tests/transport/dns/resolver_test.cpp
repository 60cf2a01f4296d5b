// SPDX-License-Identifier: MIT
// transport::dns::resolver against tests/tools/dns_server.py (started by with_dns_servers.sh inside
// a fresh network namespace; addresses in PCP_DNS_TEST_*): TXT joining, TCP fallback for large
// answers, A/AAAA by family, NXDOMAIN/NODATA, offline (dropped, refused, SERVFAIL), server
// failover, cancellation by a lost race, by cancel() and by destroying the resolver.
// Refuses to run in the host's network namespace.
#include "transport/dns/resolver.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <functional>
#include <optional>

#include "tests/transport/dns/dns_test_env.hpp"

namespace pcp::transport::dns {
namespace {

using namespace test;

/// Queries for `name` over `proto` ("udp" or "tcp") in the main server's log.
std::size_t queries_for(const std::string& proto, const std::string& name)
{
    std::size_t n = 0;
    for (const auto& q : logged_queries()) {
        n += q.proto == proto && q.name == name ? 1 : 0;
    }
    return n;
}

class Resolver : public ::testing::Test {
protected:
    void SetUp() override { require_test_servers(); }

    std::unique_ptr<resolver> make(std::vector<std::string> servers, duration timeout = 1s, int tries = 2)
    {
        resolver_config cfg;
        cfg.servers = std::move(servers);
        cfg.timeout = timeout;
        cfg.tries = tries;
        auto r = resolver::create(ctx.get_executor(), cfg);
        EXPECT_TRUE(r) << r.error().message();
        return r ? std::move(r).value() : nullptr;
    }

    /// Run `t` on the context until it finishes (at most 20 s).
    template <class T>
    T run(task<T> t)
    {
        std::optional<T> out;
        run_until_done(ctx, std::move(t), out);
        return out ? std::move(*out) : T(make_error_code(errc::cancelled));
    }

    asio::io_context ctx;
    const std::string main_server = env("PCP_DNS_TEST_SERVER");
};

using strings = std::vector<std::string>;

TEST_F(Resolver, TxtRecordsAreJoinedPerRecord)
{
    auto r = make({main_server});
    auto got = run(r->txt("txt.example"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got.value(), (strings{"hello", "multipart", std::string(300, 'x')}));
}

TEST_F(Resolver, TxtOfBootstrapZone)
{
    auto r = make({main_server});
    auto got = run(r->txt("_dnsaddr.bootstrap.example."));
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_EQ(got.value().size(), 7u);
    EXPECT_EQ(got.value()[5], "v=spf1 -all");
}

TEST_F(Resolver, LargeAnswerFallsBackToTcp)
{
    auto r = make({main_server});
    const auto udp = queries_for("udp", "_dnsaddr.big.example");
    const auto tcp = queries_for("tcp", "_dnsaddr.big.example");
    auto got = run(r->txt("_dnsaddr.big.example"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got.value().size(), 150u);
    // One UDP query answered with TC, then the same query over TCP.
    EXPECT_EQ(queries_for("udp", "_dnsaddr.big.example") - udp, 1u);
    EXPECT_EQ(queries_for("tcp", "_dnsaddr.big.example") - tcp, 1u);
}

TEST_F(Resolver, AddressesByFamily)
{
    auto r = make({main_server});
    auto v4 = run(r->addresses("host4.example", AF_INET));
    ASSERT_TRUE(v4) << v4.error().message();
    EXPECT_EQ(v4.value(), (std::vector<asio::ip::address>{asio::ip::make_address("192.0.2.1"),
                                                          asio::ip::make_address("192.0.2.2")}));
    auto v6 = run(r->addresses("host6.example", AF_INET6));
    ASSERT_TRUE(v6) << v6.error().message();
    EXPECT_EQ(v6.value(), std::vector<asio::ip::address>{asio::ip::make_address("2001:db8::1")});
    auto both = run(r->addresses("dual.example", AF_UNSPEC));
    ASSERT_TRUE(both) << both.error().message();
    ASSERT_EQ(both.value().size(), 2u);
    EXPECT_NE(std::find(both.value().begin(), both.value().end(), asio::ip::make_address("192.0.2.3")), both.value().end());
    EXPECT_NE(std::find(both.value().begin(), both.value().end(), asio::ip::make_address("2001:db8::3")), both.value().end());
    auto none = run(r->addresses("host4.example", AF_INET6));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), errc::not_found);
}

TEST_F(Resolver, NumericHostNeedsNoQuery)
{
    auto r = make({env("PCP_DNS_TEST_DROP")}, 5s);
    const auto t0 = steady::now();
    auto got = run(r->addresses("192.0.2.77", AF_INET));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got.value(), std::vector<asio::ip::address>{asio::ip::make_address("192.0.2.77")});
    EXPECT_LT(steady::now() - t0, 1s);
}

TEST_F(Resolver, NxdomainAndNodataAreNotFound)
{
    auto r = make({main_server});
    auto nx = run(r->txt("nx.example"));
    ASSERT_FALSE(nx);
    EXPECT_EQ(nx.error(), errc::not_found);
    auto nx_addr = run(r->addresses("nx.example", AF_UNSPEC));
    ASSERT_FALSE(nx_addr);
    EXPECT_EQ(nx_addr.error(), errc::not_found);
    auto nodata = run(r->txt("notxt.example"));
    ASSERT_FALSE(nodata);
    EXPECT_EQ(nodata.error(), errc::not_found);
}

TEST_F(Resolver, DroppedQueriesAreOfflineWithinTheBound)
{
    // One server, 300 ms, 2 tries: c-ares waits 300 ms, then 600 ms.
    auto r = make({env("PCP_DNS_TEST_DROP")}, 300ms, 2);
    const auto t0 = steady::now();
    auto got = run(r->txt("_dnsaddr.bootstrap.example"));
    const auto took = steady::now() - t0;
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), errc::offline);
    EXPECT_NE(got.error().message().find("network looks offline"), std::string::npos) << got.error().message();
    EXPECT_GE(took, 800ms);
    EXPECT_LT(took, 3s);
    auto addr = run(r->addresses("host4.example", AF_UNSPEC));
    ASSERT_FALSE(addr);
    EXPECT_EQ(addr.error(), errc::offline);
}

TEST_F(Resolver, RefusedConnectionIsOffline)
{
    // A port nobody listens on (taken and released): ICMP port unreachable → ECONNREFUSED.
    asio::ip::udp::socket probe(ctx, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = probe.local_endpoint().port();
    probe.close();
    auto r = make({"127.0.0.1:" + std::to_string(port)}, 2s, 2);
    const auto t0 = steady::now();
    auto got = run(r->txt("_dnsaddr.bootstrap.example"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), errc::offline);
    EXPECT_LT(steady::now() - t0, 5s);
}

TEST_F(Resolver, ServfailIsOffline)
{
    auto r = make({env("PCP_DNS_TEST_SERVFAIL")});
    auto got = run(r->txt("_dnsaddr.bootstrap.example"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), errc::offline);
}

TEST_F(Resolver, NextServerAnswersWhenTheFirstDrops)
{
    auto r = make({env("PCP_DNS_TEST_DROP"), main_server}, 300ms, 2);
    auto got = run(r->txt("txt.example"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got.value().size(), 3u);
}

TEST_F(Resolver, Ipv6Server)
{
    const auto s6 = env("PCP_DNS_TEST_SERVER6");
    if (s6.empty()) {
        GTEST_SKIP() << "no ::1 in this namespace";
    }
    auto r = make({s6});
    auto got = run(r->txt("txt.example"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got.value().size(), 3u);
}

task<result<std::vector<std::string>>> txt_or_timeout(resolver* r, std::string name, duration d)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    auto race = r->txt(std::move(name)) || timer.async_wait(use_task);
    auto won = co_await std::move(race);
    if (won.index() == 0) {
        co_return std::move(std::get<0>(won));
    }
    co_return make_error_code(pcp::errc::timed_out);
}

TEST_F(Resolver, LostRaceCancelsTheWaitAndTheResolverStaysUsable)
{
    auto r = make({env("PCP_DNS_TEST_SLOW")}, 5s, 1);
    const auto t0 = steady::now();
    auto got = run(txt_or_timeout(r.get(), "txt.example", 100ms));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), pcp::errc::timed_out);
    EXPECT_LT(steady::now() - t0, 1500ms);
    // The abandoned query is still in c-ares; a new one is answered (after the server's delay).
    auto again = run(r->txt("txt.example"));
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(again.value().size(), 3u);
}

/// Call `f` after `d` (f is a plain function object; the coroutine itself captures nothing).
task<void> after(duration d, std::function<void()> f)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    co_await timer.async_wait(use_task);
    f();
}

TEST_F(Resolver, CancelEndsEveryPendingLookup)
{
    auto r = make({env("PCP_DNS_TEST_SLOW")}, 5s, 1);
    std::optional<result<std::vector<std::string>>> a;
    std::optional<result<std::vector<std::string>>> b;
    std::optional<result<std::vector<asio::ip::address>>> c;
    asio::co_spawn(ctx, store(r->txt("txt.example"), &a), asio::detached);
    asio::co_spawn(ctx, store(r->txt("_dnsaddr.bootstrap.example"), &b), asio::detached);
    asio::co_spawn(ctx, store(r->addresses("dual.example", AF_UNSPEC), &c), asio::detached);
    std::function<void()> cancel = [p = r.get()] { p->cancel(); };
    asio::co_spawn(ctx, after(200ms, cancel), asio::detached);
    const auto t0 = steady::now();
    ctx.run_for(10s);
    EXPECT_LT(steady::now() - t0, 1500ms);
    ASSERT_TRUE(a && b && c);
    ASSERT_FALSE(*a);
    ASSERT_FALSE(*b);
    ASSERT_FALSE(*c);
    EXPECT_EQ(a->error(), errc::cancelled);
    EXPECT_EQ(b->error(), errc::cancelled);
    EXPECT_EQ(c->error(), errc::cancelled);
}

TEST_F(Resolver, DestroyingTheResolverCancelsPendingLookups)
{
    auto r = make({env("PCP_DNS_TEST_SLOW")}, 5s, 1);
    std::optional<result<std::vector<std::string>>> a;
    asio::co_spawn(ctx, store(r->txt("txt.example"), &a), asio::detached);
    std::function<void()> destroy = [&r] { r.reset(); };
    asio::co_spawn(ctx, after(200ms, destroy), asio::detached);
    const auto t0 = steady::now();
    ctx.run_for(10s);
    EXPECT_LT(steady::now() - t0, 1500ms);
    EXPECT_EQ(r, nullptr);
    ASSERT_TRUE(a.has_value());
    ASSERT_FALSE(*a);
    EXPECT_EQ(a->error(), errc::cancelled);
}

TEST_F(Resolver, ManyConcurrentLookups)
{
    auto r = make({main_server});
    constexpr int n = 40;
    std::vector<std::optional<result<std::vector<std::string>>>> out(n);
    for (int i = 0; i < n; ++i) {
        asio::co_spawn(ctx, store(r->txt("_dnsaddr.w" + std::to_string(i) + ".wide.example"), &out[i]), asio::detached);
    }
    ctx.run_for(20s);
    for (int i = 0; i < n; ++i) {
        ASSERT_TRUE(out[i].has_value()) << i;
        ASSERT_TRUE(*out[i]) << i << ": " << out[i]->error().message();
        EXPECT_EQ(out[i]->value(), strings{"dnsaddr=/ip4/198.51.100." + std::to_string(i + 100) + "/tcp/1"});
    }
}

TEST_F(Resolver, BadNames)
{
    auto r = make({main_server});
    auto empty = run(r->txt(""));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error(), errc::bad_name);
    auto long_name = run(r->txt(std::string(254, 'a')));
    ASSERT_FALSE(long_name);
    EXPECT_EQ(long_name.error(), errc::bad_name);
    auto family = run(r->addresses("host4.example", AF_UNIX));
    ASSERT_FALSE(family);
    EXPECT_EQ(family.error(), errc::bad_config);
}

TEST_F(Resolver, ServerStrings)
{
    for (const char* bad : {"", "host.example", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:x", "[::1",
                            "[::1]x", "[1.2.3.4]:53", "::1:53:x", "fe80::1%lo"}) {
        resolver_config cfg;
        cfg.servers = {bad};
        auto r = resolver::create(ctx.get_executor(), cfg);
        ASSERT_FALSE(r) << "accepted '" << bad << "'";
        EXPECT_EQ(r.error(), errc::bad_config) << bad;
    }
    for (const char* good : {"127.0.0.1", "127.0.0.1:53", "::1", "[::1]", "[::1]:5353", "2001:db8::1"}) {
        resolver_config cfg;
        cfg.servers = {good};
        auto r = resolver::create(ctx.get_executor(), cfg);
        EXPECT_TRUE(r) << "refused '" << good << "'";
    }
    resolver_config zero_tries;
    zero_tries.tries = 0;
    EXPECT_FALSE(resolver::create(ctx.get_executor(), zero_tries));
    resolver_config too_many;
    too_many.servers.assign(max_servers + 1, "127.0.0.1");
    EXPECT_FALSE(resolver::create(ctx.get_executor(), too_many));
}

} // namespace
} // namespace pcp::transport::dns
