// SPDX-License-Identifier: MIT
// Server-side provider records (libp2p specs kad-dht/README.md "Content provider advertisement";
// libp2p-digest §9): key = multihash bytes, value = providers with their addresses. Bounded in
// keys and providers per key; records expire after provider_ttl, their addresses after
// provider_addr_ttl (go's split). Pure: time comes in as `now`.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/clock.hpp"
#include "p2p/kad/config.hpp"
#include "p2p/kad/wire.hpp"

namespace pcp::p2p::kad {

class provider_store {
public:
    explicit provider_store(const config& cfg);

    /// Store (or refresh) `provider` for `key`. Its addresses are cut at max_addrs_per_peer and
    /// replace earlier ones; the record's expiry restarts at `now`. Returns false (nothing
    /// stored) when the key is empty or longer than max_provider_key_size, the provider ID is
    /// empty, or the store is full (a new key beyond max_provider_keys, a new provider beyond
    /// max_providers_per_key) — expired entries are purged first, so "full" means live entries.
    bool add(bytes_view key, const peer_info& provider, instant now);
    /// Unexpired providers of `key`, most recently added first; a provider whose addresses are
    /// older than provider_addr_ttl comes with no addresses (the glue fills them in if it knows).
    [[nodiscard]] std::vector<peer_info> get(bytes_view key, instant now) const;
    /// Drop expired records and stale addresses.
    void expire(instant now);
    /// Provider records held (over all keys), expired ones included until expire() runs.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// Keys held.
    [[nodiscard]] std::size_t key_count() const noexcept { return by_key_.size(); }

private:
    struct entry {
        peer_info provider;
        instant added{};
    };
    void expire_key(std::vector<entry>& list, instant now);

    duration ttl_;
    duration addr_ttl_;
    std::size_t max_keys_;
    std::size_t max_per_key_;
    std::size_t max_addrs_;
    std::size_t max_key_size_;
    std::map<byte_buffer, std::vector<entry>> by_key_;
    std::size_t size_ = 0;
};

} // namespace pcp::p2p::kad
