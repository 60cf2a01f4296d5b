// SPDX-License-Identifier: MIT
// The Kademlia key space and routing table (libp2p specs kad-dht/README.md "Kademlia routing
// table"; libp2p-digest §9): 256-bit keys are sha256 of the key bytes (for peers: the binary peer
// ID), distance is XOR, and peers sit in k-buckets indexed by their common-prefix length with our
// own key. The table only stores: the glue admits a peer after it answered a request and decides
// evictions by pinging eviction_candidate(). Pure (no clock reads: time comes in as `now`).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/clock.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::kad {

/// A point in the 256-bit key space (also used for distances).
using key256 = std::array<std::byte, 32>;

/// sha256(k): the key-space position of key bytes `k` (for a peer: kad_key(id.bytes())).
[[nodiscard]] key256 kad_key(bytes_view k);
/// The position of a peer ID.
[[nodiscard]] key256 kad_key(const peer::peer_id& p);
/// XOR distance; compare distances with operator< on key256 (big-endian, byte-wise).
[[nodiscard]] key256 distance(const key256& a, const key256& b) noexcept;
/// Number of leading bits a and b share: 0..256 (256 only when equal).
[[nodiscard]] int common_prefix_length(const key256& a, const key256& b) noexcept;

/// A key to look up so that a bucket gets refreshed: `key` is what goes on the wire in FIND_NODE
/// (a sha2-256 multihash shaped like a peer ID), `target` == kad_key(key) and falls in `bucket`.
struct refresh_target {
    byte_buffer key;
    key256 target{};
    int bucket = 0; ///< common-prefix length of target with our own key
};

/// k-buckets by common-prefix length with `self` (buckets 0..255), each in least-recently-seen
/// order (front = oldest). At most k peers per bucket; never contains self.
class routing_table {
public:
    /// Number of buckets (cpl 0..255; cpl 256 would be self).
    static constexpr int bucket_count = 256;

    /// An empty table for node `self`; k >= 1.
    routing_table(peer::peer_id self, std::size_t k = 20);

    enum class add_result {
        added,   ///< inserted as the most recently seen of its bucket
        updated, ///< already present; moved to most recently seen
        full,    ///< its bucket holds k peers: not inserted (see eviction_candidate)
        self,    ///< the table's own ID: never inserted
    };
    /// Insert or refresh `p` (call when it answered us). Marks p's bucket as used at `now`.
    add_result add(const peer::peer_id& p, instant now);
    /// The least recently seen peer of p's bucket when that bucket is full, so the glue can ping
    /// it and then remove() it (no answer) or add() it again (answered, moves it to the back);
    /// nullopt when the bucket has room or p is self.
    [[nodiscard]] std::optional<peer::peer_id> eviction_candidate(const peer::peer_id& p) const;
    /// Remove `p`; false when absent.
    bool remove(const peer::peer_id& p);
    [[nodiscard]] bool contains(const peer::peer_id& p) const;
    /// Up to `count` peers sorted by XOR distance to `target`, nearest first; never self.
    [[nodiscard]] std::vector<peer::peer_id> closest(const key256& target, std::size_t count) const;
    /// Peers in the table.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// Peers in bucket `cpl` (0..255), oldest first.
    [[nodiscard]] std::vector<peer::peer_id> bucket(int cpl) const;
    /// The bucket `key` falls into (its cpl with self, capped at 255).
    [[nodiscard]] int bucket_of(const key256& key) const noexcept;
    [[nodiscard]] const peer::peer_id& self() const noexcept { return self_; }
    [[nodiscard]] const key256& self_key() const noexcept { return self_key_; }
    [[nodiscard]] std::size_t k() const noexcept { return k_; }

    /// One lookup key for every bucket 0..min(deepest non-empty bucket, max_cpl) that has not
    /// been used (add() into it or mark_refreshed()) within `interval` before `now`. Keys are
    /// derived deterministically from `seed` (the glue passes fresh randomness); finding a key
    /// for bucket i costs about 2^(i+1) sha256 calls, so max_cpl bounds the work (config
    /// max_refresh_cpl). A bucket whose key is not found within a fixed attempt budget is skipped.
    [[nodiscard]] std::vector<refresh_target> refresh_targets(instant now, duration interval, std::uint64_t seed,
                                                              int max_cpl = 15) const;
    /// Record that a lookup for `target` ran at `now` (marks target's bucket as used).
    void mark_refreshed(const key256& target, instant now);

private:
    struct entry {
        peer::peer_id id;
        key256 key{};
    };
    struct kbucket {
        std::vector<entry> peers; ///< oldest first
        std::optional<instant> used;
    };
    peer::peer_id self_;
    key256 self_key_{};
    std::size_t k_;
    std::size_t size_ = 0;
    std::array<kbucket, bucket_count> buckets_;
};

} // namespace pcp::p2p::kad
