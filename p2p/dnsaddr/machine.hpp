// SPDX-License-Identifier: MIT
// The resolution of one multiaddr with DNS components as a sans-I/O machine: it emits the lookups
// to make (TXT of _dnsaddr.<domain> for /dnsaddr, A and/or AAAA for /dns4, /dns6, /dns), takes
// their answers, follows nested entries, and collects fully resolved addresses — within hard
// bounds on depth, lookups and addresses (DNSADDR.md allows recursion; go-libp2p caps it at 32
// resolution steps and 100 addresses per step). Pure: no clock, no I/O; service.cpp does lookups.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/result.hpp"
#include "p2p/dnsaddr/errc.hpp"
#include "p2p/dnsaddr/wire.hpp"
#include "p2p/peer/multiaddr.hpp"

namespace pcp::p2p::dnsaddr {

/// Hard bounds of one resolution. The defaults are the ones pcp uses.
struct limits {
    /// Lookups along one chain: /dnsaddr → /dnsaddr → /dns4 is 3. An entry that would need more
    /// is dropped with errc::too_deep (this also ends /dnsaddr loops).
    std::size_t max_depth = 4;
    /// Lookups for one address in total (go-libp2p's maxAddressResolution). Entries beyond are
    /// dropped with errc::too_many_lookups.
    std::size_t max_lookups = 32;
    /// Resolved addresses kept (go-multiaddr-dns' maxResolvedAddrs). Beyond: errc::too_many_addresses.
    std::size_t max_addresses = 100;
    /// TXT strings read from one answer; the rest are ignored (counted in skipped_entries()).
    std::size_t max_txt_records = 256;
};

/// Most failures recorded by one resolution (later ones are only counted).
inline constexpr std::size_t max_failures = 64;

/// What to look up.
enum class query_type : std::uint8_t {
    txt,    ///< TXT records (for /dnsaddr; the name already has the "_dnsaddr." prefix)
    a,      ///< IPv4 addresses (/dns4)
    aaaa,   ///< IPv6 addresses (/dns6)
    a_aaaa, ///< both (/dns)
};

/// One lookup the glue must make, then answer with handle_txt/handle_addresses/handle_failure.
struct lookup {
    std::uint32_t id = 0;
    query_type type = query_type::txt;
    std::string name;
};

/// An IP address from an A or AAAA answer.
struct ip_address {
    bool v6 = false;
    std::array<std::byte, 16> bytes{}; ///< network order; the first 4 bytes for IPv4
};

/// Why (part of) a resolution produced nothing.
struct failure {
    peer::multiaddr addr; ///< the address whose lookup failed or was dropped (the input or an entry)
    error_code error;     ///< a transport::dns error from the lookup, or a dnsaddr errc
};

/// Resolves one multiaddr: /dnsaddr recursively (keeping only entries that end with the same
/// components as those after /dnsaddr/<domain>, typically /p2p/<id>), /dns4, /dns6 and /dns to
/// /ip4 and /ip6 in place (prefix and suffix kept). An address without DNS components is done at
/// once and resolves to itself. Results are unique, in the order found (for /dns: IPv6 first).
class resolution {
public:
    explicit resolution(peer::multiaddr target, limits lim = {});

    /// The next lookup to make, or std::nullopt when none is ready now (all are in flight, or the
    /// resolution is done). Several may be in flight at once; answer each by its id.
    [[nodiscard]] std::optional<lookup> poll_lookup();
    /// The TXT records of a txt lookup (one string per record). Unknown ids are ignored.
    void handle_txt(std::uint32_t id, const std::vector<std::string>& records);
    /// The addresses of an a/aaaa/a_aaaa lookup; addresses of the other family are ignored.
    /// Unknown ids are ignored.
    void handle_addresses(std::uint32_t id, const std::vector<ip_address>& addrs);
    /// The lookup failed (or was cancelled, or timed out); recorded as a failure. Unknown ids
    /// are ignored.
    void handle_failure(std::uint32_t id, error_code ec);
    /// Lookups not answered yet become failures with `ec` (e.g. engine errc::timed_out when the
    /// glue's deadline passed), and nothing more is looked up: done() is true afterwards.
    void abandon(error_code ec);

    /// Nothing pending and nothing in flight.
    [[nodiscard]] bool done() const noexcept { return pending_.empty() && in_flight_.empty(); }
    /// Fully resolved addresses (no DNS components), at most limits::max_addresses.
    [[nodiscard]] const std::vector<peer::multiaddr>& addresses() const noexcept { return addresses_; }
    /// Failed or dropped steps, at most max_failures.
    [[nodiscard]] const std::vector<failure>& failures() const noexcept { return failures_; }
    /// Why addresses() is empty: the first failure, else errc::no_addresses; no error when it is
    /// not empty.
    [[nodiscard]] error_code error() const noexcept;
    /// Lookups emitted so far.
    [[nodiscard]] std::size_t lookups() const noexcept { return lookups_; }
    /// Lookups emitted and not answered yet.
    [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_.size(); }
    /// TXT strings skipped: "dnsaddr=" with a bad multiaddr, or beyond limits::max_txt_records.
    [[nodiscard]] std::size_t skipped_entries() const noexcept { return skipped_; }
    /// All failures, including those beyond max_failures.
    [[nodiscard]] std::size_t failure_count() const noexcept { return failure_count_; }

private:
    struct step {
        peer::multiaddr addr;
        std::size_t depth = 0; ///< lookups already made on the chain that led here
    };
    struct flight {
        std::uint32_t id = 0;
        step from;
        dns_split split;
    };

    void add(peer::multiaddr addr, std::size_t depth);
    void fail(const peer::multiaddr& addr, error_code ec);
    std::optional<flight> take(std::uint32_t id);

    limits limits_;
    std::deque<step> pending_;
    std::vector<flight> in_flight_;
    std::vector<peer::multiaddr> seen_; ///< every address queued for a lookup (no lookup twice)
    std::vector<peer::multiaddr> addresses_;
    std::vector<failure> failures_;
    std::size_t failure_count_ = 0;
    std::size_t lookups_ = 0;
    std::size_t skipped_ = 0;
    std::uint32_t next_id_ = 1;
    bool address_cap_hit_ = false;
};

} // namespace pcp::p2p::dnsaddr
