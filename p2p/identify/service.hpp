// SPDX-License-Identifier: MIT
// Identify responder and requester (specs identify/README.md; libp2p-digest §7): the responder
// writes one LP-framed message and closes; the requester reads LP messages until EOF and merges.
#pragma once

#include "engine/task.hpp"
#include "p2p/identify/wire.hpp"
#include "transport/stream.hpp"

namespace pcp::p2p::identify {

/// Send `m` as one LP-framed message, then half-close.
[[nodiscard]] task<result<void>> serve(transport::stream& s, const message& m);

/// Read every message until EOF (at most max_messages, each ≤ max_message_size) and merge them.
[[nodiscard]] task<result<message>> request(transport::stream& s);

} // namespace pcp::p2p::identify
