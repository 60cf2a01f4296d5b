// SPDX-License-Identifier: MIT
// Provider store (expiry, address TTL, caps) and record validation/store (/pk, refused
// namespaces, caps, expiry).
#include "p2p/kad/errc.hpp"
#include "p2p/kad/provider_store.hpp"
#include "p2p/kad/record_store.hpp"
#include "p2p/peer/keys.hpp"
#include "tests/p2p/kad/kad_test_util.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::kad {
namespace {
using test::addr;
using test::make_peer;

const instant t0 = instant{} + std::chrono::hours(1);

peer_info provider(std::uint64_t n, std::size_t addrs = 1)
{
    peer_info p{make_peer(n), {}, connection_type::connected};
    for (std::size_t i = 0; i < addrs; ++i) {
        p.addrs.push_back(addr("/ip4/10.0.0." + std::to_string(n % 250 + 1) + "/tcp/" + std::to_string(4000 + i)));
    }
    return p;
}

TEST(kad_provider_store, add_get_and_refresh)
{
    config cfg;
    provider_store s(cfg);
    auto key = to_buffer("\x12\x20key");
    EXPECT_TRUE(s.add(key, provider(1), t0));
    EXPECT_TRUE(s.add(key, provider(2), t0 + std::chrono::seconds(1)));
    auto got = s.get(key, t0 + std::chrono::seconds(2));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], provider(2)) << "most recent first";
    EXPECT_EQ(got[1], provider(1));
    EXPECT_TRUE(s.get(to_buffer("other"), t0).empty());
    // Re-adding replaces the addresses and restarts the clock; no duplicate.
    auto p1 = provider(1, 2);
    EXPECT_TRUE(s.add(key, p1, t0 + std::chrono::seconds(3)));
    got = s.get(key, t0 + std::chrono::seconds(3));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], p1);
    EXPECT_EQ(s.size(), 2u);
    EXPECT_EQ(s.key_count(), 1u);
}

TEST(kad_provider_store, records_expire_and_addresses_expire_first)
{
    config cfg;
    provider_store s(cfg);
    auto key = to_buffer("k");
    ASSERT_TRUE(s.add(key, provider(1), t0));
    // Before the address TTL: full entry.
    EXPECT_EQ(s.get(key, t0 + cfg.provider_addr_ttl - std::chrono::seconds(1))[0].addrs.size(), 1u);
    // From the address TTL on: the provider without addresses.
    auto mid = s.get(key, t0 + cfg.provider_addr_ttl);
    ASSERT_EQ(mid.size(), 1u);
    EXPECT_TRUE(mid[0].addrs.empty());
    EXPECT_EQ(mid[0].id, make_peer(1));
    EXPECT_EQ(s.get(key, t0 + cfg.provider_ttl - std::chrono::seconds(1)).size(), 1u);
    EXPECT_TRUE(s.get(key, t0 + cfg.provider_ttl).empty());
    EXPECT_EQ(s.size(), 1u) << "expired entries stay until expire()";
    s.expire(t0 + cfg.provider_addr_ttl);
    EXPECT_EQ(s.size(), 1u);
    s.expire(t0 + cfg.provider_ttl);
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(s.key_count(), 0u);
}

TEST(kad_provider_store, caps_at_n_and_n_plus_one)
{
    config cfg;
    cfg.max_provider_keys = 3;
    cfg.max_providers_per_key = 2;
    cfg.max_addrs_per_peer = 2;
    provider_store s(cfg);
    EXPECT_TRUE(s.add(to_buffer("a"), provider(1), t0));
    EXPECT_TRUE(s.add(to_buffer("a"), provider(2), t0));
    EXPECT_FALSE(s.add(to_buffer("a"), provider(3), t0)) << "third provider for one key";
    EXPECT_TRUE(s.add(to_buffer("a"), provider(2), t0)) << "refreshing a stored one is fine";
    EXPECT_TRUE(s.add(to_buffer("b"), provider(1), t0));
    EXPECT_TRUE(s.add(to_buffer("c"), provider(1), t0));
    EXPECT_FALSE(s.add(to_buffer("d"), provider(1), t0)) << "fourth key";
    EXPECT_EQ(s.key_count(), 3u);
    EXPECT_EQ(s.size(), 4u);
    // Once entries expire there is room again.
    EXPECT_TRUE(s.add(to_buffer("d"), provider(1), t0 + cfg.provider_ttl));
    EXPECT_EQ(s.key_count(), 1u);
    // Addresses are cut at the bound.
    EXPECT_TRUE(s.add(to_buffer("d"), provider(5, 3), t0 + cfg.provider_ttl));
    EXPECT_EQ(s.get(to_buffer("d"), t0 + cfg.provider_ttl)[0].addrs.size(), 2u);
    // Key size: at the bound and one past it; empty keys and empty IDs.
    EXPECT_TRUE(s.add(byte_buffer(cfg.max_provider_key_size, std::byte{1}), provider(1), t0 + cfg.provider_ttl));
    EXPECT_FALSE(s.add(byte_buffer(cfg.max_provider_key_size + 1, std::byte{1}), provider(1), t0 + cfg.provider_ttl));
    EXPECT_FALSE(s.add({}, provider(1), t0 + cfg.provider_ttl));
    EXPECT_FALSE(s.add(to_buffer("e"), peer_info{}, t0 + cfg.provider_ttl));
}

record pk_record(const peer::ed25519_keypair& kp)
{
    record r;
    r.key = to_buffer("/pk/");
    append(r.key, kp.id().bytes());
    r.value = kp.public_key().to_protobuf();
    return r;
}

peer::ed25519_keypair key_from(std::uint8_t b)
{
    std::array<std::byte, 32> seed{};
    seed.fill(std::byte{b});
    return peer::ed25519_keypair::from_seed(seed);
}

TEST(kad_record, pk_records_validate)
{
    auto kp = key_from(1);
    EXPECT_TRUE(validate_record(pk_record(kp)));
    auto other = key_from(2);
    auto mismatched = pk_record(kp);
    mismatched.value = other.public_key().to_protobuf();
    EXPECT_EQ(validate_record(mismatched).error(), errc::bad_record);
    auto junk = pk_record(kp);
    junk.value = to_buffer("not a key");
    EXPECT_EQ(validate_record(junk).error(), errc::bad_record);
    auto bad_id = pk_record(kp);
    bad_id.key = to_buffer("/pk/xyz");
    EXPECT_EQ(validate_record(bad_id).error(), errc::bad_record);
}

TEST(kad_record, other_namespaces_are_refused)
{
    auto kp = key_from(1);
    auto r = pk_record(kp);
    r.key = to_buffer("/ipns/");
    append(r.key, kp.id().bytes());
    EXPECT_EQ(validate_record(r).error(), errc::unsupported_namespace);
    r.key = to_buffer("/v/anything");
    EXPECT_EQ(validate_record(r).error(), errc::unsupported_namespace);
    r.key = to_buffer("/pk");
    EXPECT_EQ(validate_record(r).error(), errc::unsupported_namespace);
    r.key.clear();
    EXPECT_EQ(validate_record(r).error(), errc::bad_key);
}

TEST(kad_record_store, put_get_expire_and_caps)
{
    config cfg;
    cfg.max_records = 2;
    record_store s(cfg);
    auto a = pk_record(key_from(1));
    auto b = pk_record(key_from(2));
    auto c = pk_record(key_from(3));
    ASSERT_TRUE(s.put(a, t0));
    ASSERT_TRUE(s.put(b, t0));
    ASSERT_TRUE(s.put(a, t0 + std::chrono::hours(1))) << "replacing is not growing";
    auto full = s.put(c, t0);
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error(), errc::store_full);
    EXPECT_EQ(s.get(a.key, t0 + std::chrono::hours(1)), a);
    EXPECT_FALSE(s.get(c.key, t0));
    // b expires first (stored at t0, a was refreshed at t0+1h).
    EXPECT_FALSE(s.get(b.key, t0 + cfg.record_ttl));
    EXPECT_TRUE(s.get(a.key, t0 + cfg.record_ttl));
    EXPECT_TRUE(s.put(c, t0 + cfg.record_ttl)) << "expired b made room";
    EXPECT_EQ(s.size(), 2u);
    s.expire(t0 + std::chrono::hours(1) + cfg.record_ttl);
    EXPECT_EQ(s.size(), 1u);
    // Invalid records and oversize values are refused.
    auto bad = a;
    bad.key = to_buffer("/ipns/x");
    EXPECT_EQ(s.put(bad, t0).error(), errc::unsupported_namespace);
    cfg.max_record_value_size = a.value.size() - 1;
    record_store small(cfg);
    EXPECT_EQ(small.put(a, t0).error(), errc::bad_record);
    cfg.max_record_value_size = a.value.size();
    record_store exact(cfg);
    EXPECT_TRUE(exact.put(a, t0));
}

} // namespace
} // namespace pcp::p2p::kad
