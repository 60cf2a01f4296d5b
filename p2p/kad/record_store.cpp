// SPDX-License-Identifier: MIT
// STUB: replaced by the real store in the next commit.
#include "p2p/kad/record_store.hpp"

#include "p2p/kad/errc.hpp"

namespace pcp::p2p::kad {

result<void> validate_record(const record&) { return errc::unsupported_namespace; }
record_store::record_store(const config& cfg)
    : ttl_(cfg.record_ttl), max_records_(cfg.max_records), max_value_size_(cfg.max_record_value_size)
{
}
result<void> record_store::put(const record&, instant) { return errc::unsupported_namespace; }
std::optional<record> record_store::get(bytes_view, instant) const { return std::nullopt; }
void record_store::expire(instant) {}

} // namespace pcp::p2p::kad
