// SPDX-License-Identifier: MIT
// dnsaddr::resolve / resolve_all through the c-ares resolver against tests/tools/dns_server.py
// serving tests/transport/dns/test_zone.json (started by with_dns_servers.sh inside a fresh network
// namespace): the bootstrap-like tree with nested /dnsaddr and suffix matching, /dns4 /dns6 /dns,
// NXDOMAIN, offline, the lookup bound seen from the server's side, deadlines and cancellation.
// Refuses to run in the host's network namespace.
#include "p2p/dnsaddr/service.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "engine/errc.hpp"
#include "tests/p2p/dnsaddr/test_util.hpp"
#include "tests/transport/dns/dns_test_env.hpp"

namespace pcp::p2p::dnsaddr {
namespace {

using peer::multiaddr;
using namespace test;
using transport::dns::test::env;
using transport::dns::test::run_until_done;
namespace dns = transport::dns;

/// Lookups the main server has seen for names ending with `tail`. Every lookup starts with one UDP
/// query (the server never drops); a truncated answer adds a TCP query, not counted.
std::size_t queries_ending(const std::string& tail)
{
    std::size_t n = 0;
    for (const auto& q : transport::dns::test::logged_queries()) {
        if (q.proto == "udp" && q.name.size() >= tail.size() &&
            q.name.compare(q.name.size() - tail.size(), tail.size(), tail) == 0) {
            ++n;
        }
    }
    return n;
}

class DnsaddrService : public ::testing::Test {
protected:
    void SetUp() override { transport::dns::test::require_test_servers(); }

    std::unique_ptr<dns::resolver> make(const char* server_var, duration timeout = 1s, int tries = 2)
    {
        dns::resolver_config cfg;
        cfg.servers = {env(server_var)};
        cfg.timeout = timeout;
        cfg.tries = tries;
        auto r = dns::resolver::create(ctx.get_executor(), cfg);
        EXPECT_TRUE(r) << r.error().message();
        return r ? std::move(r).value() : nullptr;
    }

    template <class T>
    duration run(task<T> t, std::optional<T>& out)
    {
        return run_until_done(ctx, std::move(t), out);
    }

    result<std::vector<multiaddr>> resolve_one(dns::resolver& r, const multiaddr& a)
    {
        std::optional<result<std::vector<multiaddr>>> out;
        run(resolve(r, a), out);
        return out ? std::move(*out) : result<std::vector<multiaddr>>(make_error_code(dns::errc::cancelled));
    }

    asio::io_context ctx;
};

TEST_F(DnsaddrService, BootstrapEntryResolvesToItsPeerOnly)
{
    auto r = make("PCP_DNS_TEST_SERVER");
    auto got = resolve_one(*r, ma("/dnsaddr/bootstrap.example/p2p/" + id_a));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(texts(got.value()), (strings{"/ip4/192.0.2.10/tcp/4001/p2p/" + id_a, "/ip6/2001:db8::10/tcp/4001/p2p/" + id_a,
                                           "/ip4/192.0.2.10/udp/4001/quic-v1/p2p/" + id_a}));

    auto c = resolve_one(*r, ma("/dnsaddr/bootstrap.example/p2p/" + id_c)); // TXT split in two strings
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(texts(c.value()), strings{"/ip4/198.51.100.30/tcp/4001/p2p/" + id_c});

    auto d = resolve_one(*r, ma("/dnsaddr/bootstrap.example/p2p/" + id_d)); // a direct entry
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(texts(d.value()), strings{"/ip4/192.0.2.40/tcp/4001/p2p/" + id_d});

    auto e = resolve_one(*r, ma("/dnsaddr/bootstrap.example/p2p/" + id_e)); // a /dns4 entry
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_EQ(texts(e.value()), strings{"/ip4/192.0.2.50/tcp/4001/p2p/" + id_e});
}

TEST_F(DnsaddrService, WholeBootstrapTree)
{
    auto r = make("PCP_DNS_TEST_SERVER");
    auto got = resolve_one(*r, ma("/dnsaddr/bootstrap.example"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(texts(got.value()),
              (strings{"/ip4/192.0.2.40/tcp/4001/p2p/" + id_d, "/ip4/192.0.2.10/tcp/4001/p2p/" + id_a,
                       "/ip6/2001:db8::10/tcp/4001/p2p/" + id_a, "/ip4/192.0.2.10/udp/4001/quic-v1/p2p/" + id_a,
                       "/ip4/198.51.100.20/tcp/4001/p2p/" + id_b, "/ip6/2001:db8::20/tcp/4001/p2p/" + id_b,
                       "/ip4/198.51.100.30/tcp/4001/p2p/" + id_c, "/ip4/192.0.2.50/tcp/4001/p2p/" + id_e}));
}

TEST_F(DnsaddrService, DnsComponentsInPlace)
{
    auto r = make("PCP_DNS_TEST_SERVER");
    auto v4 = resolve_one(*r, ma("/dns4/host4.example/tcp/4001/p2p/" + id_a));
    ASSERT_TRUE(v4) << v4.error().message();
    EXPECT_EQ(texts(v4.value()), (strings{"/ip4/192.0.2.1/tcp/4001/p2p/" + id_a, "/ip4/192.0.2.2/tcp/4001/p2p/" + id_a}));
    auto v6 = resolve_one(*r, ma("/dns6/host6.example/udp/4001/quic-v1"));
    ASSERT_TRUE(v6) << v6.error().message();
    EXPECT_EQ(texts(v6.value()), strings{"/ip6/2001:db8::1/udp/4001/quic-v1"});
    auto both = resolve_one(*r, ma("/dns/dual.example/tcp/443/wss"));
    ASSERT_TRUE(both) << both.error().message();
    EXPECT_EQ(texts(both.value()), (strings{"/ip6/2001:db8::3/tcp/443/wss", "/ip4/192.0.2.3/tcp/443/wss"}));
    auto wrong_family = resolve_one(*r, ma("/dns6/host4.example/tcp/1"));
    ASSERT_FALSE(wrong_family);
    EXPECT_EQ(wrong_family.error(), dns::errc::not_found);
}

TEST_F(DnsaddrService, AddressWithoutDnsIsUnchangedWithoutALookup)
{
    auto r = make("PCP_DNS_TEST_DROP", 5s); // any lookup would hang for seconds
    std::optional<result<std::vector<multiaddr>>> out;
    const auto took = run(resolve(*r, ma("/ip4/192.0.2.1/tcp/4001/p2p/" + id_a)), out);
    ASSERT_TRUE(out && *out);
    EXPECT_EQ(texts(out->value()), strings{"/ip4/192.0.2.1/tcp/4001/p2p/" + id_a});
    EXPECT_LT(took, 500ms);
}

TEST_F(DnsaddrService, NxdomainNoMatchAndOffline)
{
    auto r = make("PCP_DNS_TEST_SERVER");
    auto nx = resolve_one(*r, ma("/dnsaddr/nx.example/p2p/" + id_a));
    ASSERT_FALSE(nx);
    EXPECT_EQ(nx.error(), dns::errc::not_found);
    auto nomatch = resolve_one(*r, ma("/dnsaddr/nomatch.example/p2p/" + id_a));
    ASSERT_FALSE(nomatch);
    EXPECT_EQ(nomatch.error(), errc::no_addresses);

    auto off = make("PCP_DNS_TEST_DROP", 300ms, 2);
    std::optional<result<std::vector<multiaddr>>> out;
    const auto took = run(resolve(*off, ma("/dnsaddr/bootstrap.example/p2p/" + id_a)), out);
    ASSERT_TRUE(out.has_value());
    ASSERT_FALSE(*out);
    EXPECT_EQ(out->error(), dns::errc::offline);
    EXPECT_NE(out->error().message().find("offline"), std::string::npos);
    EXPECT_LT(took, 3s);
}

TEST_F(DnsaddrService, BoundsSeenFromTheServer)
{
    auto r = make("PCP_DNS_TEST_SERVER");
    // 1 + 40 nested entries: exactly 32 lookups reach the server, 31 addresses come back.
    const auto before = queries_ending("wide.example");
    auto wide = resolve_one(*r, ma("/dnsaddr/wide.example"));
    ASSERT_TRUE(wide) << wide.error().message();
    EXPECT_EQ(wide.value().size(), 31u);
    EXPECT_EQ(queries_ending("wide.example") - before, 32u);

    // A chain of 6 nested names: 4 lookups, then too_deep.
    const auto deep_before = queries_ending("example");
    auto deep = resolve_one(*r, ma("/dnsaddr/deep1.example"));
    ASSERT_FALSE(deep);
    EXPECT_EQ(deep.error(), errc::too_deep);
    EXPECT_EQ(queries_ending("example") - deep_before, 4u);

    // A loop ends; each name is asked once.
    const auto loop_before = queries_ending("example");
    auto loop = resolve_one(*r, ma("/dnsaddr/loop.example"));
    ASSERT_TRUE(loop) << loop.error().message();
    EXPECT_EQ(texts(loop.value()), strings{"/ip4/192.0.2.80/tcp/1"});
    EXPECT_EQ(queries_ending("example") - loop_before, 2u);

    // 150 entries (over TCP): 100 kept.
    auto big = resolve_one(*r, ma("/dnsaddr/big.example/p2p/" + id_a));
    ASSERT_TRUE(big) << big.error().message();
    EXPECT_EQ(big.value().size(), 100u);
}

TEST_F(DnsaddrService, ResolveAllMergesAndReportsPerEntry)
{
    auto r = make("PCP_DNS_TEST_SERVER");
    std::vector<multiaddr> list{ma("/dnsaddr/bootstrap.example/p2p/" + id_a), ma("/dnsaddr/nx.example/p2p/" + id_b),
                                ma("/ip4/192.0.2.1/tcp/1"), ma("/dnsaddr/bootstrap.example/p2p/" + id_e),
                                ma("/ip4/192.0.2.1/tcp/1")};
    std::optional<resolved_list> out;
    run(resolve_all(*r, list, 5s), out);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(texts(out->addresses),
              (strings{"/ip4/192.0.2.10/tcp/4001/p2p/" + id_a, "/ip6/2001:db8::10/tcp/4001/p2p/" + id_a,
                       "/ip4/192.0.2.10/udp/4001/quic-v1/p2p/" + id_a, "/ip4/192.0.2.1/tcp/1",
                       "/ip4/192.0.2.50/tcp/4001/p2p/" + id_e}));
    ASSERT_EQ(out->failures.size(), 1u);
    EXPECT_EQ(out->failures[0].addr, list[1]);
    EXPECT_EQ(out->failures[0].error, dns::errc::not_found);
}

TEST_F(DnsaddrService, ResolveAllDeadline)
{
    auto r = make("PCP_DNS_TEST_DROP", 5s, 1); // nothing answers for 5 s
    std::vector<multiaddr> list{ma("/dnsaddr/bootstrap.example/p2p/" + id_a), ma("/dns4/host4.example/tcp/1"),
                                ma("/ip4/192.0.2.1/tcp/1")};
    std::optional<resolved_list> out;
    const auto took = run(resolve_all(*r, list, 300ms), out);
    ASSERT_TRUE(out.has_value());
    EXPECT_LT(took, 1500ms);
    EXPECT_EQ(texts(out->addresses), strings{"/ip4/192.0.2.1/tcp/1"});
    ASSERT_EQ(out->failures.size(), 2u);
    EXPECT_EQ(out->failures[0].error, pcp::errc::timed_out);
    EXPECT_EQ(out->failures[1].error, pcp::errc::timed_out);
}

TEST_F(DnsaddrService, ResolveAllTooManyEntries)
{
    auto r = make("PCP_DNS_TEST_SERVER");
    std::vector<multiaddr> list(max_list_size + 2, ma("/ip4/192.0.2.1/tcp/1"));
    std::optional<resolved_list> out;
    run(resolve_all(*r, list, 5s), out);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->addresses.size(), 1u);
    ASSERT_EQ(out->failures.size(), 2u);
    EXPECT_EQ(out->failures[0].error, errc::too_many_entries);
}

task<result<std::vector<multiaddr>>> resolve_or_timeout(dns::resolver* r, multiaddr a, duration d)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    auto race = resolve(*r, std::move(a)) || timer.async_wait(use_task);
    auto won = co_await std::move(race);
    if (won.index() == 0) {
        co_return std::move(std::get<0>(won));
    }
    co_return make_error_code(pcp::errc::timed_out);
}

TEST_F(DnsaddrService, CancelledResolveEndsPromptly)
{
    auto r = make("PCP_DNS_TEST_SLOW", 5s, 1); // answers after 2 s
    std::optional<result<std::vector<multiaddr>>> out;
    const auto took = run(resolve_or_timeout(r.get(), ma("/dnsaddr/bootstrap.example"), 200ms), out);
    ASSERT_TRUE(out.has_value());
    ASSERT_FALSE(*out);
    EXPECT_EQ(out->error(), pcp::errc::timed_out);
    EXPECT_LT(took, 1500ms);
    // Abandoned queries are still inside c-ares; destroying the resolver frees them (ASan).
    r.reset();
    ctx.restart();
    ctx.run_for(100ms);
}

} // namespace
} // namespace pcp::p2p::dnsaddr
