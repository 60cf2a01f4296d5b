// SPDX-License-Identifier: MIT
// The Identify message (libp2p specs identify/README.md; libp2p-digest §7): `/ipfs/id/1.0.0` and
// `/ipfs/id/push/1.0.0`. LP-framed protobuf, one message < 4 KiB when we send; when receiving,
// up to max_messages messages of ≤ max_message_size each, merged. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"

namespace pcp::p2p::identify {

inline constexpr std::string_view protocol_id = "/ipfs/id/1.0.0";
inline constexpr std::string_view push_protocol_id = "/ipfs/id/push/1.0.0";
/// Largest single message we accept (go and js: 8 KiB).
inline constexpr std::size_t max_message_size = 8 * 1024;
/// Messages merged from one stream at most (go: 10).
inline constexpr std::size_t max_messages = 10;
/// Limits on repeated fields and strings inside one message.
inline constexpr std::size_t max_addrs = 64;
inline constexpr std::size_t max_protocols = 128;
inline constexpr std::size_t max_string = 1024;

/// An Identify message; absent optional fields are "unchanged" for push.
struct message {
    std::optional<std::string> protocol_version;  ///< field 5
    std::optional<std::string> agent_version;     ///< field 6
    std::optional<byte_buffer> public_key;        ///< field 1: serialized PublicKey
    std::vector<byte_buffer> listen_addrs;        ///< field 2: binary multiaddrs
    std::optional<byte_buffer> observed_addr;     ///< field 4
    std::vector<std::string> protocols;           ///< field 3
    std::optional<byte_buffer> signed_peer_record;///< field 8: Envelope(PeerRecord)
    bool has_listen_addrs = false;                ///< field 2 appeared at least once
    bool has_protocols = false;                   ///< field 3 appeared at least once
};

/// Append the protobuf body (no length prefix).
void encode(const message& m, byte_buffer& out);
/// Append uvarint(len) || body.
void encode_framed(const message& m, byte_buffer& out);
/// Decode one protobuf body; errors on malformed input or any limit.
[[nodiscard]] result<message> decode(bytes_view body);
/// Decode one LP-framed message from the front of `in` (incremental).
[[nodiscard]] result<decoded<message>> decode_framed(bytes_view in);
/// Merge `update` into `base` (push semantics: fields present in update replace base's).
void merge(message& base, message update);

} // namespace pcp::p2p::identify
