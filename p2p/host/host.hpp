// SPDX-License-Identifier: MIT
// The libp2p host: listeners, the upgrader, a protocol router for inbound streams, identify and
// ping on every connection, and a connection manager (connection and handshake limits, dial
// dedup per peer, idle close, happy-eyeballs dialing with timeouts).
// Each connection lives on one core for its whole life; the accept loop hands new sockets to the
// least-loaded core (DESIGN §3). Host bookkeeping (the connection table) is behind one mutex; the
// data path never takes it.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/core_pool.hpp"
#include "engine/notify.hpp"
#include "engine/task.hpp"
#include "p2p/host/upgrader.hpp"
#include "p2p/identify/wire.hpp"
#include "p2p/multistream/service.hpp"
#include "p2p/peer/keys.hpp"
#include "p2p/peer/multiaddr.hpp"
#include "transport/tcp/tcp_stream.hpp"

namespace pcp::p2p::host {

/// Host limits and timeouts; defaults are what `pcp node` uses.
struct host_config {
    std::vector<peer::multiaddr> listen;        ///< /ip4|ip6/…/tcp/… (port 0 = any)
    std::string agent_version = "pcp/0.1.0";
    std::size_t max_connections = 1024;         ///< live connections; more inbound are closed at once
    std::size_t max_pending_handshakes = 128;   ///< concurrent inbound upgrades (slowloris bound)
    duration handshake_timeout = std::chrono::seconds(10);
    duration dial_timeout = std::chrono::seconds(10);       ///< per address, TCP connect + upgrade
    duration negotiation_timeout = std::chrono::seconds(10);///< multistream-select on a stream
    duration happy_eyeballs_delay = std::chrono::milliseconds(250);
    duration idle_timeout = std::chrono::minutes(2);        ///< no streams for this long → close; 0 = never
    duration identify_timeout = std::chrono::seconds(5);
    /// Once at least this many connections have closed and the table is at most half its peak,
    /// hand the heap memory they freed back to the OS (glibc malloc_trim, 500 ms later, coalesced).
    /// glibc keeps it otherwise: ~70 KiB per closed connection stayed in RSS (bench/load). 0 = never.
    std::size_t release_memory_after = 64;
    yamux::config yamux;
};

class host;

/// One live connection to an authenticated peer.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(host& h, upgraded up, peer::multiaddr local, peer::multiaddr remote, bool outbound, asio::any_io_executor ex);

    [[nodiscard]] const peer::peer_id& remote_peer() const noexcept { return info_.remote_peer; }
    [[nodiscard]] const peer::public_key& remote_key() const noexcept { return info_.remote_key; }
    [[nodiscard]] const peer::multiaddr& remote_addr() const noexcept { return remote_; }
    [[nodiscard]] const peer::multiaddr& local_addr() const noexcept { return local_; }
    [[nodiscard]] bool outbound() const noexcept { return outbound_; }
    [[nodiscard]] const crypto::hash32& handshake_hash() const noexcept { return info_.handshake_hash; }
    [[nodiscard]] asio::any_io_executor executor() const { return ex_; }
    [[nodiscard]] yamux::session_service& mux() noexcept { return *mux_; }
    [[nodiscard]] bool closed() const noexcept { return mux_->closed(); }

    /// Open a stream and negotiate one of `protocols` (call on executor()).
    [[nodiscard]] task<result<multistream::negotiated>> open_stream(std::vector<std::string> protocols);
    /// The remote's identify, waiting up to `timeout` for it (call on executor()).
    [[nodiscard]] task<result<identify::message>> remote_identify(duration timeout);
    /// The remote's identify if it has arrived (nullptr otherwise); call on executor().
    [[nodiscard]] const identify::message* identify_value() const noexcept { return identify_ ? &*identify_ : nullptr; }
    /// Why identify failed, if it did.
    [[nodiscard]] const error_code& identify_error() const noexcept { return identify_error_; }
    /// Close gracefully (GoAway); call on executor().
    void close() { mux_->close(); }

private:
    friend class host;
    host& host_;
    std::shared_ptr<yamux::session_service> mux_;
    noise::session_info info_;
    peer::multiaddr local_;
    peer::multiaddr remote_;
    bool outbound_;
    asio::any_io_executor ex_;
    std::optional<identify::message> identify_;
    error_code identify_error_;
    engine::notifier identified_;
};

/// Handles one inbound stream whose protocol was negotiated. Runs on the connection's core.
/// Write it as a plain function (or a non-capturing lambda) returning a named coroutine.
using stream_handler = std::function<task<void>(std::shared_ptr<connection>, std::unique_ptr<transport::stream>)>;

class host {
public:
    host(engine::core_pool& pool, peer::ed25519_keypair identity, host_config cfg);
    host(const host&) = delete;
    host& operator=(const host&) = delete;
    ~host();

    [[nodiscard]] const peer::peer_id& id() const noexcept { return id_; }
    [[nodiscard]] const peer::ed25519_keypair& identity() const noexcept { return identity_; }
    [[nodiscard]] const host_config& config() const noexcept { return cfg_; }
    /// Register a protocol handler (before start()). Identify and ping are built in.
    void handle(std::string protocol, stream_handler h);
    /// Protocol IDs we accept inbound, in registration order.
    [[nodiscard]] std::vector<std::string> protocols() const;

    /// Bind every listen address and start accepting (accept loops run on core 0).
    [[nodiscard]] result<void> start();
    /// The addresses we listen on, with real ports, unspecified IPs expanded to interface addresses.
    [[nodiscard]] std::vector<peer::multiaddr> listen_addrs() const;

    /// Dial a peer: `addrs` are tried with happy-eyeballs staggering; the first connection that
    /// authenticates as `expected` (or, if none is given, as the /p2p/ of an address) wins. An
    /// existing connection to that peer is reused. Runs on the caller's core.
    [[nodiscard]] task<result<std::shared_ptr<connection>>> connect(std::vector<peer::multiaddr> addrs,
                                                                    std::optional<peer::peer_id> expected = std::nullopt);

    /// Close listeners and every connection (GoAway). Safe from any thread.
    void stop();
    [[nodiscard]] std::size_t connection_count() const;
    [[nodiscard]] std::vector<std::shared_ptr<connection>> connections() const;

    /// Called (on the connection's core) once a connection's remote identify arrived or failed.
    std::function<void(connection&)> on_identified;

private:
    friend class connection;
    struct dial_race;
    task<void> accept_loop(std::size_t index);
    task<void> inbound(transport::tcp::tcp_stream s, engine::core_pool::load_guard load);
    task<result<std::shared_ptr<connection>>> dial_one(peer::multiaddr addr, std::optional<peer::peer_id> expected);
    task<void> dial_attempt(std::shared_ptr<dial_race> race, peer::multiaddr addr, std::optional<peer::peer_id> expected,
                            duration delay);
    task<void> serve(std::shared_ptr<connection> c);
    task<void> accept_streams(std::shared_ptr<connection> c);
    task<void> idle_watch(std::shared_ptr<connection> c);
    task<void> identify_remote(std::shared_ptr<connection> c);
    task<void> route(std::shared_ptr<connection> c, std::unique_ptr<transport::stream> s);
    void start_serving(const std::shared_ptr<connection>& c);
    [[nodiscard]] identify::message identify_for(const connection& c) const;
    void remove(const connection* c);
    void note_added_locked(); ///< after a push to conns_, with mu_ held: keeps conns_peak_

    engine::core_pool& pool_;
    peer::ed25519_keypair identity_;
    peer::peer_id id_;
    host_config cfg_;
    std::vector<std::string> protocol_order_;
    std::map<std::string, stream_handler, std::less<>> handlers_;
    std::vector<std::unique_ptr<transport::tcp::listener>> listeners_;
    std::vector<peer::multiaddr> bound_;

    mutable std::mutex mu_;
    std::vector<std::shared_ptr<connection>> conns_;
    std::size_t pending_handshakes_ = 0;
    std::size_t conns_peak_ = 0; ///< largest table size since the last memory release
    bool stopped_ = false;
    std::shared_ptr<std::atomic<bool>> release_pending_ = std::make_shared<std::atomic<bool>>(false);
};

/// "/ip4/a/tcp/p" for a TCP endpoint.
[[nodiscard]] peer::multiaddr to_multiaddr(const asio::ip::tcp::endpoint& ep);
/// The TCP endpoint of an `/ip4|ip6/…/tcp/…` address, if it is one.
[[nodiscard]] std::optional<asio::ip::tcp::endpoint> to_endpoint(const peer::multiaddr& ma);

} // namespace pcp::p2p::host
