// SPDX-License-Identifier: MIT
// Key space and k-buckets (kad-dht/README.md "Kademlia routing table"; the Kademlia paper §2).
#include "p2p/kad/routing_table.hpp"

#include <algorithm>
#include <bit>

#include "crypto/sha256.hpp"
#include "p2p/peer/multihash.hpp"

namespace pcp::p2p::kad {

key256 kad_key(bytes_view k) { return crypto::sha256(k); }

key256 kad_key(const peer::peer_id& p) { return kad_key(p.bytes()); }

key256 distance(const key256& a, const key256& b) noexcept
{
    key256 d{};
    for (std::size_t i = 0; i < d.size(); ++i) {
        d[i] = a[i] ^ b[i];
    }
    return d;
}

int common_prefix_length(const key256& a, const key256& b) noexcept
{
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto x = std::to_integer<unsigned>(a[i] ^ b[i]);
        if (x != 0) {
            return static_cast<int>(i * 8) + std::countl_zero(static_cast<std::uint8_t>(x));
        }
    }
    return 256;
}

routing_table::routing_table(peer::peer_id self, std::size_t k)
    : self_(std::move(self)), self_key_(kad_key(self_)), k_(k == 0 ? 1 : k)
{
}

int routing_table::bucket_of(const key256& key) const noexcept
{
    return std::min(common_prefix_length(key, self_key_), bucket_count - 1);
}

routing_table::add_result routing_table::add(const peer::peer_id& p, instant now)
{
    if (p == self_) {
        return add_result::self;
    }
    auto key = kad_key(p);
    auto& b = buckets_[static_cast<std::size_t>(bucket_of(key))];
    auto it = std::find_if(b.peers.begin(), b.peers.end(), [&](const entry& e) { return e.id == p; });
    if (it != b.peers.end()) {
        entry moved = std::move(*it);
        b.peers.erase(it);
        b.peers.push_back(std::move(moved));
        b.used = now;
        return add_result::updated;
    }
    if (b.peers.size() >= k_) {
        return add_result::full;
    }
    b.peers.push_back(entry{p, key});
    b.used = now;
    ++size_;
    return add_result::added;
}

std::optional<peer::peer_id> routing_table::eviction_candidate(const peer::peer_id& p) const
{
    if (p == self_) {
        return std::nullopt;
    }
    const auto& b = buckets_[static_cast<std::size_t>(bucket_of(kad_key(p)))];
    if (b.peers.size() < k_) {
        return std::nullopt;
    }
    return b.peers.front().id;
}

bool routing_table::remove(const peer::peer_id& p)
{
    auto& b = buckets_[static_cast<std::size_t>(bucket_of(kad_key(p)))];
    auto it = std::find_if(b.peers.begin(), b.peers.end(), [&](const entry& e) { return e.id == p; });
    if (it == b.peers.end()) {
        return false;
    }
    b.peers.erase(it);
    --size_;
    return true;
}

bool routing_table::contains(const peer::peer_id& p) const
{
    const auto& b = buckets_[static_cast<std::size_t>(bucket_of(kad_key(p)))];
    return std::any_of(b.peers.begin(), b.peers.end(), [&](const entry& e) { return e.id == p; });
}

std::vector<peer::peer_id> routing_table::closest(const key256& target, std::size_t count) const
{
    std::vector<std::pair<key256, const peer::peer_id*>> all;
    all.reserve(size_);
    for (const auto& b : buckets_) {
        for (const auto& e : b.peers) {
            all.emplace_back(distance(e.key, target), &e.id);
        }
    }
    auto n = std::min(count, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<peer::peer_id> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(*all[i].second);
    }
    return out;
}

std::vector<peer::peer_id> routing_table::bucket(int cpl) const
{
    std::vector<peer::peer_id> out;
    if (cpl < 0 || cpl >= bucket_count) {
        return out;
    }
    for (const auto& e : buckets_[static_cast<std::size_t>(cpl)].peers) {
        out.push_back(e.id);
    }
    return out;
}

namespace {

// splitmix64: a tiny deterministic generator for refresh keys (not for secrets).
std::uint64_t splitmix64(std::uint64_t& state) noexcept
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Expected attempts to hit bucket `cpl` are 2^(cpl+1); allow 2^(cpl+5) (failure odds ~e^-16).
std::uint64_t attempt_budget(int cpl) noexcept { return std::uint64_t{1} << (cpl + 5); }

} // namespace

std::vector<refresh_target> routing_table::refresh_targets(instant now, duration interval, std::uint64_t seed,
                                                           int max_cpl) const
{
    std::vector<refresh_target> out;
    int deepest = -1;
    for (int i = bucket_count - 1; i >= 0; --i) {
        if (!buckets_[static_cast<std::size_t>(i)].peers.empty()) {
            deepest = i;
            break;
        }
    }
    int last = std::min({deepest, max_cpl, bucket_count - 1});
    for (int cpl = 0; cpl <= last; ++cpl) {
        const auto& b = buckets_[static_cast<std::size_t>(cpl)];
        if (b.used && now - *b.used < interval) {
            continue;
        }
        std::uint64_t state = seed ^ (static_cast<std::uint64_t>(cpl) * 0xd1b54a32d192ed03ull);
        std::array<std::byte, 32> digest{};
        for (std::size_t i = 0; i < digest.size(); i += 8) {
            auto r = splitmix64(state);
            for (std::size_t j = 0; j < 8; ++j) {
                digest[i + j] = static_cast<std::byte>(r >> (8 * j));
            }
        }
        // Vary the first 8 digest bytes as a counter until the hash lands in bucket cpl.
        std::uint64_t base = splitmix64(state);
        for (std::uint64_t n = 0; n < attempt_budget(cpl); ++n) {
            std::uint64_t c = base + n;
            for (std::size_t j = 0; j < 8; ++j) {
                digest[j] = static_cast<std::byte>(c >> (8 * j));
            }
            byte_buffer key;
            peer::encode_multihash(peer::multihash_sha2_256, digest, key);
            auto target = kad_key(key);
            if (common_prefix_length(target, self_key_) == cpl) {
                out.push_back(refresh_target{std::move(key), target, cpl});
                break;
            }
        }
    }
    return out;
}

void routing_table::mark_refreshed(const key256& target, instant now)
{
    buckets_[static_cast<std::size_t>(bucket_of(target))].used = now;
}

} // namespace pcp::p2p::kad
