// SPDX-License-Identifier: MIT
// mDNS machine under a manual clock: responder answers (libp2p, pcp names, direct questions,
// legacy unicast), querier schedule, two machines discovering each other, dedup, own responses
// ignored, TTL expiry, goodbyes, bounds.
#include "p2p/mdns/machine.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::mdns {
namespace {

using peer::multiaddr;
using peer::peer_id;

const std::string id_a_text = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
const std::string id_b_text = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
const std::string name_a(40, 'a');
const std::string name_b(40, 'b');

peer_id id_a() { return peer_id::from_string(id_a_text).value(); }
peer_id id_b() { return peer_id::from_string(id_b_text).value(); }
multiaddr ma(std::string_view s) { return multiaddr::from_string(s).value(); }

peer_id nth_id(unsigned n)
{
    byte_buffer mh{std::byte{0x12}, std::byte{0x20}};
    mh.resize(34, std::byte{0});
    mh[2] = static_cast<std::byte>(n & 0xFF);
    mh[3] = static_cast<std::byte>(n >> 8);
    return peer_id::from_bytes(mh).value();
}

std::vector<message> drain(machine& m)
{
    std::vector<message> out;
    while (auto t = m.poll_transmit()) {
        auto d = decode(t->packet);
        EXPECT_TRUE(d);
        if (d) {
            out.push_back(std::move(d).value());
        }
    }
    return out;
}

byte_buffer query_packet(std::string name, std::uint16_t type = rr::ptr, std::uint16_t id = 0)
{
    message q;
    q.id = id;
    q.questions.push_back(question{std::move(name), type, class_in, false});
    return encode(q).value();
}

const record* find_rec(const std::vector<record>& v, std::uint16_t type)
{
    for (const auto& r : v) {
        if (r.type == type) {
            return &r;
        }
    }
    return nullptr;
}

TEST(MdnsMachine, NamesAndPeerName)
{
    EXPECT_EQ(pcp_service_name("ab-12").value(), "ab-12._pcp._udp.local");
    EXPECT_FALSE(pcp_service_name(""));
    EXPECT_FALSE(pcp_service_name("Ab"));
    EXPECT_FALSE(pcp_service_name("a.b"));
    EXPECT_FALSE(pcp_service_name(std::string(64, 'a')));
    EXPECT_TRUE(pcp_service_name(std::string(63, 'a')));
    byte_buffer e(10, std::byte{200});
    auto n = make_peer_name(e);
    EXPECT_EQ(n.size(), 32u);
    byte_buffer e2(100, std::byte{7});
    EXPECT_EQ(make_peer_name(e2).size(), 63u);
    for (char c : make_peer_name(e2)) {
        EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    }
    EXPECT_EQ(make_peer_name({}), std::string(32, '0'));
}

TEST(MdnsMachine, AdvertiseAnnouncesTwiceOneSecondApart)
{
    manual_clock clk;
    machine a(name_a);
    ASSERT_TRUE(a.advertise(std::string(libp2p_service), id_a(), {ma("/ip4/127.0.0.1/tcp/4001")}, clk.now()));
    EXPECT_EQ(a.poll_timeout(), clk.now());
    a.handle_timeout(clk.now());
    auto first = drain(a);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_TRUE(first[0].is_response());
    EXPECT_EQ(a.poll_timeout(), clk.now() + announce_interval);
    clk.advance(announce_interval);
    a.handle_timeout(clk.now());
    EXPECT_EQ(drain(a).size(), 1u);
    EXPECT_EQ(a.poll_timeout(), std::nullopt);
}

TEST(MdnsMachine, RespondsToLibp2pQueryLikeTheDigestSays)
{
    manual_clock clk;
    machine a(name_a);
    ASSERT_TRUE(a.advertise(std::string(libp2p_service), id_a(),
                            {ma("/ip4/127.0.0.1/tcp/4001"), ma("/ip6/::1/tcp/4002"), ma("/ip4/0.0.0.0/tcp/1"),
                             ma("/ip4/127.0.0.1/tcp/4001/ws"), ma("/ip4/127.0.0.1/tcp/4001/p2p/" + id_b_text + "/p2p-circuit")},
                            clk.now()));
    clk.advance(std::chrono::seconds(5)); // past the announcements' rate-limit window
    a.handle_packet(query_packet("_p2p._udp.local"), mdns_port, clk.now());
    auto out = drain(a);
    ASSERT_EQ(out.size(), 1u);
    const auto& r = out[0];
    EXPECT_EQ(r.flags, flag_response | flag_authoritative);
    EXPECT_TRUE(r.questions.empty());
    ASSERT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(r.answers[0].type, rr::ptr);
    EXPECT_EQ(r.answers[0].name, "_p2p._udp.local");
    EXPECT_EQ(r.answers[0].target, name_a + "._p2p._udp.local");
    EXPECT_EQ(r.answers[0].ttl, default_ttl);
    EXPECT_FALSE(r.answers[0].cache_flush);
    const record* txt = find_rec(r.additionals, rr::txt);
    ASSERT_NE(txt, nullptr);
    EXPECT_EQ(txt->name, name_a + "._p2p._udp.local");
    EXPECT_EQ(txt->txt, (std::vector<std::string>{"dnsaddr=/ip4/127.0.0.1/tcp/4001/p2p/" + id_a_text,
                                                  "dnsaddr=/ip6/::1/tcp/4002/p2p/" + id_a_text}));
    EXPECT_TRUE(txt->cache_flush);
    const record* srv = find_rec(r.additionals, rr::srv);
    ASSERT_NE(srv, nullptr);
    EXPECT_EQ(srv->target, name_a + ".local");
    EXPECT_EQ(srv->port, 4001);
    const record* a4 = find_rec(r.additionals, rr::a);
    ASSERT_NE(a4, nullptr);
    EXPECT_EQ(a4->name, name_a + ".local");
    EXPECT_EQ(a4->address[0], std::byte{127});
    EXPECT_NE(find_rec(r.additionals, rr::aaaa), nullptr);

    // Rate limit: the same question again within min_response_interval is not re-multicast.
    a.handle_packet(query_packet("_p2p._udp.local"), mdns_port, clk.now() + min_response_interval / 2);
    EXPECT_TRUE(drain(a).empty());
    a.handle_packet(query_packet("_p2p._udp.local"), mdns_port, clk.now() + min_response_interval);
    EXPECT_EQ(drain(a).size(), 1u);

    // Direct questions: TXT / SRV for the instance, A for the host; others ignored.
    clk.advance(std::chrono::seconds(1));
    a.handle_packet(query_packet(name_a + "._p2p._udp.local", rr::txt), mdns_port, clk.now());
    auto t = drain(a);
    ASSERT_EQ(t.size(), 1u);
    ASSERT_EQ(t[0].answers.size(), 1u);
    EXPECT_EQ(t[0].answers[0].type, rr::txt);
    a.handle_packet(query_packet(name_a + ".local", rr::a), mdns_port, clk.now());
    auto h = drain(a);
    ASSERT_EQ(h.size(), 1u);
    ASSERT_EQ(h[0].answers.size(), 1u);
    EXPECT_EQ(h[0].answers[0].type, rr::a);
    a.handle_packet(query_packet("_other._udp.local"), mdns_port, clk.now());
    a.handle_packet(query_packet("_p2p._udp.local", rr::a), mdns_port, clk.now());
    EXPECT_TRUE(drain(a).empty());
    EXPECT_EQ(a.stats().queries_answered, 4u);
}

TEST(MdnsMachine, PcpNameAndCaseInsensitiveQuestions)
{
    manual_clock clk;
    machine a(name_a);
    auto svc = pcp_service_name("k2mf7q").value();
    ASSERT_TRUE(a.advertise(svc, id_a(), {ma("/ip4/10.0.0.1/tcp/9")}, clk.now()));
    clk.advance(std::chrono::seconds(5));
    a.handle_packet(query_packet("K2MF7Q._PCP._udp.local"), mdns_port, clk.now());
    auto out = drain(a);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].answers[0].target, name_a + ".k2mf7q._pcp._udp.local");
    EXPECT_EQ(find_rec(out[0].additionals, rr::txt)->txt[0], "dnsaddr=/ip4/10.0.0.1/tcp/9/p2p/" + id_a_text);
    // The libp2p name is not answered unless advertised too.
    a.handle_packet(query_packet("_p2p._udp.local"), mdns_port, clk.now());
    EXPECT_TRUE(drain(a).empty());
}

TEST(MdnsMachine, LegacyUnicastQueryGetsUnicastReply)
{
    manual_clock clk;
    machine a(name_a);
    ASSERT_TRUE(a.advertise(std::string(libp2p_service), id_a(), {ma("/ip4/127.0.0.1/tcp/4001")}, clk.now()));
    a.handle_timeout(clk.now());
    (void)drain(a);
    a.handle_packet(query_packet("_p2p._udp.local", rr::ptr, 0x1234), 40000, clk.now());
    auto t = a.poll_transmit();
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->to_source);
    auto m = decode(t->packet).value();
    EXPECT_EQ(m.id, 0x1234);
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(m.answers[0].ttl, legacy_unicast_ttl);
    EXPECT_FALSE(find_rec(m.additionals, rr::txt)->cache_flush);
}

TEST(MdnsMachine, KnownAnswerSuppression)
{
    manual_clock clk;
    machine a(name_a);
    ASSERT_TRUE(a.advertise(std::string(libp2p_service), id_a(), {ma("/ip4/127.0.0.1/tcp/4001")}, clk.now()));
    clk.advance(std::chrono::seconds(5));
    message q;
    q.questions.push_back(question{"_p2p._udp.local", rr::ptr, class_in, false});
    q.answers.push_back(make_ptr("_p2p._udp.local", name_a + "._p2p._udp.local", default_ttl));
    a.handle_packet(encode(q).value(), mdns_port, clk.now());
    EXPECT_TRUE(drain(a).empty());
    q.answers[0].ttl = default_ttl / 2 - 1; // stale known answer: answer anyway
    a.handle_packet(encode(q).value(), mdns_port, clk.now());
    EXPECT_EQ(drain(a).size(), 1u);
}

TEST(MdnsMachine, QuerySchedule)
{
    manual_clock clk;
    const instant t0 = clk.now();
    machine b(name_b);
    ASSERT_TRUE(b.start_query(std::string(libp2p_service), clk.now()));
    std::vector<duration> sent;
    for (int i = 0; i < 9; ++i) {
        auto t = b.poll_timeout();
        ASSERT_TRUE(t);
        clk.set(*t);
        b.handle_timeout(clk.now());
        auto out = drain(b);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_FALSE(out[0].is_response());
        ASSERT_EQ(out[0].questions.size(), 1u);
        EXPECT_EQ(out[0].questions[0].name, "_p2p._udp.local");
        EXPECT_EQ(out[0].questions[0].type, rr::ptr);
        sent.push_back(clk.now() - t0);
    }
    using ms = std::chrono::milliseconds;
    EXPECT_EQ(sent, (std::vector<duration>{ms(0), ms(250), ms(1000), ms(3000), ms(7000), ms(15000), ms(25000), ms(35000),
                                           ms(45000)}));
    // Two users: the query stops when both left.
    ASSERT_TRUE(b.start_query(std::string(libp2p_service), clk.now()));
    b.stop_query(libp2p_service);
    EXPECT_TRUE(b.poll_timeout());
    b.stop_query(libp2p_service);
    EXPECT_FALSE(b.poll_timeout());
}

// Deliver every packet each machine sends to both machines (multicast loop), until quiet.
void exchange(machine& a, machine& b, instant now)
{
    for (int round = 0; round < 16; ++round) {
        std::vector<byte_buffer> pkts;
        for (machine* m : {&a, &b}) {
            while (auto t = m->poll_transmit()) {
                pkts.push_back(std::move(t->packet));
            }
        }
        if (pkts.empty()) {
            return;
        }
        for (const auto& p : pkts) {
            a.handle_packet(p, mdns_port, now);
            b.handle_packet(p, mdns_port, now);
        }
    }
}

TEST(MdnsMachine, TwoMachinesDiscoverDedupExpireAndSayGoodbye)
{
    manual_clock clk;
    machine a(name_a);
    machine b(name_b);
    auto svc = pcp_service_name("word").value();
    ASSERT_TRUE(a.advertise(svc, id_a(), {ma("/ip4/10.0.0.1/tcp/4001"), ma("/ip4/127.0.0.1/tcp/4001")}, clk.now()));
    ASSERT_TRUE(b.start_query(svc, clk.now()));
    // b's querier also hears a response about itself if it advertised: make b advertise too.
    ASSERT_TRUE(b.advertise(svc, id_b(), {ma("/ip4/10.0.0.2/tcp/4001")}, clk.now()));
    ASSERT_TRUE(a.start_query(svc, clk.now()));
    a.handle_timeout(clk.now());
    b.handle_timeout(clk.now());
    exchange(a, b, clk.now());

    auto found = b.peers(svc);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].id, id_a());
    EXPECT_EQ(found[0].service, svc);
    EXPECT_EQ(found[0].addrs, (std::vector<multiaddr>{ma("/ip4/10.0.0.1/tcp/4001/p2p/" + id_a_text),
                                                      ma("/ip4/127.0.0.1/tcp/4001/p2p/" + id_a_text)}));
    auto ev = b.poll_event();
    ASSERT_TRUE(ev);
    EXPECT_EQ(*ev, found[0]);
    EXPECT_FALSE(b.poll_event()); // deduplicated: several identical responses, one event
    EXPECT_GT(b.stats().own_ignored, 0u);
    ASSERT_EQ(a.peers(svc).size(), 1u);
    EXPECT_EQ(a.peers(svc)[0].id, id_b());

    // Retransmissions keep the cache fresh without new events.
    clk.advance(std::chrono::milliseconds(250));
    a.handle_timeout(clk.now());
    b.handle_timeout(clk.now());
    exchange(a, b, clk.now());
    EXPECT_FALSE(b.poll_event());

    // Without further traffic the entry expires after the TTL.
    b.stop_query(svc);
    a.stop_query(svc);
    clk.advance(std::chrono::seconds(default_ttl) + std::chrono::seconds(1));
    b.handle_timeout(clk.now());
    EXPECT_TRUE(b.peers(svc).empty());

    // Goodbye: a query refreshes, then a's goodbye removes it at once.
    ASSERT_TRUE(b.start_query(svc, clk.now()));
    b.handle_timeout(clk.now());
    a.handle_timeout(clk.now());
    exchange(a, b, clk.now());
    ASSERT_EQ(b.peers(svc).size(), 1u);
    a.goodbye_all();
    exchange(a, b, clk.now());
    EXPECT_TRUE(b.peers(svc).empty());
}

TEST(MdnsMachine, ParsesJsStyleResponsesAndIgnoresBadOnes)
{
    manual_clock clk;
    machine b(name_b);
    ASSERT_TRUE(b.start_query(std::string(libp2p_service), clk.now()));
    message r;
    r.flags = flag_response | flag_authoritative;
    const std::string inst = std::string(63, 'j') + "._p2p._udp.local";
    r.answers.push_back(make_ptr("_p2p._udp.local", inst, 120));
    r.answers.push_back(make_txt(inst, {"dnsaddr=/ip4/127.0.0.1/tcp/5/p2p/" + id_a_text}, 120));
    r.answers.push_back(make_txt(inst, {"dnsaddr=/ip4/10.1.2.3/tcp/5/p2p/" + id_a_text, "other=1", "dnsaddr=garbage"}, 120));
    auto pkt = encode(r).value();
    b.handle_packet(pkt, 12345, clk.now()); // not from port 5353: ignored
    EXPECT_TRUE(b.peers(libp2p_service).empty());
    b.handle_packet(pkt, mdns_port, clk.now());
    auto p = b.peers(libp2p_service);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].addrs.size(), 2u);
    // Garbage counted, not fatal.
    byte_buffer junk{std::byte{1}, std::byte{2}, std::byte{3}};
    b.handle_packet(junk, mdns_port, clk.now());
    EXPECT_EQ(b.stats().malformed_in, 1u);
    // Responses for names we are not querying are ignored.
    machine c(name_a);
    c.handle_packet(pkt, mdns_port, clk.now());
    EXPECT_TRUE(c.peers(libp2p_service).empty());
}

TEST(MdnsMachine, Bounds)
{
    manual_clock clk;
    machine b(name_b);
    ASSERT_TRUE(b.start_query(std::string(libp2p_service), clk.now()));
    for (unsigned i = 0; i < max_cached_peers + 1; ++i) {
        message r;
        r.flags = flag_response;
        const std::string inst = "peer" + std::to_string(i) + "._p2p._udp.local";
        r.answers.push_back(make_ptr("_p2p._udp.local", inst, 120));
        r.additionals.push_back(make_txt(inst, {"dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/" + nth_id(i).to_string()}, 120));
        b.handle_packet(encode(r).value(), mdns_port, clk.now());
    }
    EXPECT_EQ(b.peers(libp2p_service).size(), max_cached_peers);
    EXPECT_EQ(b.stats().dropped, 1u);
    std::size_t events = 0;
    while (b.poll_event()) {
        ++events;
    }
    EXPECT_EQ(events, max_pending_events);

    for (std::size_t i = 1; i < max_active_queries; ++i) {
        ASSERT_TRUE(b.start_query("q" + std::to_string(i) + ".local", clk.now()));
    }
    EXPECT_EQ(b.start_query("one-more.local", clk.now()).error(), make_error_code(errc::limit_exceeded));
    EXPECT_FALSE(b.start_query("bad..name", clk.now()));

    machine a(name_a);
    for (std::size_t i = 0; i < max_advertised_names; ++i) {
        ASSERT_TRUE(a.advertise(pcp_service_name("n" + std::to_string(i)).value(), id_a(), {}, clk.now()));
    }
    EXPECT_EQ(a.advertise("x._pcp._udp.local", id_a(), {}, clk.now()).error(), make_error_code(errc::limit_exceeded));
    machine bad("Not A Label");
    EXPECT_EQ(bad.advertise(std::string(libp2p_service), id_a(), {}, clk.now()).error(), make_error_code(errc::bad_label));

    // At most max_advertised_addrs TXT strings, each ≤ 255 bytes.
    machine m(name_a);
    std::vector<multiaddr> many;
    for (int i = 0; i < 40; ++i) {
        many.push_back(ma("/ip4/10.0.0." + std::to_string(i + 1) + "/tcp/1"));
    }
    many.insert(many.begin(), ma("/dns4/" + std::string(200, 'h') + "/tcp/1"));
    ASSERT_TRUE(m.advertise(std::string(libp2p_service), id_a(), many, clk.now()));
    m.handle_timeout(clk.now());
    auto out = drain(m);
    ASSERT_FALSE(out.empty());
    const record* txt = find_rec(out[0].additionals, rr::txt);
    ASSERT_NE(txt, nullptr);
    EXPECT_EQ(txt->txt.size(), max_advertised_addrs);
    EXPECT_EQ(txt->txt[0], "dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/" + id_a_text);
}

} // namespace
} // namespace pcp::p2p::mdns
