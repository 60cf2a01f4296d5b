// SPDX-License-Identifier: MIT
// Server mode: answer one inbound kad request (libp2p specs kad-dht/README.md "RPC messages";
// go-libp2p-kad-dht handlers.go for the de-facto rules; libp2p-digest §9). Pure, so the glue only
// reads a framed message, calls handle_request, and writes the reply if there is one.
#pragma once

#include <functional>
#include <optional>

#include "engine/clock.hpp"
#include "engine/result.hpp"
#include "p2p/kad/config.hpp"
#include "p2p/kad/provider_store.hpp"
#include "p2p/kad/record_store.hpp"
#include "p2p/kad/routing_table.hpp"
#include "p2p/kad/wire.hpp"

namespace pcp::p2p::kad {

/// What the node knows about a peer: its addresses (empty = unknown, the peer is then left out
/// of replies) and whether we are connected. Called with our own ID too (return our listen
/// addresses, or nothing to never mention ourselves).
using peer_lookup = std::function<peer_info(const peer::peer_id&)>;

/// Answer `req` from `from` (the Noise-authenticated peer):
/// - FIND_NODE: closerPeers = the k closest to sha256(key) from `table` that `lookup` has
///   addresses for (peers without are skipped and farther ones fill in, from the 2k closest),
///   never `from`; plus the target itself when key is a peer ID other than `from` that `lookup`
///   knows (go). Key not echoed.
/// - GET_PROVIDERS: key echoed, providerPeers from `providers` (addresses filled from `lookup`
///   when the stored ones expired; entries without addresses dropped), closerPeers as above.
/// - ADD_PROVIDER: stores each providerPeers entry whose ID is `from` and that has >= 1 address;
///   returns nullopt (the protocol has no reply).
/// - GET_VALUE: key echoed, the record if held, closerPeers.
/// - PUT_VALUE: record validated and stored; the reply echoes the request.
/// - PING: echoed.
/// Errors (the glue resets the stream): bad_key (empty key; provider key over
/// max_provider_key_size), bad_record / unsupported_namespace / store_full (PUT_VALUE),
/// bad_request (unknown type, PUT_VALUE without record or with record.key != key).
[[nodiscard]] result<std::optional<message>> handle_request(const message& req, const peer::peer_id& from,
                                                            const config& cfg, const routing_table& table,
                                                            provider_store& providers, record_store& records,
                                                            const peer_lookup& lookup, instant now);

} // namespace pcp::p2p::kad
