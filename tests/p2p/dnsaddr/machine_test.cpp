// SPDX-License-Identifier: MIT
// dnsaddr::resolution driven by scripted answers: a bootstrap-like tree with suffix matching, /dns4
// /dns6 /dns in place, malformed and foreign TXT strings, failures, duplicates, loops, and every
// bound (depth, lookups, addresses, TXT strings) at N and N+1. No sockets.
#include "p2p/dnsaddr/machine.hpp"

#include <gtest/gtest.h>

#include <map>

#include "tests/p2p/dnsaddr/test_util.hpp"

namespace pcp::p2p::dnsaddr {
namespace {

using peer::multiaddr;
using namespace test;

ip_address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
{
    ip_address ip;
    ip.bytes[0] = std::byte{a};
    ip.bytes[1] = std::byte{b};
    ip.bytes[2] = std::byte{c};
    ip.bytes[3] = std::byte{d};
    return ip;
}

ip_address v6_doc(std::uint8_t last)
{
    ip_address ip;
    ip.v6 = true;
    ip.bytes[0] = std::byte{0x20};
    ip.bytes[1] = std::byte{0x01};
    ip.bytes[2] = std::byte{0x0d};
    ip.bytes[3] = std::byte{0xb8};
    ip.bytes[15] = std::byte{last};
    return ip;
}

/// A scripted DNS: answers every lookup the machine emits, in waves, and records them.
struct fake_dns {
    std::map<std::string, strings> txt;
    std::map<std::string, std::vector<ip_address>> ips;
    std::vector<lookup> made;

    void answer(resolution& m, const lookup& lk)
    {
        made.push_back(lk);
        if (lk.type == query_type::txt) {
            auto it = txt.find(lk.name);
            if (it == txt.end()) {
                m.handle_failure(lk.id, make_error_code(boost::system::errc::no_such_file_or_directory));
            } else {
                m.handle_txt(lk.id, it->second);
            }
            return;
        }
        auto it = ips.find(lk.name);
        if (it == ips.end()) {
            m.handle_failure(lk.id, make_error_code(boost::system::errc::no_such_file_or_directory));
        } else {
            m.handle_addresses(lk.id, it->second);
        }
    }

    void run(resolution& m)
    {
        for (int wave = 0; wave < 100 && !m.done(); ++wave) {
            std::vector<lookup> ready;
            while (auto lk = m.poll_lookup()) {
                ready.push_back(*lk);
            }
            ASSERT_FALSE(ready.empty()) << "not done, but nothing to look up";
            for (const auto& lk : ready) {
                answer(m, lk);
            }
        }
        ASSERT_TRUE(m.done());
    }
};

fake_dns bootstrap_zone()
{
    fake_dns dns;
    dns.txt["_dnsaddr.bootstrap.example"] = {
        "dnsaddr=/dnsaddr/am6.bootstrap.example/p2p/" + id_a,
        "dnsaddr=/dnsaddr/ny5.bootstrap.example/p2p/" + id_b,
        "dnsaddr=/ip4/192.0.2.40/tcp/4001/p2p/" + id_c,
        "dnsaddr=/dns4/va1.bootstrap.example/tcp/4001/p2p/" + id_e,
        "v=spf1 -all",
        "dnsaddr=/ip4/not-an-ip/tcp/1",
    };
    dns.txt["_dnsaddr.am6.bootstrap.example"] = {
        "dnsaddr=/ip4/192.0.2.10/tcp/4001/p2p/" + id_a,
        "dnsaddr=/ip6/2001:db8::10/tcp/4001/p2p/" + id_a,
        "dnsaddr=/ip4/192.0.2.10/udp/4001/quic-v1/p2p/" + id_a,
        "dnsaddr=/ip4/192.0.2.99/tcp/4001/p2p/" + id_b, // another peer: filtered by suffix
    };
    dns.txt["_dnsaddr.ny5.bootstrap.example"] = {"dnsaddr=/ip4/198.51.100.20/tcp/4001/p2p/" + id_b};
    dns.ips["va1.bootstrap.example"] = {v4(192, 0, 2, 50), v6_doc(0x50)};
    return dns;
}

TEST(DnsaddrResolution, AddressWithoutDnsIsDoneAtOnce)
{
    resolution m(ma("/ip4/192.0.2.1/tcp/4001/p2p/" + id_a));
    EXPECT_TRUE(m.done());
    EXPECT_FALSE(m.poll_lookup());
    EXPECT_EQ(texts(m.addresses()), strings{"/ip4/192.0.2.1/tcp/4001/p2p/" + id_a});
    EXPECT_EQ(m.lookups(), 0u);
    EXPECT_FALSE(m.error());
}

TEST(DnsaddrResolution, BootstrapEntryFollowsOnlyItsPeer)
{
    auto dns = bootstrap_zone();
    resolution m(ma("/dnsaddr/bootstrap.example/p2p/" + id_a));
    auto first = m.poll_lookup();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, query_type::txt);
    EXPECT_EQ(first->name, "_dnsaddr.bootstrap.example");
    dns.answer(m, *first);
    dns.run(m);
    EXPECT_EQ(texts(m.addresses()), (strings{"/ip4/192.0.2.10/tcp/4001/p2p/" + id_a, "/ip6/2001:db8::10/tcp/4001/p2p/" + id_a,
                                             "/ip4/192.0.2.10/udp/4001/quic-v1/p2p/" + id_a}));
    ASSERT_EQ(dns.made.size(), 2u); // bootstrap, then am6 only
    EXPECT_EQ(dns.made[1].name, "_dnsaddr.am6.bootstrap.example");
    EXPECT_EQ(m.skipped_entries(), 1u); // the malformed one
    EXPECT_TRUE(m.failures().empty());
    EXPECT_FALSE(m.error());
}

TEST(DnsaddrResolution, WithoutSuffixEverythingIsFollowed)
{
    auto dns = bootstrap_zone();
    resolution m(ma("/dnsaddr/bootstrap.example"));
    dns.run(m);
    // Breadth first: the direct entry, then each nested answer in the order of the entries.
    EXPECT_EQ(texts(m.addresses()),
              (strings{"/ip4/192.0.2.40/tcp/4001/p2p/" + id_c, "/ip4/192.0.2.10/tcp/4001/p2p/" + id_a,
                       "/ip6/2001:db8::10/tcp/4001/p2p/" + id_a, "/ip4/192.0.2.10/udp/4001/quic-v1/p2p/" + id_a,
                       "/ip4/198.51.100.20/tcp/4001/p2p/" + id_b, "/ip4/192.0.2.50/tcp/4001/p2p/" + id_e}));
    EXPECT_EQ(dns.made.size(), 4u);
    EXPECT_EQ(m.lookups(), 4u);
}

TEST(DnsaddrResolution, NestedLookupsAreEmittedTogether)
{
    auto dns = bootstrap_zone();
    resolution m(ma("/dnsaddr/bootstrap.example"));
    auto first = m.poll_lookup();
    ASSERT_TRUE(first);
    EXPECT_FALSE(m.poll_lookup()); // nothing else until it is answered
    dns.answer(m, *first);
    std::vector<lookup> wave;
    while (auto lk = m.poll_lookup()) {
        wave.push_back(*lk);
    }
    ASSERT_EQ(wave.size(), 3u);
    EXPECT_EQ(m.in_flight(), 3u);
    EXPECT_EQ(wave[2].type, query_type::a);
    EXPECT_EQ(wave[2].name, "va1.bootstrap.example");
    // Answered out of order, and one twice: the second answer is ignored.
    dns.answer(m, wave[2]);
    dns.answer(m, wave[0]);
    dns.answer(m, wave[0]);
    EXPECT_FALSE(m.done());
    dns.answer(m, wave[1]);
    EXPECT_TRUE(m.done());
    EXPECT_EQ(m.addresses().size(), 6u);
    m.handle_txt(9999, {"dnsaddr=/ip4/1.1.1.1/tcp/1"}); // unknown id
    EXPECT_EQ(m.addresses().size(), 6u);
}

TEST(DnsaddrResolution, DnsFamiliesInPlace)
{
    fake_dns dns;
    dns.ips["h.example"] = {v4(192, 0, 2, 1), v6_doc(1), v4(192, 0, 2, 2)};
    {
        resolution m(ma("/dns4/h.example/tcp/443/wss/p2p/" + id_a));
        auto lk = m.poll_lookup();
        ASSERT_TRUE(lk);
        EXPECT_EQ(lk->type, query_type::a);
        dns.answer(m, *lk);
        EXPECT_EQ(texts(m.addresses()),
                  (strings{"/ip4/192.0.2.1/tcp/443/wss/p2p/" + id_a, "/ip4/192.0.2.2/tcp/443/wss/p2p/" + id_a}));
    }
    {
        resolution m(ma("/dns6/h.example/udp/1/quic-v1"));
        auto lk = m.poll_lookup();
        ASSERT_TRUE(lk);
        EXPECT_EQ(lk->type, query_type::aaaa);
        dns.answer(m, *lk);
        EXPECT_EQ(texts(m.addresses()), strings{"/ip6/2001:db8::1/udp/1/quic-v1"});
    }
    {
        resolution m(ma("/dns/h.example/tcp/1"));
        auto lk = m.poll_lookup();
        ASSERT_TRUE(lk);
        EXPECT_EQ(lk->type, query_type::a_aaaa);
        dns.answer(m, *lk);
        // IPv6 first.
        EXPECT_EQ(texts(m.addresses()), (strings{"/ip6/2001:db8::1/tcp/1", "/ip4/192.0.2.1/tcp/1", "/ip4/192.0.2.2/tcp/1"}));
    }
    {
        // A prefix is kept, and a second DNS component is resolved in a second step.
        dns.ips["r.example"] = {v4(198, 51, 100, 7)};
        resolution m(ma("/ip4/192.0.2.9/tcp/1/p2p/" + id_b + "/p2p-circuit/dns4/r.example/tcp/2/dns6/h.example/tcp/3"));
        dns.run(m);
        EXPECT_EQ(texts(m.addresses()),
                  strings{"/ip4/192.0.2.9/tcp/1/p2p/" + id_b + "/p2p-circuit/ip4/198.51.100.7/tcp/2/ip6/2001:db8::1/tcp/3"});
        EXPECT_EQ(m.lookups(), 2u);
    }
}

TEST(DnsaddrResolution, WrongFamilyOnlyIsNoAddresses)
{
    resolution m(ma("/dns4/h.example/tcp/1"));
    auto lk = m.poll_lookup();
    ASSERT_TRUE(lk);
    m.handle_addresses(lk->id, {v6_doc(1)});
    EXPECT_TRUE(m.done());
    EXPECT_TRUE(m.addresses().empty());
    EXPECT_EQ(m.error(), errc::no_addresses);
}

TEST(DnsaddrResolution, NoMatchingEntryIsNoAddresses)
{
    fake_dns dns;
    dns.txt["_dnsaddr.x.example"] = {"dnsaddr=/ip4/192.0.2.1/tcp/1/p2p/" + id_b, "other"};
    resolution m(ma("/dnsaddr/x.example/p2p/" + id_a));
    dns.run(m);
    EXPECT_TRUE(m.addresses().empty());
    EXPECT_EQ(m.error(), errc::no_addresses);
}

TEST(DnsaddrResolution, SuffixIsMoreThanThePeerId)
{
    fake_dns dns;
    dns.txt["_dnsaddr.x.example"] = {"dnsaddr=/ip4/192.0.2.1/tcp/4001/p2p/" + id_a, "dnsaddr=/ip4/192.0.2.1/udp/4001/quic-v1/p2p/" + id_a};
    resolution m(ma("/dnsaddr/x.example/udp/4001/quic-v1/p2p/" + id_a));
    dns.run(m);
    EXPECT_EQ(texts(m.addresses()), strings{"/ip4/192.0.2.1/udp/4001/quic-v1/p2p/" + id_a});
}

TEST(DnsaddrResolution, LookupFailureIsTheError)
{
    fake_dns dns; // knows nothing: every lookup fails
    resolution m(ma("/dnsaddr/gone.example/p2p/" + id_a));
    dns.run(m);
    EXPECT_TRUE(m.addresses().empty());
    ASSERT_EQ(m.failures().size(), 1u);
    EXPECT_EQ(m.failures()[0].addr, ma("/dnsaddr/gone.example/p2p/" + id_a));
    EXPECT_EQ(m.error(), boost::system::errc::no_such_file_or_directory);
}

TEST(DnsaddrResolution, PartialFailureKeepsWhatResolved)
{
    auto dns = bootstrap_zone();
    dns.txt.erase("_dnsaddr.ny5.bootstrap.example");
    resolution m(ma("/dnsaddr/bootstrap.example"));
    dns.run(m);
    EXPECT_EQ(m.addresses().size(), 5u);
    ASSERT_EQ(m.failures().size(), 1u);
    EXPECT_EQ(m.failures()[0].addr, ma("/dnsaddr/ny5.bootstrap.example/p2p/" + id_b));
    EXPECT_FALSE(m.error());
}

TEST(DnsaddrResolution, DuplicatesAndLoops)
{
    fake_dns dns;
    dns.txt["_dnsaddr.loop.example"] = {"dnsaddr=/dnsaddr/loop.example", "dnsaddr=/dnsaddr/loop2.example",
                                        "dnsaddr=/ip4/192.0.2.80/tcp/1", "dnsaddr=/ip4/192.0.2.80/tcp/1"};
    dns.txt["_dnsaddr.loop2.example"] = {"dnsaddr=/dnsaddr/loop.example", "dnsaddr=/ip4/192.0.2.80/tcp/1"};
    resolution m(ma("/dnsaddr/loop.example"));
    dns.run(m);
    EXPECT_EQ(texts(m.addresses()), strings{"/ip4/192.0.2.80/tcp/1"});
    EXPECT_EQ(m.lookups(), 2u); // each name once
    EXPECT_TRUE(m.failures().empty());
}

fake_dns chain(std::size_t links)
{
    // _dnsaddr.d1 → /dnsaddr/d2 → … → /dnsaddr/d<links> → /ip4
    fake_dns dns;
    for (std::size_t i = 1; i <= links; ++i) {
        dns.txt["_dnsaddr.d" + std::to_string(i) + ".example"] = {
            i < links ? "dnsaddr=/dnsaddr/d" + std::to_string(i + 1) + ".example" : "dnsaddr=/ip4/192.0.2.60/tcp/1"};
    }
    return dns;
}

TEST(DnsaddrResolution, DepthLimitAtNAndNPlusOne)
{
    limits lim;
    {
        auto dns = chain(lim.max_depth);
        resolution m(ma("/dnsaddr/d1.example"), lim);
        dns.run(m);
        EXPECT_EQ(texts(m.addresses()), strings{"/ip4/192.0.2.60/tcp/1"});
        EXPECT_EQ(m.lookups(), lim.max_depth);
    }
    {
        auto dns = chain(lim.max_depth + 1);
        resolution m(ma("/dnsaddr/d1.example"), lim);
        dns.run(m);
        EXPECT_TRUE(m.addresses().empty());
        EXPECT_EQ(m.lookups(), lim.max_depth);
        EXPECT_EQ(m.error(), errc::too_deep);
    }
}

fake_dns wide(std::size_t n)
{
    fake_dns dns;
    strings top;
    for (std::size_t i = 0; i < n; ++i) {
        const auto name = "w" + std::to_string(i) + ".wide.example";
        top.push_back("dnsaddr=/dnsaddr/" + name);
        dns.txt["_dnsaddr." + name] = {"dnsaddr=/ip4/198.51." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "/tcp/1"};
    }
    dns.txt["_dnsaddr.wide.example"] = top;
    return dns;
}

TEST(DnsaddrResolution, LookupLimitAtNAndNPlusOne)
{
    limits lim;
    {
        auto dns = wide(lim.max_lookups - 1); // 1 + 31 lookups
        resolution m(ma("/dnsaddr/wide.example"), lim);
        dns.run(m);
        EXPECT_EQ(m.lookups(), lim.max_lookups);
        EXPECT_EQ(m.addresses().size(), lim.max_lookups - 1);
        EXPECT_TRUE(m.failures().empty());
    }
    {
        auto dns = wide(lim.max_lookups);
        resolution m(ma("/dnsaddr/wide.example"), lim);
        dns.run(m);
        EXPECT_EQ(m.lookups(), lim.max_lookups);
        EXPECT_EQ(dns.made.size(), lim.max_lookups);
        EXPECT_EQ(m.addresses().size(), lim.max_lookups - 1);
        ASSERT_EQ(m.failures().size(), 1u);
        EXPECT_EQ(m.failures()[0].error, errc::too_many_lookups);
    }
}

fake_dns many_addresses(std::size_t n)
{
    fake_dns dns;
    strings entries;
    for (std::size_t i = 0; i < n; ++i) {
        entries.push_back("dnsaddr=/ip4/203.0.113." + std::to_string(i % 256) + "/tcp/" + std::to_string(1000 + i));
    }
    dns.txt["_dnsaddr.many.example"] = entries;
    return dns;
}

TEST(DnsaddrResolution, AddressLimitAtNAndNPlusOne)
{
    limits lim;
    {
        auto dns = many_addresses(lim.max_addresses);
        resolution m(ma("/dnsaddr/many.example"), lim);
        dns.run(m);
        EXPECT_EQ(m.addresses().size(), lim.max_addresses);
        EXPECT_TRUE(m.failures().empty());
    }
    {
        auto dns = many_addresses(lim.max_addresses + 1);
        resolution m(ma("/dnsaddr/many.example"), lim);
        dns.run(m);
        EXPECT_EQ(m.addresses().size(), lim.max_addresses);
        ASSERT_EQ(m.failures().size(), 1u);
        EXPECT_EQ(m.failures()[0].error, errc::too_many_addresses);
        EXPECT_FALSE(m.error()); // what fits is a result
    }
}

TEST(DnsaddrResolution, TxtRecordLimitAtNAndNPlusOne)
{
    limits lim;
    lim.max_addresses = 1000;
    {
        auto dns = many_addresses(lim.max_txt_records);
        resolution m(ma("/dnsaddr/many.example"), lim);
        dns.run(m);
        EXPECT_EQ(m.addresses().size(), lim.max_txt_records);
        EXPECT_EQ(m.skipped_entries(), 0u);
    }
    {
        auto dns = many_addresses(lim.max_txt_records + 1);
        resolution m(ma("/dnsaddr/many.example"), lim);
        dns.run(m);
        EXPECT_EQ(m.addresses().size(), lim.max_txt_records);
        EXPECT_EQ(m.skipped_entries(), 1u);
    }
}

TEST(DnsaddrResolution, NamesTooLongAreNotLookedUp)
{
    const std::string long_label_name = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                                        "." + std::string(63, 'd'); // 255 bytes
    resolution dns4(ma("/dns4/" + long_label_name + "/tcp/1"));
    EXPECT_FALSE(dns4.poll_lookup());
    EXPECT_TRUE(dns4.done());
    EXPECT_EQ(dns4.error(), errc::bad_name);

    const std::string at_limit(max_dns_name_size - txt_name_prefix.size(), 'a');
    resolution ok(ma("/dnsaddr/" + at_limit));
    auto lk = ok.poll_lookup();
    ASSERT_TRUE(lk);
    EXPECT_EQ(lk->name.size(), max_dns_name_size);
    resolution over(ma("/dnsaddr/" + at_limit + "a"));
    EXPECT_FALSE(over.poll_lookup());
    EXPECT_EQ(over.error(), errc::bad_name);
}

TEST(DnsaddrResolution, AbandonFailsWhatIsLeft)
{
    auto dns = bootstrap_zone();
    resolution m(ma("/dnsaddr/bootstrap.example"));
    auto first = m.poll_lookup();
    ASSERT_TRUE(first);
    dns.answer(m, *first);
    auto one = m.poll_lookup(); // in flight; two more stay pending
    ASSERT_TRUE(one);
    m.abandon(make_error_code(boost::system::errc::timed_out));
    EXPECT_TRUE(m.done());
    EXPECT_FALSE(m.poll_lookup());
    EXPECT_EQ(m.addresses().size(), 1u); // the direct entry
    EXPECT_EQ(m.failures().size(), 3u);
    dns.answer(m, *one); // too late: ignored
    EXPECT_EQ(m.addresses().size(), 1u);
}

} // namespace
} // namespace pcp::p2p::dnsaddr
