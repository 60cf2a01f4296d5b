// SPDX-License-Identifier: MIT
// The kad-dht `Message` protobuf (libp2p specs kad-dht/README.md "RPC messages"; libp2p-digest §9,
// vectors §16.8). proto3 as go sends it: zero values are absent on the wire (a PUT_VALUE has no
// field 1), unknown fields are skipped. Messages are LP-framed on the stream; these functions
// handle one body without the length prefix (the glue frames with pb::split_frame/append_frame).
// Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/kad/config.hpp"
#include "p2p/peer/multiaddr.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::kad {

/// Message.type (field 1). Values outside 0..5 survive decoding as their raw number.
enum class message_type : std::int32_t {
    put_value = 0,
    get_value = 1,
    add_provider = 2,
    get_providers = 3,
    find_node = 4,
    ping = 5, ///< deprecated: answered when received, never sent
};

/// Peer.connection (field 3). Values outside 0..3 survive decoding as their raw number.
enum class connection_type : std::int32_t {
    not_connected = 0,
    connected = 1,
    can_connect = 2,
    cannot_connect = 3,
};

/// Message.Peer: id (field 1), addrs (field 2, binary multiaddrs), connection (field 3).
struct peer_info {
    peer::peer_id id;
    std::vector<peer::multiaddr> addrs;
    connection_type connection = connection_type::not_connected;

    friend bool operator==(const peer_info&, const peer_info&) = default;
};

/// Record: key (1), value (2), timeReceived (5). Fields 3 and 4 (author, signature) were removed
/// from the spec and are skipped like any unknown field.
struct record {
    byte_buffer key;
    byte_buffer value;
    std::string time_received; ///< RFC 3339 text, kept verbatim (not validated)

    friend bool operator==(const record&, const record&) = default;
};

/// Message: type (1), key (2), record (3), closerPeers (8), providerPeers (9),
/// clusterLevelRaw (10). Requests and responses share it.
struct message {
    message_type type{};
    byte_buffer key;
    std::optional<record> rec;
    std::vector<peer_info> closer_peers;
    std::vector<peer_info> provider_peers;
    std::int32_t cluster_level_raw = 0;

    friend bool operator==(const message&, const message&) = default;
};

/// Decode one message body (no length prefix). Tolerant the way go and js are: peer entries whose
/// id is not a valid peer ID are dropped, addresses that do not decode as multiaddrs are dropped,
/// lists are cut at cfg.max_peers_per_message / cfg.max_addrs_per_peer, zero values may be absent,
/// unknown fields are skipped, a field that repeats keeps its last value (a repeated record is
/// merged field by field, as protobuf does). Errors: too_large (body over cfg.max_message_size),
/// malformed (bad protobuf anywhere, including inside a dropped entry, or a known field with the
/// wrong wire type), bad_key (key or record key longer than cfg.max_key_size).
[[nodiscard]] result<message> decode(bytes_view body, const config& cfg = {});

/// Append the protobuf body (no length prefix): fields in number order, zero values omitted
/// (type PUT_VALUE, empty key, connection NOT_CONNECTED, clusterLevelRaw 0), the record present
/// iff `rec` is set. Deterministic, so decode(encode(m)) == m for every m that decode produced.
void encode(const message& m, byte_buffer& out);
/// The body as a new buffer.
[[nodiscard]] byte_buffer encode(const message& m);

/// Encode `m` and append it LP-framed (uvarint(len) || body), as it goes on a kad stream.
void encode_framed(const message& m, byte_buffer& out);

} // namespace pcp::p2p::kad
