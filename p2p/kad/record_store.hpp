// SPDX-License-Identifier: MIT
// PUT_VALUE / GET_VALUE records (libp2p specs kad-dht/README.md "Value storage and retrieval";
// libp2p-digest §9): validation by namespace and a bounded store with expiry. We validate
// `/pk/<multihash>` (the value is a PublicKey protobuf whose peer ID is that multihash); `/ipns/`
// records are refused explicitly (unsupported_namespace) until IPNS validation exists, and every
// other namespace is refused too (go does the same for unknown namespaces). Pure.
#pragma once

#include <cstddef>
#include <map>
#include <optional>

#include "engine/bytes.hpp"
#include "engine/clock.hpp"
#include "engine/result.hpp"
#include "p2p/kad/config.hpp"
#include "p2p/kad/wire.hpp"

namespace pcp::p2p::kad {

/// Check a record before storing it. Errors: bad_key (empty key), unsupported_namespace (not
/// `/pk/`, including `/ipns/`), bad_record (`/pk/` whose multihash is not a peer ID, whose value
/// is not a valid PublicKey protobuf, or whose key's peer ID does not match).
[[nodiscard]] result<void> validate_record(const record& r);

class record_store {
public:
    explicit record_store(const config& cfg);
    /// Validate and store `r` (replacing a record with the same key; its time restarts at now).
    /// Errors: validate_record's, bad_record (value above max_record_value_size), store_full (a
    /// new key beyond max_records after purging expired ones).
    [[nodiscard]] result<void> put(const record& r, instant now);
    /// The unexpired record for `key`.
    [[nodiscard]] std::optional<record> get(bytes_view key, instant now) const;
    /// Drop records older than record_ttl.
    void expire(instant now);
    [[nodiscard]] std::size_t size() const noexcept { return by_key_.size(); }

private:
    struct entry {
        record rec;
        instant stored{};
    };
    duration ttl_;
    std::size_t max_records_;
    std::size_t max_value_size_;
    std::map<byte_buffer, entry> by_key_;
};

} // namespace pcp::p2p::kad
