// SPDX-License-Identifier: MIT
// The closest-peers lookup (libp2p specs kad-dht/README.md "Peer routing"; the Kademlia paper's
// iterative node lookup), as a pure iterator in the shape of rust-libp2p's ClosestPeersIter: the
// glue asks next() what to do, sends the requests it names and reports answers and failures.
// Termination, limits and the stalled-lookup rule are in docs/protocols/kad.md. Pure: time comes
// in as `now`, nothing is read from a clock.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "engine/clock.hpp"
#include "p2p/kad/config.hpp"
#include "p2p/kad/routing_table.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::kad {

/// Counters of one lookup.
struct query_stats {
    std::size_t requests = 0;  ///< ask steps handed out
    std::size_t succeeded = 0; ///< on_success for a peer we asked (late answers included)
    std::size_t failed = 0;    ///< on_failure for a peer we asked
    std::size_t timed_out = 0; ///< peers that passed request_timeout without an answer
};

/// Iterative lookup of the k peers closest to `target`.
///
/// Rule: a lookup keeps every peer it has heard of ordered by distance to the target. next()
/// walks that order; it ends when the k closest peers that have not failed have all answered
/// (or nothing is left to ask and nothing is in flight). At most α requests are in flight while
/// the lookup makes progress; after α answers in a row that brought no peer closer than the
/// closest known, it is "stalled" and may have up to k in flight, to finish quickly (as rust).
/// A peer that does not answer within request_timeout counts as failed for that rule and frees
/// its slot, but a late on_success is still taken. No peer is asked twice; self is never asked.
class closest_peers_query {
public:
    /// Start a lookup. `seeds` (usually the routing table's k closest) have hop count 0; self
    /// (cfg-independent: pass it as `self`) and duplicates are ignored.
    closest_peers_query(key256 target, std::vector<peer::peer_id> seeds, const config& cfg, instant now,
                        std::optional<peer::peer_id> self = std::nullopt);

    /// Send a request to this peer now; it counts as in flight until on_success/on_failure or
    /// its timeout (request_timeout after the next() that returned it).
    struct ask {
        peer::peer_id peer;
    };
    /// Nothing to do until an answer arrives or `until` (the earliest in-flight timeout) passes;
    /// call next() again then.
    struct wait {
        std::optional<instant> until;
    };
    /// The lookup is over: read closest_succeeded(). Further next() calls return done.
    struct done {};
    using step = std::variant<ask, wait, done>;

    /// What to do now. Call repeatedly (each ask is one request) until it returns wait or done.
    /// Marks in-flight peers whose timeout is <= now as timed out.
    [[nodiscard]] step next(instant now);
    /// `p` answered with `closer` peers. Unknown peers (never asked) are ignored; self, peers
    /// already known and anything past the candidate bound are skipped; at most
    /// cfg.max_peers_per_message entries of `closer` are looked at.
    void on_success(const peer::peer_id& p, std::span<const peer::peer_id> closer, instant now);
    /// The request to `p` failed (stream error, bad answer). Ignored for a peer not in flight.
    void on_failure(const peer::peer_id& p, instant now);
    /// End the lookup now (e.g. enough providers found); next() returns done from here on.
    void finish() noexcept { finished_ = true; }
    [[nodiscard]] bool finished() const noexcept { return finished_; }

    /// Up to `count` peers that answered, nearest to the target first.
    [[nodiscard]] std::vector<peer::peer_id> closest_succeeded(std::size_t count) const;
    /// 0 for a seed, else 1 + the hop count of the (first) peer that told us about it; 0 for a
    /// peer the lookup does not know.
    [[nodiscard]] std::size_t hops_of(const peer::peer_id& p) const;
    /// Peers the lookup keeps (candidates plus every peer it asked).
    [[nodiscard]] std::size_t known_peers() const noexcept { return peers_.size(); }
    /// Requests currently in flight (asked, no answer, not timed out).
    [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_; }
    [[nodiscard]] query_stats stats() const noexcept { return stats_; }
    [[nodiscard]] const key256& target() const noexcept { return target_; }

private:
    enum class peer_state { not_contacted, waiting, unresponsive, failed, succeeded };
    struct peer_entry {
        peer::peer_id id;
        peer_state state = peer_state::not_contacted;
        instant deadline{};
        std::size_t hops = 0;
    };
    using peer_map = std::map<key256, peer_entry>; ///< by distance to target_

    peer_map::iterator find(const peer::peer_id& p);
    peer_map::const_iterator find(const peer::peer_id& p) const;
    /// Add a not-contacted peer; false when it is self, already known, or past the bound.
    bool insert_candidate(const peer::peer_id& p, std::size_t hops);
    /// Move an asked peer (waiting or unresponsive) to `to`; nullptr when the report is ignored.
    peer_entry* settle(const peer::peer_id& p, peer_state to);
    [[nodiscard]] std::optional<instant> earliest_deadline() const;
    [[nodiscard]] bool at_capacity() const noexcept;

    key256 target_;
    std::optional<peer::peer_id> self_;
    std::size_t k_;
    std::size_t alpha_;
    duration timeout_;
    std::size_t max_candidates_;
    std::size_t max_requests_;
    std::size_t max_peers_per_answer_;
    peer_map peers_;
    std::size_t candidates_ = 0; ///< entries in not_contacted
    std::size_t in_flight_ = 0;  ///< entries in waiting
    std::size_t no_progress_ = 0;
    bool stalled_ = false;
    bool finished_ = false;
    query_stats stats_;
};

} // namespace pcp::p2p::kad
