// SPDX-License-Identifier: MIT
// Messages of the yamux error category.
#include "p2p/yamux/errc.hpp"

#include "engine/errc.hpp"

namespace pcp::p2p::yamux {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::bad_version: return "bad version";
    case errc::bad_type: return "bad frame type";
    case errc::protocol_error: return "protocol error";
    case errc::wrong_parity: return "stream opened with the wrong id parity";
    case errc::duplicate_stream: return "duplicate stream";
    case errc::window_exceeded: return "receive window exceeded";
    case errc::keepalive_timeout: return "keepalive timeout";
    case errc::control_queue_full: return "control queue full";
    case errc::session_closed: return "session closed";
    case errc::transport_closed: return "transport closed";
    case errc::remote_go_away: return "remote sent go away";
    case errc::local_go_away: return "session is going away";
    case errc::too_many_streams: return "too many streams";
    case errc::ack_backlog_full: return "too many unacknowledged streams";
    case errc::stream_ids_exhausted: return "stream ids exhausted";
    case errc::unknown_stream: return "unknown stream";
    case errc::stream_closed: return "stream closed for writing";
    case errc::stream_reset: return "stream reset";
    case errc::stream_busy: return "stream busy with a lent buffer";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& yamux_category() noexcept
{
    static const simple_category cat{"yamux", &message_of};
    return cat;
}
} // namespace pcp::p2p::yamux
