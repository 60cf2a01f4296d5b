// SPDX-License-Identifier: MIT
// Ping responder and requester over a negotiated stream (a 20–40 line protocol, STYLE §B.7).
#pragma once

#include <vector>

#include "engine/clock.hpp"
#include "engine/task.hpp"
#include "p2p/ping/wire.hpp"
#include "transport/stream.hpp"

namespace pcp::p2p::ping {

/// Echo 32-byte payloads until the peer closes, errs, or stays idle for `idle` (go: 10 s).
[[nodiscard]] task<result<void>> serve(transport::stream& s, duration idle = std::chrono::seconds(30));

/// Send `count` pings, one after another, and return each round-trip time. The stream stays
/// open for more pings; the caller half-closes it when done. errc (engine) closed
/// when the peer hangs up early; ping::mismatch-like errors surface as boost errc::bad_message.
[[nodiscard]] task<result<std::vector<duration>>> request(transport::stream& s, int count,
                                                          duration per_ping_timeout = std::chrono::seconds(10));

} // namespace pcp::p2p::ping
