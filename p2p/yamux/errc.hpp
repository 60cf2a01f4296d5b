// SPDX-License-Identifier: MIT
// Error codes of yamux (libp2p/specs yamux/README.md, hashicorp yamux spec.md): framing errors
// from wire.cpp, session and stream errors from machine.cpp. Category name "yamux". Pure.
#pragma once

#include <type_traits>

#include <boost/system/error_code.hpp>

namespace pcp::p2p::yamux {

/// Every way a yamux session or stream operation can fail.
enum class errc {
    bad_version = 1,      ///< header version is not 0
    bad_type,             ///< header type is not Data/WindowUpdate/Ping/GoAway
    protocol_error,       ///< a frame that breaks the protocol (e.g. Data on stream 0)
    wrong_parity,         ///< the peer opened a stream with our parity ("both are clients")
    duplicate_stream,     ///< SYN for a stream that is already open
    window_exceeded,      ///< the peer sent more Data than our receive window allowed
    keepalive_timeout,    ///< our ping was not answered within config::ping_timeout
    control_queue_full,   ///< the peer provoked more control frames than we may queue
    session_closed,       ///< the session is closed (see the session_closed event's reason)
    transport_closed,     ///< the glue reported the underlying connection gone
    remote_go_away,       ///< the peer sent GoAway: no new streams
    local_go_away,        ///< we sent GoAway: no new streams
    too_many_streams,     ///< config::max_outbound_streams reached
    ack_backlog_full,     ///< config::max_unacked_outbound reached; retry after can_open
    stream_ids_exhausted, ///< no stream ids left on this session
    unknown_stream,       ///< no such stream (never opened, or already gone)
    stream_closed,        ///< write after close_write()
    stream_reset,         ///< the stream was reset
    stream_busy,          ///< a lend() is outstanding on the stream: take_back() it first
};

/// The yamux error category ("yamux: ...").
const boost::system::error_category& yamux_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), yamux_category()};
}

} // namespace pcp::p2p::yamux

template <>
struct boost::system::is_error_code_enum<pcp::p2p::yamux::errc> : std::true_type {};
