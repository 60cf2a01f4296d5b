// SPDX-License-Identifier: MIT
// Server-mode request handling: who appears in closerPeers, provider storage rules (only the
// sender, only with addresses), values, PING, and the errors that make the glue reset a stream.
#include "p2p/kad/errc.hpp"
#include "p2p/kad/handler.hpp"
#include "p2p/peer/keys.hpp"
#include "tests/p2p/kad/kad_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace pcp::p2p::kad {
namespace {
using test::addr;
using test::make_peer;

const instant t0 = instant{} + std::chrono::hours(1);

struct server {
    config cfg;
    peer::peer_id self = make_peer(0);
    routing_table table{self, 20};
    provider_store providers{cfg};
    record_store records{cfg};
    std::set<peer::peer_id> no_addrs; ///< peers the lookup has no address for
    peer_lookup lookup;

    server()
    {
        for (std::uint64_t i = 1; i <= 200; ++i) {
            table.add(make_peer(i), t0);
        }
        lookup = [this](const peer::peer_id& p) {
            peer_info info;
            if (!no_addrs.count(p)) {
                info.addrs.push_back(addr("/ip4/10.1.0.1/tcp/4001"));
                info.connection = connection_type::connected;
            }
            return info;
        };
    }
    result<std::optional<message>> handle(const message& req, const peer::peer_id& from)
    {
        return handle_request(req, from, cfg, table, providers, records, lookup, t0);
    }
};

std::vector<peer::peer_id> ids(const std::vector<peer_info>& list)
{
    std::vector<peer::peer_id> out;
    for (const auto& p : list) {
        out.push_back(p.id);
    }
    return out;
}

TEST(kad_handler, find_node_returns_k_closest_without_requester_and_self)
{
    server s;
    s.no_addrs.insert(s.self); // we do not advertise ourselves
    auto target = make_peer(5000);
    auto from = s.table.closest(kad_key(target), 1).front(); // the requester is the closest one
    message req;
    req.type = message_type::find_node;
    req.key = target.bytes();
    auto r = s.handle(req, from);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r.value());
    const auto& resp = *r.value();
    EXPECT_EQ(resp.type, message_type::find_node);
    EXPECT_TRUE(resp.key.empty()) << "FIND_NODE replies do not echo the key";
    auto want = s.table.closest(kad_key(target), 21);
    want.erase(want.begin());
    // The target itself is appended (the lookup knows where it is), after the k closest.
    auto got = ids(resp.closer_peers);
    ASSERT_EQ(got.size(), 21u);
    EXPECT_EQ(std::vector<peer::peer_id>(got.begin(), got.end() - 1), want);
    EXPECT_EQ(got.back(), target);
    EXPECT_EQ(std::count(got.begin(), got.end(), from), 0);
    EXPECT_EQ(std::count(got.begin(), got.end(), s.self), 0);
    for (const auto& p : resp.closer_peers) {
        EXPECT_EQ(p.addrs.size(), 1u);
        EXPECT_EQ(p.connection, connection_type::connected);
    }
}

TEST(kad_handler, find_node_drops_peers_without_addresses)
{
    server s;
    auto target = kad_key(to_buffer("some key"));
    auto closest = s.table.closest(target, 20);
    s.no_addrs.insert(closest[0]);
    s.no_addrs.insert(closest[3]);
    message req;
    req.type = message_type::find_node;
    req.key = to_buffer("some key"); // not a peer ID: nothing appended
    auto r = s.handle(req, make_peer(9999));
    ASSERT_TRUE(r);
    auto got = ids(r.value()->closer_peers);
    EXPECT_EQ(got.size(), 20u) << "the next closest fill in";
    EXPECT_EQ(std::count(got.begin(), got.end(), closest[0]), 0);
    EXPECT_EQ(std::count(got.begin(), got.end(), closest[3]), 0);
}

TEST(kad_handler, find_node_for_requester_or_self)
{
    server s;
    message req;
    req.type = message_type::find_node;
    // The requester looking itself up (go's liveness check) gets a non-empty list without itself.
    auto from = make_peer(777);
    req.key = from.bytes();
    auto r = s.handle(req, from);
    ASSERT_TRUE(r);
    auto own = ids(r.value()->closer_peers);
    EXPECT_EQ(own.size(), 20u);
    EXPECT_EQ(std::count(own.begin(), own.end(), from), 0);
    // Looking us up: we are named when the lookup gives our addresses, never otherwise.
    req.key = s.self.bytes();
    auto named = s.handle(req, from);
    ASSERT_TRUE(named);
    EXPECT_EQ(ids(named.value()->closer_peers).back(), s.self);
    s.no_addrs.insert(s.self);
    auto unnamed = s.handle(req, from);
    ASSERT_TRUE(unnamed);
    auto list = ids(unnamed.value()->closer_peers);
    EXPECT_EQ(std::count(list.begin(), list.end(), s.self), 0);
    // Empty key: error.
    req.key.clear();
    EXPECT_EQ(s.handle(req, from).error(), errc::bad_key);
}

TEST(kad_handler, add_provider_stores_only_the_sender_with_addresses)
{
    server s;
    auto key = test::hex("1220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    auto from = make_peer(300);
    message add;
    add.type = message_type::add_provider;
    add.key = key;
    add.provider_peers.push_back(peer_info{make_peer(301), {addr("/ip4/1.1.1.1/tcp/1")}, {}}); // not the sender
    add.provider_peers.push_back(peer_info{from, {}, {}});                                     // no address
    auto r = s.handle(add, from);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.value().has_value()) << "ADD_PROVIDER has no reply";
    EXPECT_EQ(s.providers.size(), 0u);
    add.provider_peers.push_back(peer_info{from, {addr("/ip4/2.2.2.2/tcp/2")}, {}});
    ASSERT_TRUE(s.handle(add, from));
    ASSERT_EQ(s.providers.size(), 1u);

    message get;
    get.type = message_type::get_providers;
    get.key = key;
    auto g = s.handle(get, make_peer(400));
    ASSERT_TRUE(g);
    const auto& resp = *g.value();
    EXPECT_EQ(resp.type, message_type::get_providers);
    EXPECT_EQ(resp.key, key);
    ASSERT_EQ(resp.provider_peers.size(), 1u);
    EXPECT_EQ(resp.provider_peers[0].id, from);
    EXPECT_EQ(resp.provider_peers[0].addrs, std::vector<peer::multiaddr>{addr("/ip4/2.2.2.2/tcp/2")});
    EXPECT_EQ(resp.closer_peers.size(), 20u);
}

TEST(kad_handler, get_providers_fills_expired_addresses_from_the_lookup)
{
    server s;
    auto key = to_buffer("mh");
    auto prov = make_peer(300);
    ASSERT_TRUE(s.providers.add(key, peer_info{prov, {addr("/ip4/2.2.2.2/tcp/2")}, {}}, t0 - s.cfg.provider_addr_ttl));
    ASSERT_TRUE(s.providers.add(key, peer_info{make_peer(301), {addr("/ip4/3.3.3.3/tcp/3")}, {}},
                                t0 - s.cfg.provider_addr_ttl));
    s.no_addrs.insert(make_peer(301));
    message get;
    get.type = message_type::get_providers;
    get.key = key;
    auto g = s.handle(get, make_peer(400));
    ASSERT_TRUE(g);
    ASSERT_EQ(g.value()->provider_peers.size(), 1u) << "a provider nobody has addresses for is left out";
    EXPECT_EQ(g.value()->provider_peers[0].id, prov);
    EXPECT_EQ(g.value()->provider_peers[0].addrs, std::vector<peer::multiaddr>{addr("/ip4/10.1.0.1/tcp/4001")});
}

TEST(kad_handler, provider_key_bounds)
{
    server s;
    message get;
    get.type = message_type::get_providers;
    get.key = byte_buffer(s.cfg.max_provider_key_size, std::byte{1});
    EXPECT_TRUE(s.handle(get, make_peer(1)));
    get.key.push_back(std::byte{1});
    EXPECT_EQ(s.handle(get, make_peer(1)).error(), errc::bad_key);
    get.key.clear();
    EXPECT_EQ(s.handle(get, make_peer(1)).error(), errc::bad_key);
    get.type = message_type::add_provider;
    EXPECT_EQ(s.handle(get, make_peer(1)).error(), errc::bad_key);
}

TEST(kad_handler, put_and_get_value)
{
    server s;
    std::array<std::byte, 32> seed{};
    seed.fill(std::byte{7});
    auto kp = peer::ed25519_keypair::from_seed(seed);
    record rec;
    rec.key = to_buffer("/pk/");
    append(rec.key, kp.id().bytes());
    rec.value = kp.public_key().to_protobuf();
    message put;
    put.type = message_type::put_value;
    put.key = rec.key;
    put.rec = rec;
    auto p = s.handle(put, make_peer(1));
    ASSERT_TRUE(p);
    ASSERT_TRUE(p.value());
    EXPECT_EQ(*p.value(), put) << "PUT_VALUE is echoed";

    message get;
    get.type = message_type::get_value;
    get.key = rec.key;
    auto g = s.handle(get, make_peer(1));
    ASSERT_TRUE(g);
    EXPECT_EQ(g.value()->key, rec.key);
    ASSERT_TRUE(g.value()->rec);
    EXPECT_EQ(*g.value()->rec, rec);
    EXPECT_EQ(g.value()->closer_peers.size(), 20u);
    // Unknown key: no record, still closer peers.
    get.key = to_buffer("/pk/unknown");
    auto miss = s.handle(get, make_peer(1));
    ASSERT_TRUE(miss);
    EXPECT_FALSE(miss.value()->rec);
    EXPECT_EQ(miss.value()->closer_peers.size(), 20u);

    // Errors.
    auto mismatch = put;
    mismatch.key = to_buffer("/pk/other");
    EXPECT_EQ(s.handle(mismatch, make_peer(1)).error(), errc::bad_request);
    auto norec = put;
    norec.rec.reset();
    EXPECT_EQ(s.handle(norec, make_peer(1)).error(), errc::bad_request);
    auto ipns = put;
    ipns.key = to_buffer("/ipns/x");
    ipns.rec->key = ipns.key;
    EXPECT_EQ(s.handle(ipns, make_peer(1)).error(), errc::unsupported_namespace);
    get.key.clear();
    EXPECT_EQ(s.handle(get, make_peer(1)).error(), errc::bad_key);
}

TEST(kad_handler, ping_is_echoed_and_unknown_types_are_errors)
{
    server s;
    message ping;
    ping.type = message_type::ping;
    ping.cluster_level_raw = 3;
    auto r = s.handle(ping, make_peer(1));
    ASSERT_TRUE(r);
    EXPECT_EQ(*r.value(), ping);
    message odd;
    odd.type = static_cast<message_type>(9);
    EXPECT_EQ(s.handle(odd, make_peer(1)).error(), errc::bad_request);
}

} // namespace
} // namespace pcp::p2p::kad
