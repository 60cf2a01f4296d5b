// SPDX-License-Identifier: MIT
// Record validation by namespace (go-libp2p-record: the /pk validator; /ipns refused for now) and
// a bounded record store.
#include "p2p/kad/record_store.hpp"

#include <algorithm>
#include <string_view>

#include "p2p/kad/errc.hpp"
#include "p2p/peer/keys.hpp"

namespace pcp::p2p::kad {
namespace {
constexpr std::string_view pk_prefix = "/pk/";

bool starts_with(bytes_view key, std::string_view prefix)
{
    return key.size() >= prefix.size() && as_chars(key.first(prefix.size())) == prefix;
}
} // namespace

result<void> validate_record(const record& r)
{
    if (r.key.empty()) {
        return errc::bad_key;
    }
    if (!starts_with(r.key, pk_prefix)) {
        return errc::unsupported_namespace; // /ipns/ included: no IPNS validator yet
    }
    auto id = peer::peer_id::from_bytes(bytes_view(r.key).subspan(pk_prefix.size()));
    if (!id) {
        return errc::bad_record;
    }
    auto key = peer::public_key::from_protobuf(r.value);
    if (!key || key.value().to_peer_id() != id.value()) {
        return errc::bad_record;
    }
    return ok();
}

record_store::record_store(const config& cfg)
    : ttl_(cfg.record_ttl), max_records_(cfg.max_records), max_value_size_(cfg.max_record_value_size)
{
}

result<void> record_store::put(const record& r, instant now)
{
    if (r.value.size() > max_value_size_) {
        return errc::bad_record;
    }
    PCP_TRY(validate_record(r));
    auto it = by_key_.find(r.key);
    if (it != by_key_.end()) {
        it->second = entry{r, now};
        return ok();
    }
    if (by_key_.size() >= max_records_) {
        expire(now);
        if (by_key_.size() >= max_records_) {
            return errc::store_full;
        }
    }
    by_key_.emplace(r.key, entry{r, now});
    return ok();
}

std::optional<record> record_store::get(bytes_view key, instant now) const
{
    auto it = by_key_.find(byte_buffer(key.begin(), key.end()));
    if (it == by_key_.end() || now - it->second.stored >= ttl_) {
        return std::nullopt;
    }
    return it->second.rec;
}

void record_store::expire(instant now)
{
    std::erase_if(by_key_, [&](const auto& kv) { return now - kv.second.stored >= ttl_; });
}

} // namespace pcp::p2p::kad
