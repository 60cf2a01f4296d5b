// SPDX-License-Identifier: MIT
// DNS resolver errors (category "dns"): what a failed lookup through transport::dns::resolver
// means for the caller. c-ares status codes are folded into these in resolver.cpp.
#pragma once

#include "engine/errc.hpp"

namespace pcp::transport::dns {

enum class errc {
    not_found = 1, ///< NXDOMAIN, or the name has no record of the requested type: the name is wrong or
                   ///< unpublished; retrying will not help
    offline,       ///< no DNS server answered (timeouts, connection refused, no route, or every server
                   ///< said SERVFAIL/REFUSED): the network looks offline; retry later or use another server
    bad_response,  ///< a server's answer could not be parsed
    bad_name,      ///< the name cannot be looked up (empty, longer than 253 bytes, bad characters)
    cancelled,     ///< resolver::cancel(), the awaiting task was cancelled, or the resolver was destroyed
    bad_config,    ///< a server that is not "ip", "ip:port" or "[v6]:port", a bad family or timeout, or
                   ///< c-ares could not start
};

const boost::system::error_category& dns_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), dns_category()};
}

} // namespace pcp::transport::dns

template <>
struct boost::system::is_error_code_enum<pcp::transport::dns::errc> : std::true_type {};
