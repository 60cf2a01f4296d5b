// SPDX-License-Identifier: MIT
// mDNS errors (category "mdns").
#pragma once

#include "engine/errc.hpp"

namespace pcp::p2p::mdns {

enum class errc {
    malformed = 1,  ///< not a valid DNS message (bad pointer, bad RDATA length, trailing garbage…)
    truncated,      ///< the packet ends inside a header, name, record or RDATA
    too_large,      ///< a packet above max_packet_size
    limit_exceeded, ///< too many questions/records/TXT strings, or too many compression hops
    bad_name,       ///< a name or label too long, an empty label, or a bad escape
    bad_label,      ///< a discovery label that is not 1–63 of [a-z0-9-]
};

const boost::system::error_category& mdns_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), mdns_category()};
}

} // namespace pcp::p2p::mdns

template <>
struct boost::system::is_error_code_enum<pcp::p2p::mdns::errc> : std::true_type {};
