// SPDX-License-Identifier: MIT
// PAKE errors (category "pake"), for /pcp/pake/1.0.0 (docs/protocols/pake.md).
#pragma once

#include "engine/errc.hpp"

namespace pcp::p2p::pake {

enum class errc {
    malformed = 1,      ///< not a valid pake frame or protobuf (bad field size, duplicate field)
    message_too_large,  ///< a frame longer than max_message_size
    limit_exceeded,     ///< the peer's associated data is longer than max_ad_size
    invalid_input,      ///< a local input out of range (password, peer IDs, session ID, AD)
    unexpected_message, ///< a message without the fields this step requires
    invalid_share,      ///< the peer's share is not a valid, non-neutral ristretto255 element
    wrong_code,         ///< key confirmation failed: the two sides used different codes
    peer_aborted,       ///< the peer aborted the exchange (a protocol error on its side)
    abandoned,          ///< responder: no valid confirmation after our share (the peer left,
                        ///< timed out, aborted or sent garbage); counts as a failed attempt
    truncated,          ///< the stream ended before the exchange finished
};

const boost::system::error_category& pake_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), pake_category()};
}

} // namespace pcp::p2p::pake

template <> struct boost::system::is_error_code_enum<pcp::p2p::pake::errc> : std::true_type {
};
