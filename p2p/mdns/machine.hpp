// SPDX-License-Identifier: MIT
// mDNS discovery logic (libp2p discovery/mdns.md, RFC 6762; libp2p-digest §10), sans I/O: a
// responder for the names we advertise and a querier with a bounded, TTL-expiring cache.
// The glue feeds received packets (handle_packet), drives time (poll_timeout/handle_timeout) and
// multicasts what poll_transmit returns; discovered peers come out of poll_event and peers().
//
// Names (see docs/protocols/mdns.md):
//   service S       `_p2p._udp.local` (libp2p) or `<label>._pcp._udp.local` (pcp_service_name)
//   instance        `<peer-name>.S`   (peer-name: random 32–63 lowercase alphanumerics)
//   host            `<peer-name>.local`
// A question `S PTR` is answered with PTR S → instance in answers and TXT (one string
// `dnsaddr=<multiaddr>/p2p/<id>` per address), SRV (→ host) and A/AAAA (host) in additionals.
// Direct TXT/SRV questions for the instance and A/AAAA questions for the host are answered too.
// Pure: no sockets, no clocks, no randomness (the peer name comes from the caller).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/clock.hpp"
#include "engine/result.hpp"
#include "p2p/mdns/wire.hpp"
#include "p2p/peer/multiaddr.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::mdns {

/// The libp2p mDNS service name.
inline constexpr std::string_view libp2p_service = "_p2p._udp.local";
/// Suffix of pcp discovery names: `<label>._pcp._udp.local`.
inline constexpr std::string_view pcp_service_suffix = "_pcp._udp.local";
/// mDNS UDP port; a query from any other source port is a legacy unicast query (RFC 6762 §6.7).
inline constexpr std::uint16_t mdns_port = 5353;
/// TTL of the records we send (js-libp2p uses 120 s).
inline constexpr std::uint32_t default_ttl = 120;
/// TTL cap in legacy unicast responses (RFC 6762 §6.7).
inline constexpr std::uint32_t legacy_unicast_ttl = 10;
/// Cached entries live at most this long whatever TTL the responder sent (go sends 3200 s).
inline constexpr std::uint32_t max_cache_ttl = 3600;
/// SRV port when no advertised address has a TCP/UDP port (go uses a dummy 4001 too).
inline constexpr std::uint16_t default_srv_port = 4001;
/// Bounds.
inline constexpr std::size_t max_advertised_names = 8;
inline constexpr std::size_t max_advertised_addrs = 16;
inline constexpr std::size_t max_active_queries = 8;
inline constexpr std::size_t max_cached_peers = 64;
inline constexpr std::size_t max_addrs_per_peer = 16;
inline constexpr std::size_t max_pending_transmits = 32;
inline constexpr std::size_t max_pending_events = 64;
/// Peer-name length range (spec: at least 32, less than 64 characters).
inline constexpr std::size_t min_peer_name_size = 32;
inline constexpr std::size_t max_peer_name_size = 63;
/// Announcements after advertise(): at once and after this delay (RFC 6762 §8.3: two, 1 s apart).
inline constexpr duration announce_interval = std::chrono::seconds(1);
/// A multicast answer for the same name is not repeated within this interval (anti-flood; well
/// below the querier's first retransmission at 250 ms, so a querier that started just after
/// someone else's answer waits at most one retransmission). RFC 6762 §6 asks for 1 s.
inline constexpr duration min_response_interval = std::chrono::milliseconds(100);
/// Query schedule: a query at once, then after each of these delays; the last repeats.
inline constexpr duration query_delays[] = {std::chrono::milliseconds(250), std::chrono::milliseconds(750),
                                            std::chrono::seconds(2), std::chrono::seconds(4),
                                            std::chrono::seconds(8), std::chrono::seconds(10)};

/// `<label>._pcp._udp.local`; errc::bad_label unless label is 1–63 of [a-z0-9-] (lower case).
[[nodiscard]] result<std::string> pcp_service_name(std::string_view label);
/// A peer name from random bytes: one of [a-z0-9] per byte, length clamp(entropy.size(), 32, 63)
/// (fewer than 32 bytes are reused cyclically; empty entropy gives "0"×32).
[[nodiscard]] std::string make_peer_name(bytes_view entropy);

/// A peer found by the querier. Addresses end in `/p2p/<id>` (as advertised), deduplicated.
struct found_peer {
    std::string service;
    peer::peer_id id;
    std::vector<peer::multiaddr> addrs;

    friend bool operator==(const found_peer&, const found_peer&) = default;
};

/// A packet to send: multicast to 224.0.0.251 / ff02::fb port 5353 on every interface, or, when
/// `to_source`, unicast back to the sender of the packet just handled (legacy unicast reply).
struct transmit {
    byte_buffer packet;
    bool to_source = false;
};

/// Counters for logs and tests.
struct machine_stats {
    std::uint64_t packets_in = 0;
    std::uint64_t malformed_in = 0;  ///< packets that did not decode
    std::uint64_t queries_answered = 0;
    std::uint64_t responses_in = 0;
    std::uint64_t own_ignored = 0;   ///< responses about a peer ID we advertise
    std::uint64_t dropped = 0;       ///< transmits, events or peers dropped at a bound
};

/// Responder + querier. Not thread-safe; every call from one thread (the glue's executor).
class machine {
public:
    /// `peer_name` should come from make_peer_name(32+ random bytes); a name that is not 1–63 of
    /// [a-z0-9] makes advertise() fail with bad_label.
    explicit machine(std::string peer_name, std::uint32_t ttl = default_ttl);

    // --- responder ---
    /// Answer queries for `service` with `addrs` (those we can advertise: ip4/ip6/dns* without
    /// circuit/ws/webrtc/webtransport, not unspecified; `/p2p/<id>` appended; at most
    /// max_advertised_addrs; TXT strings over 255 bytes skipped). Replaces an earlier
    /// advertisement of the same service and queues two announcements (now, now + 1 s).
    /// Errors: bad_label (peer name), bad_name (service), limit_exceeded (> max_advertised_names).
    [[nodiscard]] result<void> advertise(std::string service, peer::peer_id id, std::vector<peer::multiaddr> addrs,
                                         instant now);
    /// Stop answering for `service` and queue a goodbye (TTL 0) for it.
    void unadvertise(std::string_view service);
    /// Queue goodbyes for every advertised service and forget them (call before shutting down).
    void goodbye_all();

    // --- querier ---
    /// Start (or join: counted) a query for `service`; the first packet goes out at `now`.
    /// Errors: bad_name, limit_exceeded (> max_active_queries distinct services).
    [[nodiscard]] result<void> start_query(std::string service, instant now);
    /// Leave a query started with start_query; it stops when the last one leaves. Cached peers stay
    /// until their TTL expires.
    void stop_query(std::string_view service);
    /// Cached peers for `service` (not expired as of the last handle_timeout).
    [[nodiscard]] std::vector<found_peer> peers(std::string_view service) const;

    // --- I/O ---
    /// A received UDP payload and its source port. Malformed packets are counted and dropped.
    void handle_packet(bytes_view packet, std::uint16_t source_port, instant now);
    /// Next packet to send, in order.
    [[nodiscard]] std::optional<transmit> poll_transmit();
    /// Next discovery event: a new peer, or new addresses for a known one (the whole set).
    [[nodiscard]] std::optional<found_peer> poll_event();
    /// When handle_timeout must next run (queries, announcements, cache expiry), if ever.
    [[nodiscard]] std::optional<instant> poll_timeout() const;
    /// Send due queries and announcements; expire cache entries.
    void handle_timeout(instant now);

    [[nodiscard]] const std::string& peer_name() const noexcept { return peer_name_; }
    [[nodiscard]] const machine_stats& stats() const noexcept { return stats_; }

private:
    struct advertisement {
        std::string service;
        peer::peer_id id;
        std::vector<std::string> txt; ///< "dnsaddr=…/p2p/<id>"
        std::vector<std::array<std::byte, 4>> ip4;
        std::vector<std::array<std::byte, 16>> ip6;
        std::uint16_t srv_port = default_srv_port;
        std::optional<instant> last_multicast;
        std::vector<instant> announcements; ///< pending announcement times
    };
    struct query_state {
        std::size_t users = 0;
        std::size_t sent = 0;
        instant next;
    };
    struct cache_entry {
        std::string instance;
        std::vector<peer::multiaddr> addrs;
        instant expires;
    };

    [[nodiscard]] std::string instance_of(const advertisement& a) const;
    [[nodiscard]] std::string host() const;
    void answer(const message& query, bool legacy, instant now);
    [[nodiscard]] message full_response(const advertisement& a, std::uint32_t ttl) const;
    void add_host_records(std::vector<record>& out, std::uint16_t qtype, std::uint32_t ttl) const;
    void learn(const message& response, instant now);
    void queue(const message& m, bool to_source);
    void emit(found_peer p);
    [[nodiscard]] bool is_own(const peer::peer_id& id) const;

    std::string peer_name_;
    std::uint32_t ttl_;
    std::vector<advertisement> ads_;
    std::map<std::string, query_state> queries_; ///< key: lower-cased service name
    std::map<std::pair<std::string, peer::peer_id>, cache_entry> cache_; ///< (lower-cased service, id)
    std::deque<transmit> out_;
    std::deque<found_peer> events_;
    machine_stats stats_;
};

} // namespace pcp::p2p::mdns
