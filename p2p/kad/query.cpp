// SPDX-License-Identifier: MIT
// STUB: replaced by the real lookup in the next commit.
#include "p2p/kad/query.hpp"

namespace pcp::p2p::kad {

closest_peers_query::closest_peers_query(key256 target, std::vector<peer::peer_id>, const config& cfg, instant,
                                         std::optional<peer::peer_id> self)
    : target_(target), self_(std::move(self)), k_(cfg.k), alpha_(cfg.alpha), timeout_(cfg.request_timeout),
      max_candidates_(cfg.max_query_candidates), max_requests_(cfg.max_query_requests),
      max_peers_per_answer_(cfg.max_peers_per_message)
{
}
closest_peers_query::step closest_peers_query::next(instant) { return done{}; }
void closest_peers_query::on_success(const peer::peer_id&, std::span<const peer::peer_id>, instant) {}
void closest_peers_query::on_failure(const peer::peer_id&, instant) {}
std::vector<peer::peer_id> closest_peers_query::closest_succeeded(std::size_t) const { return {}; }
std::size_t closest_peers_query::hops_of(const peer::peer_id&) const { return 0; }

} // namespace pcp::p2p::kad
