// SPDX-License-Identifier: MIT
// STUB: replaced by the real store in the next commit.
#include "p2p/kad/provider_store.hpp"

namespace pcp::p2p::kad {

provider_store::provider_store(const config& cfg)
    : ttl_(cfg.provider_ttl), addr_ttl_(cfg.provider_addr_ttl), max_keys_(cfg.max_provider_keys),
      max_per_key_(cfg.max_providers_per_key), max_addrs_(cfg.max_addrs_per_peer),
      max_key_size_(cfg.max_provider_key_size)
{
}
bool provider_store::add(bytes_view, const peer_info&, instant) { return false; }
std::vector<peer_info> provider_store::get(bytes_view, instant) const { return {}; }
void provider_store::expire(instant) {}

} // namespace pcp::p2p::kad
