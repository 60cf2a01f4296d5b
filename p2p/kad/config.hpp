// SPDX-License-Identifier: MIT
// Kademlia DHT settings (libp2p specs kad-dht/README.md; libp2p-digest §9 and §17): the protocol
// ID, the lookup parameters (k, α, β), timeouts, record lifetimes and every bound the pure code
// enforces. Defaults follow go-libp2p-kad-dht (amino/defaults.go). Pure.
#pragma once

#include <cstddef>
#include <string_view>

#include "engine/clock.hpp"

namespace pcp::p2p::kad {

/// The public (Amino) DHT protocol; kubo's LAN DHT uses "/ipfs/lan/kad/1.0.0".
inline constexpr std::string_view protocol_id = "/ipfs/kad/1.0.0";

/// Plain settings with documented defaults. Every pure kad type takes one by const reference
/// (or copies the fields it needs); none of them keeps a reference to it.
struct config {
    /// Bucket size and replication parameter k (spec, go, js: 20).
    std::size_t k = 20;
    /// Requests in flight per lookup, α (spec, go DefaultConcurrency, js ALPHA: 10, not 3).
    std::size_t alpha = 10;
    /// go's resiliency β (3). Not used by closest_peers_query, which applies the k-closest rule
    /// (docs/protocols/kad.md explains why); kept so the glue can report the go figure.
    std::size_t beta = 3;
    /// How long a lookup waits for one peer's answer before counting it as failed (go: 10 s).
    duration request_timeout = std::chrono::seconds(10);
    /// Largest kad message body we accept (go network.MessageSizeMax: 4 MiB).
    std::size_t max_message_size = 4 * 1024 * 1024;
    /// closerPeers and providerPeers entries kept per list of one message; extra entries are
    /// ignored (still checked for protobuf well-formedness).
    std::size_t max_peers_per_message = 64;
    /// Addresses kept per peer entry; extra ones are ignored.
    std::size_t max_addrs_per_peer = 16;
    /// Longest `key` (message and record) accepted; a longer one fails decoding (bad_key).
    std::size_t max_key_size = 128;
    /// Longest GET_PROVIDERS/ADD_PROVIDER key a server accepts (go: 80 bytes).
    std::size_t max_provider_key_size = 80;
    /// Provider records expire after this (go amino: 48 h).
    duration provider_ttl = std::chrono::hours(48);
    /// The addresses stored with a provider record are served for this long (go: 24 h); after
    /// that the server only knows them from its own peer store.
    duration provider_addr_ttl = std::chrono::hours(24);
    /// A provider re-announces this often (go amino: 22 h).
    duration republish = std::chrono::hours(22);
    /// Distinct keys the provider store holds; add() refuses new keys beyond it.
    std::size_t max_provider_keys = 10000;
    /// Providers stored per key; add() refuses new providers beyond it.
    std::size_t max_providers_per_key = 20;
    /// Value records (PUT_VALUE) the record store holds; put() refuses new keys beyond it.
    std::size_t max_records = 1024;
    /// Largest record value accepted by the record store (IPNS spec: 10 KiB).
    std::size_t max_record_value_size = 10 * 1024;
    /// Value records expire after this (go MaxRecordAge: 48 h).
    duration record_ttl = std::chrono::hours(48);
    /// Candidate (not yet contacted) peers a lookup keeps; farther ones are dropped, so a peer
    /// answering with thousands of fake IDs cannot grow the lookup (default k·α).
    std::size_t max_query_candidates = 200;
    /// Requests one lookup sends at most; afterwards it waits for what is in flight and ends.
    std::size_t max_query_requests = 1000;
    /// How often the glue refreshes routing-table buckets (go: 10 min).
    duration refresh_interval = std::chrono::minutes(10);
    /// Deepest bucket (common-prefix length) refresh_targets() generates a key for; each extra
    /// level doubles the expected hashing work (go caps at 15 too).
    int max_refresh_cpl = 15;
};

} // namespace pcp::p2p::kad
