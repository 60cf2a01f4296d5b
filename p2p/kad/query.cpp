// SPDX-License-Identifier: MIT
// Closest-peers lookup (kad-dht/README.md "Peer routing"); the state rules are documented in
// query.hpp and docs/protocols/kad.md.
#include "p2p/kad/query.hpp"

#include <algorithm>

namespace pcp::p2p::kad {

closest_peers_query::closest_peers_query(key256 target, std::vector<peer::peer_id> seeds, const config& cfg,
                                         instant now, std::optional<peer::peer_id> self)
    : target_(target), self_(std::move(self)), k_(std::max<std::size_t>(cfg.k, 1)),
      alpha_(std::max<std::size_t>(cfg.alpha, 1)), timeout_(cfg.request_timeout),
      max_candidates_(std::max<std::size_t>(cfg.max_query_candidates, 1)), max_requests_(cfg.max_query_requests),
      max_peers_per_answer_(cfg.max_peers_per_message)
{
    for (const auto& s : seeds) {
        insert_candidate(s, 0);
    }
}

closest_peers_query::peer_map::iterator closest_peers_query::find(const peer::peer_id& p)
{
    auto it = peers_.find(distance(kad_key(p), target_));
    return it != peers_.end() && it->second.id == p ? it : peers_.end();
}

closest_peers_query::peer_map::const_iterator closest_peers_query::find(const peer::peer_id& p) const
{
    auto it = peers_.find(distance(kad_key(p), target_));
    return it != peers_.end() && it->second.id == p ? it : peers_.end();
}

bool closest_peers_query::insert_candidate(const peer::peer_id& p, std::size_t hops)
{
    if (p.empty() || (self_ && p == *self_)) {
        return false;
    }
    auto d = distance(kad_key(p), target_);
    auto it = peers_.find(d);
    if (it != peers_.end()) {
        // The same key means the same peer (sha256 collisions aside); keep the shortest path.
        it->second.hops = std::min(it->second.hops, hops);
        return false;
    }
    if (candidates_ >= max_candidates_) {
        // Evict the farthest not-yet-contacted peer if the newcomer is closer; contacted peers
        // stay (they are bounded by max_query_requests and must never be asked again).
        auto far = peers_.end();
        for (auto r = peers_.rbegin(); r != peers_.rend(); ++r) {
            if (r->second.state == peer_state::not_contacted) {
                far = std::prev(r.base());
                break;
            }
        }
        if (far == peers_.end() || !(d < far->first)) {
            return false;
        }
        peers_.erase(far);
        --candidates_;
    }
    peers_.emplace(d, peer_entry{p, peer_state::not_contacted, instant{}, hops});
    ++candidates_;
    return true;
}

std::optional<instant> closest_peers_query::earliest_deadline() const
{
    std::optional<instant> until;
    for (const auto& [d, e] : peers_) {
        if (e.state == peer_state::waiting && (!until || e.deadline < *until)) {
            until = e.deadline;
        }
    }
    return until;
}

bool closest_peers_query::at_capacity() const noexcept
{
    std::size_t limit = stalled_ ? std::max(k_, alpha_) : alpha_;
    return in_flight_ >= limit;
}

closest_peers_query::step closest_peers_query::next(instant now)
{
    if (finished_) {
        return done{};
    }
    // Time out stalled requests first, so every wait below has a deadline in the future. A timed
    // out peer frees its slot; a late answer is still taken (on_success accepts unresponsive).
    for (auto& [d, e] : peers_) {
        if (e.state == peer_state::waiting && now >= e.deadline) {
            e.state = peer_state::unresponsive;
            --in_flight_;
            ++stats_.timed_out;
        }
    }
    // Succeeded peers counted from the closest outward; an in-flight peer before the k-th one
    // means the result may still change, so counting stops (the k closest must all answer).
    std::optional<std::size_t> answered = 0;
    for (auto& [d, e] : peers_) {
        switch (e.state) {
        case peer_state::waiting:
            if (at_capacity()) {
                return wait{earliest_deadline()};
            }
            answered.reset();
            break;
        case peer_state::succeeded:
            if (answered && ++*answered >= k_) {
                finished_ = true;
                return done{};
            }
            break;
        case peer_state::not_contacted:
            if (stats_.requests >= max_requests_) {
                break; // request budget spent: only what is in flight can still change the result
            }
            if (at_capacity()) {
                return wait{earliest_deadline()};
            }
            e.state = peer_state::waiting;
            e.deadline = now + timeout_;
            --candidates_;
            ++in_flight_;
            ++stats_.requests;
            return ask{e.id};
        case peer_state::unresponsive:
        case peer_state::failed:
            break;
        }
    }
    if (in_flight_ > 0) {
        return wait{earliest_deadline()};
    }
    finished_ = true;
    return done{};
}

closest_peers_query::peer_entry* closest_peers_query::settle(const peer::peer_id& p, peer_state to)
{
    if (finished_) {
        return nullptr;
    }
    auto it = find(p);
    if (it == peers_.end()) {
        return nullptr;
    }
    auto& e = it->second;
    if (e.state == peer_state::waiting) {
        --in_flight_;
    } else if (e.state != peer_state::unresponsive) {
        return nullptr; // never asked, or already answered/failed
    }
    e.state = to;
    ++(to == peer_state::succeeded ? stats_.succeeded : stats_.failed);
    return &e;
}

void closest_peers_query::on_success(const peer::peer_id& p, std::span<const peer::peer_id> closer, instant)
{
    auto* e = settle(p, peer_state::succeeded);
    if (e == nullptr) {
        return;
    }
    std::size_t child_hops = e->hops + 1;

    // Progress: fewer than k peers known yet, or a newcomer is the closest peer known.
    bool progress = peers_.size() < k_;
    auto n = std::min(closer.size(), max_peers_per_answer_);
    for (std::size_t i = 0; i < n; ++i) {
        if (insert_candidate(closer[i], child_hops) && peers_.begin()->second.id == closer[i]) {
            progress = true;
        }
    }
    if (progress) {
        no_progress_ = 0;
        stalled_ = false;
    } else if (!stalled_ && ++no_progress_ >= alpha_) {
        stalled_ = true;
    }
}

void closest_peers_query::on_failure(const peer::peer_id& p, instant) { settle(p, peer_state::failed); }

std::vector<peer::peer_id> closest_peers_query::closest_succeeded(std::size_t count) const
{
    std::vector<peer::peer_id> out;
    for (const auto& [d, e] : peers_) {
        if (out.size() >= count) {
            break;
        }
        if (e.state == peer_state::succeeded) {
            out.push_back(e.id);
        }
    }
    return out;
}

std::size_t closest_peers_query::hops_of(const peer::peer_id& p) const
{
    auto it = find(p);
    return it == peers_.end() ? 0 : it->second.hops;
}

} // namespace pcp::p2p::kad
