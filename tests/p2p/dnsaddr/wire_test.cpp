// SPDX-License-Identifier: MIT
// dnsaddr TXT entries, query names (limit at N and N+1), cutting at the first DNS component and
// suffix matching (DNSADDR.md, go-multiaddr-dns semantics).
#include "p2p/dnsaddr/wire.hpp"

#include <gtest/gtest.h>

#include "p2p/dnsaddr/errc.hpp"
#include "tests/p2p/dnsaddr/test_util.hpp"

namespace pcp::p2p::dnsaddr {
namespace {

using peer::multiaddr;
using namespace test;

TEST(DnsaddrEntry, ParsesDnsaddrStrings)
{
    auto e = parse_entry("dnsaddr=/ip4/192.0.2.1/tcp/4001/p2p/" + id_a);
    ASSERT_TRUE(e);
    ASSERT_TRUE(e.value().has_value());
    EXPECT_EQ(e.value()->to_string(), "/ip4/192.0.2.1/tcp/4001/p2p/" + id_a);

    auto nested = parse_entry("dnsaddr=/dnsaddr/sjc-1.bootstrap.libp2p.io/tcp/4001/ipfs/" + id_a);
    ASSERT_TRUE(nested);
    ASSERT_TRUE(nested.value().has_value());
    EXPECT_EQ(nested.value()->to_string(), "/dnsaddr/sjc-1.bootstrap.libp2p.io/tcp/4001/p2p/" + id_a);
}

TEST(DnsaddrEntry, OtherTxtRecordsAreNotEntries)
{
    for (std::string_view s : {"", "v=spf1 -all", "dnsaddr", "dnsaddr:/ip4/1.2.3.4", "DNSADDR=/ip4/1.2.3.4/tcp/1",
                               " dnsaddr=/ip4/1.2.3.4/tcp/1", "dnslink=/ipfs/bafy"}) {
        auto e = parse_entry(s);
        ASSERT_TRUE(e) << s;
        EXPECT_FALSE(e.value().has_value()) << s;
    }
}

TEST(DnsaddrEntry, MalformedEntriesAreErrors)
{
    for (std::string_view s : {"dnsaddr=", "dnsaddr=/", "dnsaddr=garbage", "dnsaddr=/ip4/not-an-ip/tcp/1",
                               "dnsaddr=/ip4/1.2.3.4/tcp/99999", "dnsaddr=/unknown/1", "dnsaddr= /ip4/1.2.3.4",
                               "dnsaddr=/p2p/notapeerid"}) {
        auto e = parse_entry(s);
        ASSERT_FALSE(e) << s;
        EXPECT_EQ(e.error(), errc::bad_entry) << s;
    }
}

TEST(DnsaddrName, PrefixAndLengthLimit)
{
    auto n = txt_query_name("bootstrap.libp2p.io");
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value(), "_dnsaddr.bootstrap.libp2p.io");
    // 9 + 244 = 253 bytes: the limit. One more is refused; a final dot does not count.
    const std::string at_limit(max_dns_name_size - txt_name_prefix.size(), 'a');
    ASSERT_TRUE(txt_query_name(at_limit));
    EXPECT_EQ(txt_query_name(at_limit).value().size(), max_dns_name_size);
    EXPECT_TRUE(txt_query_name(at_limit + "."));
    auto over = txt_query_name(at_limit + "a");
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error(), errc::bad_name);
    EXPECT_FALSE(txt_query_name(""));
    EXPECT_FALSE(txt_query_name("."));
}

TEST(DnsaddrSplit, FirstDnsComponent)
{
    auto s = split_at_dns(ma("/dnsaddr/bootstrap.libp2p.io/p2p/" + id_a));
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->prefix.empty());
    EXPECT_EQ(s->code, peer::proto::dnsaddr);
    EXPECT_EQ(s->name, "bootstrap.libp2p.io");
    EXPECT_EQ(s->suffix, ma("/p2p/" + id_a));

    auto d4 = split_at_dns(ma("/dns4/example.com/tcp/443/wss"));
    ASSERT_TRUE(d4);
    EXPECT_EQ(d4->code, peer::proto::dns4);
    EXPECT_EQ(d4->name, "example.com");
    EXPECT_EQ(d4->suffix, ma("/tcp/443/wss"));

    auto bare = split_at_dns(ma("/dns/example.com"));
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->code, peer::proto::dns);
    EXPECT_TRUE(bare->suffix.empty());

    // A relay address: the DNS component is in the middle; only the first one is cut.
    auto mid = split_at_dns(ma("/ip4/192.0.2.1/tcp/1/p2p/" + id_b + "/p2p-circuit/dns6/h.example/tcp/2/dns4/x.example"));
    ASSERT_TRUE(mid);
    EXPECT_EQ(mid->prefix, ma("/ip4/192.0.2.1/tcp/1/p2p/" + id_b + "/p2p-circuit"));
    EXPECT_EQ(mid->code, peer::proto::dns6);
    EXPECT_EQ(mid->name, "h.example");
    EXPECT_EQ(mid->suffix, ma("/tcp/2/dns4/x.example"));

    EXPECT_FALSE(split_at_dns(ma("/ip4/1.2.3.4/tcp/1/p2p/" + id_a)));
    EXPECT_FALSE(split_at_dns(multiaddr{}));
}

TEST(DnsaddrSplit, HasDns)
{
    EXPECT_TRUE(has_dns(ma("/dnsaddr/a.example")));
    EXPECT_TRUE(has_dns(ma("/ip4/1.2.3.4/tcp/1/p2p/" + id_a + "/p2p-circuit/dns/x.example")));
    EXPECT_FALSE(has_dns(ma("/ip6/::1/udp/1/quic-v1")));
    EXPECT_FALSE(has_dns(multiaddr{}));
    for (auto code : {peer::proto::dns, peer::proto::dns4, peer::proto::dns6, peer::proto::dnsaddr}) {
        EXPECT_TRUE(is_dns_code(code));
    }
    EXPECT_FALSE(is_dns_code(peer::proto::ip4));
    EXPECT_FALSE(is_dns_code(peer::proto::p2p));
}

TEST(DnsaddrSuffix, EndsWith)
{
    const auto addr = ma("/ip4/192.0.2.1/tcp/4001/p2p/" + id_a);
    EXPECT_TRUE(ends_with(addr, ma("/p2p/" + id_a)));
    EXPECT_TRUE(ends_with(addr, ma("/p2p/" + id_a_cid))); // same peer, other text form
    EXPECT_TRUE(ends_with(addr, ma("/tcp/4001/p2p/" + id_a)));
    EXPECT_TRUE(ends_with(addr, addr));
    EXPECT_TRUE(ends_with(addr, multiaddr{}));
    EXPECT_FALSE(ends_with(addr, ma("/p2p/" + id_b)));
    EXPECT_FALSE(ends_with(addr, ma("/tcp/4001")));                  // not at the end
    EXPECT_FALSE(ends_with(addr, ma("/tcp/4002/p2p/" + id_a)));      // another value
    EXPECT_FALSE(ends_with(addr, ma("/ip4/192.0.2.1/tcp/4001/p2p/" + id_a + "/p2p-circuit"))); // longer
    EXPECT_FALSE(ends_with(ma("/ip4/192.0.2.1/tcp/4001"), ma("/p2p/" + id_a)));
    EXPECT_FALSE(ends_with(multiaddr{}, ma("/p2p/" + id_a)));
}

} // namespace
} // namespace pcp::p2p::dnsaddr
