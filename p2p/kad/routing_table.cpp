// SPDX-License-Identifier: MIT
// STUB: replaced by the real table in the next commit.
#include "p2p/kad/routing_table.hpp"

namespace pcp::p2p::kad {

key256 kad_key(bytes_view) { return {}; }
key256 kad_key(const peer::peer_id&) { return {}; }
key256 distance(const key256&, const key256&) noexcept { return {}; }
int common_prefix_length(const key256&, const key256&) noexcept { return 0; }
routing_table::routing_table(peer::peer_id self, std::size_t k) : self_(std::move(self)), k_(k) {}
routing_table::add_result routing_table::add(const peer::peer_id&, instant) { return add_result::full; }
std::optional<peer::peer_id> routing_table::eviction_candidate(const peer::peer_id&) const { return {}; }
bool routing_table::remove(const peer::peer_id&) { return false; }
bool routing_table::contains(const peer::peer_id&) const { return false; }
std::vector<peer::peer_id> routing_table::closest(const key256&, std::size_t) const { return {}; }
std::vector<peer::peer_id> routing_table::bucket(int) const { return {}; }
int routing_table::bucket_of(const key256&) const noexcept { return 0; }
std::vector<refresh_target> routing_table::refresh_targets(instant, duration, std::uint64_t, int) const { return {}; }
void routing_table::mark_refreshed(const key256&, instant) {}

} // namespace pcp::p2p::kad
