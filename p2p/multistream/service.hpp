// SPDX-License-Identifier: MIT
// multistream-select over a stream (coroutine glue for machine.hpp). Bytes that arrive behind the
// final negotiation message belong to the selected protocol: they are returned in the stream
// (wrapped with transport::prefixed_stream), never dropped (libp2p-digest §4).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/task.hpp"
#include "transport/stream.hpp"

namespace pcp::p2p::multistream {

/// A negotiated stream: the protocol and the stream to speak it on.
struct negotiated {
    std::string protocol;
    std::unique_ptr<transport::stream> stream;
};

/// Propose `protocols` in order as the initiator. errc::no_protocol (or the machine's error) when
/// the listener refuses all of them. Cancel-safe only as a whole (the stream is then unusable).
[[nodiscard]] task<result<negotiated>> select_outbound(std::unique_ptr<transport::stream> s,
                                                       std::vector<std::string> protocols);

/// Answer proposals as the listener, accepting any of `supported`.
[[nodiscard]] task<result<negotiated>> select_inbound(std::unique_ptr<transport::stream> s,
                                                      std::vector<std::string> supported);

} // namespace pcp::p2p::multistream
