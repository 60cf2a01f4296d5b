// SPDX-License-Identifier: MIT
// Kademlia DHT node on a libp2p host (/ipfs/kad/1.0.0, libp2p-digest §9): the glue that runs the
// pure closest-peers query (query.hpp) over real streams, serves requests in server mode with the
// pure handler, keeps an address book, admits to the routing table only peers that answered, and
// bootstraps from a list of multiaddrs.
//
// Threading: call the public coroutines from one executor (the dht's home core). Inbound requests
// are served on the connection's core; every piece of shared state (routing table, address book,
// provider and record stores) sits behind one mutex that is never held across a co_await.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/task.hpp"
#include "p2p/host/host.hpp"
#include "p2p/kad/config.hpp"
#include "p2p/kad/provider_store.hpp"
#include "p2p/kad/query.hpp"
#include "p2p/kad/record_store.hpp"
#include "p2p/kad/routing_table.hpp"
#include "p2p/kad/wire.hpp"

namespace pcp::p2p::kad {

/// Outcomes of the node's operations (category "dht"); protocol errors use kad::errc.
enum class dht_errc {
    no_peers = 1, ///< nobody to ask: the routing table is empty (bootstrap found no DHT server)
    not_found,    ///< the lookup converged without finding the peer
    no_addresses, ///< nothing to announce: no address of the right scope (public on the public DHT)
};

const boost::system::error_category& dht_category() noexcept;

inline boost::system::error_code make_error_code(dht_errc e) noexcept
{
    return {static_cast<int>(e), dht_category()};
}

struct dht_options {
    config cfg;
    /// Serve /ipfs/kad/1.0.0 (listed in identify). Off for short-lived clients such as pcp send
    /// and receive (DESIGN §4: they would churn other nodes' routing tables).
    bool server = false;
    /// Keep private, link-local and loopback addresses (a private DHT made with --bootstrap).
    /// Off on the public DHT: only public addresses are learned, served and announced.
    bool allow_private = false;
    /// Most peers in the address book; the entries that expire first go when it is full.
    std::size_t max_address_book = 4096;
    /// Most bootstrap dials in flight at once.
    std::size_t bootstrap_parallel = 16;
    /// Inbound: most requests served on one stream, and how long a stream may sit idle.
    std::size_t max_requests_per_stream = 256;
    duration stream_idle_timeout = std::chrono::minutes(1);
};

/// Progress for the user (the CLI turns these into --json events and status lines).
struct dht_event {
    enum class kind {
        bootstrap_peer,   ///< a bootstrap peer answered (peer)
        bootstrap_failed, ///< a bootstrap peer did not (peer, detail)
        bootstrap_done,   ///< count = routing table size
        query_step,       ///< a lookup got an answer (peer, count = peers that answered so far)
        provider_found,   ///< peer
    };
    kind what;
    std::optional<peer::peer_id> peer;
    std::size_t count = 0;
    std::string detail;
};

class dht {
public:
    dht(host::host& h, dht_options opts);
    dht(const dht&) = delete;
    dht& operator=(const dht&) = delete;
    ~dht();

    [[nodiscard]] const dht_options& options() const noexcept { return opts_; }

    /// Register the kad protocol with the host when in server mode, and watch identify results to
    /// admit DHT servers that connect to us. Call once, before host.start().
    void install();

    /// Dial the bootstrap peers (each address must end in /p2p/<id>) in parallel, ask each for
    /// the peers closest to us, then look up our own ID. Everything ends by `deadline` (from now).
    /// Returns the routing table size; dht_errc::no_peers when no bootstrap peer answered.
    [[nodiscard]] task<result<std::size_t>> bootstrap(std::vector<peer::multiaddr> peers, duration deadline);

    /// The k closest DHT servers to `key` that answered (iterative FIND_NODE).
    [[nodiscard]] task<result<std::vector<peer::peer_id>>> closest_peers(byte_buffer key);

    /// Announce us as a provider of `mh` (multihash bytes) with `self_addrs` to the k closest
    /// peers. Returns how many peers the ADD_PROVIDER was written to (it has no reply).
    [[nodiscard]] task<result<std::size_t>> provide(byte_buffer mh, std::vector<peer::multiaddr> self_addrs);

    /// Look for providers of `mh`; each new one (with addresses) goes to `found` as soon as it
    /// arrives. Ends after `want` providers or when the lookup converged. Returns how many were found.
    [[nodiscard]] task<result<std::size_t>> find_providers(byte_buffer mh, std::size_t want,
                                                           std::function<void(const peer_info&)> found);

    /// Find the addresses of one peer (iterative FIND_NODE for its ID).
    [[nodiscard]] task<result<peer_info>> find_peer(peer::peer_id id);

    /// Refresh idle buckets every `interval` (server nodes); ends when cancelled.
    [[nodiscard]] task<void> refresh_loop(duration interval);

    /// Snapshot of the routing table.
    [[nodiscard]] std::vector<peer::peer_id> routing_table_peers() const;
    [[nodiscard]] std::size_t routing_table_size() const;
    [[nodiscard]] std::size_t provider_count() const;

    /// Remember addresses for a peer (filtered by scope unless allow_private).
    void add_addresses(const peer::peer_id& id, const std::vector<peer::multiaddr>& addrs);
    /// Known dialable addresses of a peer.
    [[nodiscard]] std::vector<peer::multiaddr> addresses_of(const peer::peer_id& id) const;

    /// Progress events; set before calling the coroutines. Runs on the home executor.
    std::function<void(const dht_event&)> on_event;

    // Used by the implementation's coroutines (public so they can be free functions).
    struct lookup;
    struct ask_result;
    [[nodiscard]] task<result<message>> request(peer::peer_id to, message m);

private:
    /// A lookup for `target` seeded with the k closest peers of the table (no_peers when empty).
    [[nodiscard]] result<std::shared_ptr<lookup>> start_lookup(const key256& target, asio::any_io_executor ex);
    [[nodiscard]] task<result<std::vector<peer::peer_id>>> iterate(key256 target, message req, std::shared_ptr<lookup> l);
    [[nodiscard]] task<void> ask(std::shared_ptr<lookup> l, peer::peer_id to, message req);
    [[nodiscard]] task<void> bootstrap_one(std::shared_ptr<lookup> l, peer::multiaddr addr);
    [[nodiscard]] task<void> serve(std::shared_ptr<host::connection> c, std::unique_ptr<transport::stream> s);
    [[nodiscard]] task<void> check_and_admit(peer::peer_id id);
    [[nodiscard]] task<result<message>> request_inner(peer::peer_id to, message m);
    void learn(const std::vector<peer_info>& peers);
    void admit(const peer::peer_id& id, const asio::any_io_executor& ex);
    [[nodiscard]] bool keep_addr(const peer::multiaddr& a) const;
    void emit(const dht_event& e) const;

    host::host& host_;
    dht_options opts_;
    key256 self_key_;

    mutable std::mutex mu_;
    routing_table table_;
    provider_store providers_;
    record_store records_;
    struct book_entry {
        std::vector<peer::multiaddr> addrs;
        instant expires;
    };
    std::map<peer::peer_id, book_entry> book_;
    std::vector<peer::peer_id> checking_; ///< peers whose admission check is in flight
};

/// The provider key pcp uses for a discovery ID: the multihash inside
/// CIDv1(raw, sha2-256(discovery_id)) — providers are keyed by multihash (digest §9 trap).
[[nodiscard]] byte_buffer discovery_key(std::string_view discovery_id);

} // namespace pcp::p2p::kad

template <>
struct boost::system::is_error_code_enum<pcp::p2p::kad::dht_errc> : std::true_type {};
