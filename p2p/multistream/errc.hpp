// SPDX-License-Identifier: MIT
// Error codes of multistream-select 1.0 (libp2p/specs connections/README.md, multiformats/
// multistream-select README.md): framing errors from wire.cpp and negotiation failures from
// machine.cpp. Category name "multistream". Pure: no Asio.
#pragma once

#include <type_traits>

#include <boost/system/error_code.hpp>

namespace pcp::p2p::multistream {

/// Every way a multistream-select exchange can fail.
enum class errc {
    message_too_large = 1, ///< a length prefix above max_message_size (or an oversized encode)
    bad_length,            ///< a malformed varint length prefix (non-minimal, too long) or zero
    missing_newline,       ///< a message whose last byte is not '\n'
    bad_header,            ///< the first message was not "/multistream/1.0.0"
    unexpected_message,    ///< the dialer got neither its proposal echoed nor "na"
    protocol_not_supported,///< the listener refused every proposal
    too_many_attempts,     ///< the dialer made more proposals than the listener allows
    invalid_argument,      ///< an empty protocol list or an unusable protocol id
    bad_listing,           ///< an "ls" response that does not parse
};

/// The multistream error category ("multistream: ...").
const boost::system::error_category& multistream_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), multistream_category()};
}

} // namespace pcp::p2p::multistream

template <>
struct boost::system::is_error_code_enum<pcp::p2p::multistream::errc> : std::true_type {};
