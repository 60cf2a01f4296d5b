// SPDX-License-Identifier: MIT
// /pcp/pake/1.0.0 over a byte stream (coroutine glue for machine.hpp; docs/protocols/pake.md):
// runs one CPace exchange with key confirmation on a dedicated stream and returns the session key.
#pragma once

#include "engine/clock.hpp"
#include "engine/task.hpp"
#include "p2p/pake/machine.hpp"
#include "transport/stream.hpp"

namespace pcp::p2p::pake {

/// Run one exchange over `s` as `side`, with a fresh random scalar. `initiator_peer` and
/// `responder_peer` are the binary peer IDs of the dialer (receiver) and the listener (sender), in
/// that order on both ends; `handshake_hash` is the Noise handshake hash of the connection `s` runs
/// on. Succeeds with the session key when both sides proved the same code. Errors: pake::errc
/// (wrong_code on either side when the codes differ; abandoned for a responder whose peer did not
/// confirm after seeing its share: count it with attempt_limiter::record_failure(); invalid_input;
/// protocol errors), engine::errc::timed_out when `timeout` passes first (a responder that already
/// sent its share reports abandoned instead), or the stream's error (likewise). When the machine
/// finishes, our last message (message 3, or an abort) is written and the write side is closed
/// (best effort); the caller still owns `s` and closes or aborts it. Not meant to be cancelled
/// except through `timeout`.
[[nodiscard]] task<result<session_key>> run(transport::stream& s, role side, const secret& password,
                                            bytes_view initiator_peer, bytes_view responder_peer,
                                            bytes_view handshake_hash, duration timeout);

/// The same with the password as plain bytes (e.g. cli::words::secret_string::bytes()); the
/// caller keeps them alive, and wipes them, until the returned task completes.
[[nodiscard]] task<result<session_key>> run(transport::stream& s, role side, bytes_view password,
                                            bytes_view initiator_peer, bytes_view responder_peer,
                                            bytes_view handshake_hash, duration timeout);

} // namespace pcp::p2p::pake
