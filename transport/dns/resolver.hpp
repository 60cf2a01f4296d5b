// SPDX-License-Identifier: MIT
// DNS lookups (TXT for /dnsaddr, A/AAAA for /dns, /dns4, /dns6) through c-ares 1.18 on an Asio
// executor. c-ares owns the DNS protocol (retries over the server list, EDNS, TCP fallback on
// truncation); this glue watches its sockets with stream_descriptor::async_wait and drives its
// timeouts with one steady_timer, on the executor the resolver was created with. No threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/clock.hpp"
#include "engine/task.hpp"
#include "transport/dns/errc.hpp"

namespace pcp::transport::dns {

/// Most servers in resolver_config::servers.
inline constexpr std::size_t max_servers = 8;
/// Most TXT records returned by one txt() lookup; later ones are dropped.
inline constexpr std::size_t max_txt_records = 512;
/// Most addresses returned by one addresses() lookup; later ones are dropped.
inline constexpr std::size_t max_addresses = 64;
/// Longest name accepted by txt() and addresses() (RFC 1035 text form, without a final dot).
inline constexpr std::size_t max_name_size = 253;

/// How a resolver talks to DNS.
struct resolver_config {
    /// Servers as "ip", "ip:port" or "[v6]:port" (port 53 when absent), tried in order. Empty:
    /// the system's (/etc/resolv.conf, as c-ares reads it).
    std::vector<std::string> servers;
    /// Time for the first try of a query at one server. c-ares doubles it on every pass over the
    /// server list, so with one server a query gives up after timeout × (2^tries − 1).
    duration timeout = 3s;
    /// Passes over the server list before a query fails with errc::offline (1..16).
    int tries = 2;
};

/// One c-ares channel on one executor. Every member must be called on that executor's thread
/// (it is not thread-safe), and the resolver must be destroyed before its execution context.
/// Destroying it completes every pending lookup with errc::cancelled.
class resolver {
public:
    /// Start a channel on `ex`. Errors: errc::bad_config (a server that does not parse, more
    /// than max_servers, tries outside 1..16, timeout outside 1 ms..10 min, or c-ares failed to
    /// start).
    [[nodiscard]] static result<std::unique_ptr<resolver>> create(asio::any_io_executor ex, resolver_config config);
    ~resolver();
    resolver(const resolver&) = delete;
    resolver& operator=(const resolver&) = delete;

    /// TXT records of `name` (queried as given, no search list); each record's character-strings
    /// are joined into one string, at most max_txt_records. Errors: not_found (NXDOMAIN or no TXT
    /// record), offline (no server answered within the timeout × tries bound), bad_response,
    /// bad_name, cancelled. Safe to cancel: the awaiting task's cancellation (e.g. a lost `||`
    /// race) ends the wait at once with errc::cancelled; the query itself is left to c-ares,
    /// which ends it within its timeout bound and frees it.
    [[nodiscard]] task<result<std::vector<std::string>>> txt(std::string name);

    /// A and/or AAAA addresses of `host` (hosts file first, then DNS with the system's search
    /// list). `family` is AF_INET, AF_INET6 or AF_UNSPEC (both). A numeric address comes back as
    /// itself. At most max_addresses, without duplicates. Errors: as txt(), plus bad_config for
    /// another family. Safe to cancel, as txt().
    [[nodiscard]] task<result<std::vector<asio::ip::address>>> addresses(std::string host, int family);

    /// End every pending lookup now with errc::cancelled. The resolver stays usable.
    void cancel();

    /// The executor the resolver runs on.
    [[nodiscard]] asio::any_io_executor get_executor() const noexcept;

    struct state;

private:
    explicit resolver(std::shared_ptr<state> s) noexcept;
    std::shared_ptr<state> state_;
};

} // namespace pcp::transport::dns
