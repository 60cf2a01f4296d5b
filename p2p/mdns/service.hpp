// SPDX-License-Identifier: MIT
// mDNS service (coroutine glue around mdns::machine; RFC 6762, libp2p discovery/mdns.md): UDP port
// 5353 with SO_REUSEADDR/SO_REUSEPORT, 224.0.0.251 and ff02::fb joined on every suitable interface
// (up, multicast, not point-to-point; `lo` only when no other interface qualifies for that
// address family, or when forced), multicast loop on (two processes on one host hear each other),
// hop limit 255. Interfaces are chosen once, in open().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/clock.hpp"
#include "engine/task.hpp"
#include "p2p/mdns/machine.hpp"

namespace pcp::p2p::mdns {

/// How to open the service.
struct service_options {
    std::uint16_t port = mdns_port;      ///< tests only; other mDNS nodes listen on 5353
    bool ipv4 = true;
    bool ipv6 = true;
    bool force_loopback = false;         ///< also use `lo` when other multicast interfaces exist
    std::vector<std::string> interfaces; ///< use only these interface names (empty: automatic)
    std::string peer_name;               ///< empty: random 63 characters (make_peer_name)
    std::uint32_t ttl = default_ttl;
};

/// An interface mDNS runs on, with its addresses (used to expand 0.0.0.0 / :: when advertising).
struct mdns_interface {
    std::string name;
    unsigned index = 0;
    bool v4 = false; ///< joined 224.0.0.251 here
    bool v6 = false; ///< joined ff02::fb here
    std::vector<asio::ip::address> addrs;
};

/// The interfaces open() would choose (getifaddrs; no sockets opened).
[[nodiscard]] std::vector<mdns_interface> choose_interfaces(const service_options& opts);

/// One mDNS responder + querier. Every member must be called on the executor given to open()
/// (it is not thread-safe), except stop(), which may be called from any thread. The object must
/// outlive run() and every find().
class mdns_service {
public:
    /// Open and bind the sockets and join the groups. Errors: no usable interface
    /// (errc::no_such_device), socket errors.
    [[nodiscard]] static result<std::unique_ptr<mdns_service>> open(asio::any_io_executor ex, service_options opts = {});
    ~mdns_service();
    mdns_service(const mdns_service&) = delete;
    mdns_service& operator=(const mdns_service&) = delete;

    /// Answer queries for `name` (libp2p_service, or pcp_service_name(label)) with `addrs` as
    /// `dnsaddr=<addr>/p2p/<id>` TXT strings. An unspecified IP (0.0.0.0, ::) is expanded to the
    /// chosen interfaces' addresses (IPv6 link-local ones skipped). Replaces an earlier call for the
    /// same name and announces at once and 1 s later. Errors: as machine::advertise.
    [[nodiscard]] result<void> advertise(std::string name, peer::peer_id id, std::vector<peer::multiaddr> addrs);
    /// Stop answering for `name` (sends a goodbye).
    void unadvertise(const std::string& name);
    /// Query `name` until at least one peer (other than ourselves) is known or `timeout` passes;
    /// returns the peers known then (empty on timeout). Cached peers return at once.
    /// Errors: bad_name, limit_exceeded, engine errc::shutting_down after stop().
    [[nodiscard]] task<result<std::vector<found_peer>>> find(std::string name, duration timeout);
    /// Receive, answer and retransmit until stop(), or until the awaiting coroutine is cancelled
    /// (e.g. run() lost a `||` race; call stop() afterwards to send goodbyes and close the
    /// sockets). Run it exactly once.
    [[nodiscard]] task<void> run();
    /// Send goodbyes, close the sockets, wake run() and every find(); they return promptly.
    void stop();

    /// The interfaces in use.
    [[nodiscard]] const std::vector<mdns_interface>& interfaces() const noexcept;
    [[nodiscard]] const std::string& peer_name() const noexcept;
    [[nodiscard]] const machine_stats& stats() const noexcept;

    struct impl;

private:
    explicit mdns_service(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace pcp::p2p::mdns
