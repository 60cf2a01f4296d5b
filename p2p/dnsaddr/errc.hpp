// SPDX-License-Identifier: MIT
// dnsaddr resolution errors (category "dnsaddr"). Lookup failures themselves come back as
// transport::dns errors (not_found, offline, …); these are about entries and limits.
#pragma once

#include "engine/errc.hpp"

namespace pcp::p2p::dnsaddr {

enum class errc {
    bad_entry = 1,      ///< a "dnsaddr=" TXT string whose value is not a valid multiaddr (skipped)
    no_addresses,       ///< every lookup answered, but no entry matched the address's suffix
    too_deep,           ///< a chain of lookups longer than max_depth (a /dnsaddr loop?); not followed
    too_many_lookups,   ///< more than max_lookups lookups for one address; the rest not looked up
    too_many_addresses, ///< more than max_addresses results; the rest dropped
    bad_name,           ///< a DNS name too long to query (over 253 bytes with "_dnsaddr.")
    too_many_entries,   ///< resolve_all got more than max_list_size addresses; the rest not resolved
};

const boost::system::error_category& dnsaddr_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), dnsaddr_category()};
}

} // namespace pcp::p2p::dnsaddr

template <>
struct boost::system::is_error_code_enum<pcp::p2p::dnsaddr::errc> : std::true_type {};
