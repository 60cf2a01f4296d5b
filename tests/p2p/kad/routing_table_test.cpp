// SPDX-License-Identifier: MIT
// Key space and routing table: the §16.1/§16.6 kad keys, XOR/cpl, bucket placement, LRU order,
// full buckets and eviction candidates, closest() against brute force, refresh targets.
#include "p2p/kad/routing_table.hpp"
#include "tests/p2p/kad/kad_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace pcp::p2p::kad {
namespace {
using test::hex;
using test::make_peer;

const instant t0 = instant{} + std::chrono::hours(1);

key256 key_from_hex(std::string_view h)
{
    auto b = hex(h);
    key256 k{};
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

TEST(kad_key, digest_vectors)
{
    // §16.1: sha256 of the binary peer ID; §16.6: sha256 of the "hello world" multihash.
    auto id = peer::peer_id::from_bytes(hex("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"))
                  .value();
    EXPECT_EQ(to_hex(kad_key(id)), "dfd53212a4bd2beda3ea8e82d08285370c70a70cfe9c588e28754b23c8033121");
    EXPECT_EQ(to_hex(kad_key(hex("1220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"))),
              "d323dcae8bb357d0f7c6b6235109503d2ab0ca9dff4d45441b00ef2a722322c6");
}

TEST(kad_key, distance_and_common_prefix_length)
{
    key256 zero{};
    EXPECT_EQ(common_prefix_length(zero, zero), 256);
    EXPECT_EQ(distance(zero, zero), zero);
    for (int bit = 0; bit < 256; ++bit) {
        key256 k{};
        k[static_cast<std::size_t>(bit / 8)] = static_cast<std::byte>(0x80 >> (bit % 8));
        EXPECT_EQ(common_prefix_length(zero, k), bit) << bit;
        EXPECT_EQ(common_prefix_length(k, zero), bit) << bit;
        EXPECT_EQ(distance(zero, k), k);
    }
    auto a = key_from_hex("f0000000000000000000000000000000000000000000000000000000000000ff");
    auto b = key_from_hex("f8000000000000000000000000000000000000000000000000000000000000f0");
    EXPECT_EQ(common_prefix_length(a, b), 4);
    EXPECT_EQ(to_hex(distance(a, b)), "080000000000000000000000000000000000000000000000000000000000000f");
}

TEST(kad_routing_table, add_update_self_and_remove)
{
    routing_table t(make_peer(0), 20);
    EXPECT_EQ(t.add(make_peer(0), t0), routing_table::add_result::self);
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(t.add(make_peer(1), t0), routing_table::add_result::added);
    EXPECT_EQ(t.add(make_peer(1), t0), routing_table::add_result::updated);
    EXPECT_EQ(t.size(), 1u);
    EXPECT_TRUE(t.contains(make_peer(1)));
    EXPECT_FALSE(t.contains(make_peer(2)));
    EXPECT_FALSE(t.contains(make_peer(0)));
    EXPECT_TRUE(t.remove(make_peer(1)));
    EXPECT_FALSE(t.remove(make_peer(1)));
    EXPECT_EQ(t.size(), 0u);
}

TEST(kad_routing_table, peers_land_in_the_bucket_of_their_cpl)
{
    routing_table t(make_peer(0), 20);
    for (std::uint64_t i = 1; i <= 300; ++i) {
        t.add(make_peer(i), t0);
    }
    std::size_t total = 0;
    for (int b = 0; b < routing_table::bucket_count; ++b) {
        auto peers = t.bucket(b);
        EXPECT_LE(peers.size(), 20u);
        total += peers.size();
        for (const auto& p : peers) {
            EXPECT_EQ(common_prefix_length(kad_key(p), t.self_key()), b);
            EXPECT_EQ(t.bucket_of(kad_key(p)), b);
        }
    }
    EXPECT_EQ(total, t.size());
    EXPECT_EQ(t.bucket_of(t.self_key()), 255);
}

/// `n` peers (from `start` on) that fall into bucket `b` of `self`.
std::vector<peer::peer_id> peers_in_bucket(const peer::peer_id& self, int b, std::size_t n, std::uint64_t start = 1)
{
    std::vector<peer::peer_id> out;
    auto sk = kad_key(self);
    for (std::uint64_t i = start; out.size() < n; ++i) {
        auto p = make_peer(i);
        if (common_prefix_length(kad_key(p), sk) == b) {
            out.push_back(p);
        }
    }
    return out;
}

TEST(kad_routing_table, lru_order_full_bucket_and_eviction_candidate)
{
    auto self = make_peer(0);
    routing_table t(self, 3);
    auto ps = peers_in_bucket(self, 1, 5);
    EXPECT_EQ(t.add(ps[0], t0), routing_table::add_result::added);
    EXPECT_EQ(t.add(ps[1], t0), routing_table::add_result::added);
    EXPECT_FALSE(t.eviction_candidate(ps[3]).has_value()) << "room left";
    EXPECT_EQ(t.add(ps[2], t0), routing_table::add_result::added);
    EXPECT_EQ(t.bucket(1), (std::vector<peer::peer_id>{ps[0], ps[1], ps[2]}));
    // Seeing ps[0] again moves it to the most-recent end.
    EXPECT_EQ(t.add(ps[0], t0), routing_table::add_result::updated);
    EXPECT_EQ(t.bucket(1), (std::vector<peer::peer_id>{ps[1], ps[2], ps[0]}));
    // Full: the newcomer is refused; the oldest is the candidate to ping.
    EXPECT_EQ(t.add(ps[3], t0), routing_table::add_result::full);
    EXPECT_FALSE(t.contains(ps[3]));
    EXPECT_EQ(t.eviction_candidate(ps[3]), ps[1]);
    // Other buckets are not affected.
    auto other = peers_in_bucket(self, 0, 1).front();
    EXPECT_EQ(t.add(other, t0), routing_table::add_result::added);
    EXPECT_FALSE(t.eviction_candidate(self).has_value());
    // The glue pinged ps[1], got no answer: remove it and the newcomer fits.
    EXPECT_TRUE(t.remove(ps[1]));
    EXPECT_EQ(t.add(ps[3], t0), routing_table::add_result::added);
    EXPECT_EQ(t.bucket(1), (std::vector<peer::peer_id>{ps[2], ps[0], ps[3]}));
    EXPECT_EQ(t.size(), 4u);
}

TEST(kad_routing_table, closest_matches_brute_force)
{
    std::mt19937_64 rng(99);
    auto self = make_peer(1000000);
    routing_table t(self, 20);
    for (std::uint64_t i = 0; i < 2000; ++i) {
        t.add(make_peer(rng()), t0);
    }
    std::vector<peer::peer_id> all;
    for (int b = 0; b < routing_table::bucket_count; ++b) {
        auto peers = t.bucket(b);
        all.insert(all.end(), peers.begin(), peers.end());
    }
    ASSERT_EQ(all.size(), t.size());
    for (int round = 0; round < 50; ++round) {
        key256 target{};
        for (auto& b : target) {
            b = static_cast<std::byte>(rng());
        }
        if (round == 0) {
            target = t.self_key();
        }
        auto sorted = all;
        std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
            return distance(kad_key(a), target) < distance(kad_key(b), target);
        });
        for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{20}, std::size_t{57}}) {
            auto got = t.closest(target, count);
            std::vector<peer::peer_id> want(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(count));
            EXPECT_EQ(got, want) << round << " " << count;
        }
    }
    EXPECT_EQ(t.closest(t.self_key(), 100000).size(), t.size()) << "asking for more returns all, never self";
}

TEST(kad_routing_table, refresh_targets_fall_in_their_bucket)
{
    auto self = make_peer(0);
    routing_table t(self, 20);
    EXPECT_TRUE(t.refresh_targets(t0, std::chrono::minutes(10), 1).empty()) << "empty table: nothing to refresh";
    for (std::uint64_t i = 1; i <= 400; ++i) {
        t.add(make_peer(i), t0);
    }
    int deepest = 0;
    for (int b = 0; b < routing_table::bucket_count; ++b) {
        if (!t.bucket(b).empty()) {
            deepest = b;
        }
    }
    ASSERT_GE(deepest, 4);
    // Within the interval only buckets never used (empty ones) need a lookup.
    for (const auto& rt : t.refresh_targets(t0 + std::chrono::minutes(9), std::chrono::minutes(10), 1)) {
        EXPECT_TRUE(t.bucket(rt.bucket).empty()) << rt.bucket;
    }
    auto later = t0 + std::chrono::minutes(10);
    auto targets = t.refresh_targets(later, std::chrono::minutes(10), 42);
    ASSERT_EQ(targets.size(), static_cast<std::size_t>(std::min(deepest, 15) + 1));
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto& rt = targets[i];
        EXPECT_EQ(rt.bucket, static_cast<int>(i));
        EXPECT_EQ(rt.target, kad_key(rt.key));
        EXPECT_EQ(common_prefix_length(rt.target, t.self_key()), rt.bucket);
        EXPECT_TRUE(peer::peer_id::from_bytes(rt.key)) << "refresh keys look like peer IDs";
    }
    // Deterministic in the seed, different across seeds.
    auto again = t.refresh_targets(later, std::chrono::minutes(10), 42);
    ASSERT_EQ(again.size(), targets.size());
    EXPECT_EQ(again[3].key, targets[3].key);
    EXPECT_NE(t.refresh_targets(later, std::chrono::minutes(10), 43)[3].key, targets[3].key);
    // A lookup into bucket 2 (mark_refreshed) and seeing a bucket-0 peer again take them off.
    t.mark_refreshed(targets[2].target, later);
    ASSERT_EQ(t.add(t.bucket(0).front(), later), routing_table::add_result::updated);
    auto rest = t.refresh_targets(later, std::chrono::minutes(10), 42);
    std::set<int> buckets;
    for (const auto& rt : rest) {
        buckets.insert(rt.bucket);
    }
    EXPECT_FALSE(buckets.count(0));
    EXPECT_FALSE(buckets.count(2));
    EXPECT_TRUE(buckets.count(1));
    EXPECT_EQ(rest.size(), targets.size() - 2);
    // max_cpl bounds the depth.
    EXPECT_EQ(t.refresh_targets(later, std::chrono::minutes(10), 42, 1).size(), 1u);
}

} // namespace
} // namespace pcp::p2p::kad
