// SPDX-License-Identifier: MIT
// multistream-select 1.0 framing (libp2p/specs connections/README.md; multiformats/
// multistream-select README.md): message = uvarint(len(text)+1) || text || '\n', at most
// max_message_size bytes after the prefix (go and js both cap at 1024). Also the "ls" listing
// as js writes it: one message whose body is LP-framed "<protocol>\n" lines. Pure: no Asio.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/multistream/errc.hpp"

namespace pcp::p2p::multistream {

/// The protocol id of multistream-select itself; both sides send it first.
inline constexpr std::string_view protocol_id = "/multistream/1.0.0";
/// Listener's answer to an unsupported proposal.
inline constexpr std::string_view not_available = "na";
/// Dialer's request for the listener's protocol list.
inline constexpr std::string_view list_request = "ls";
/// Largest accepted length prefix value (text plus the trailing newline), as go and js.
inline constexpr std::size_t max_message_size = 1024;
/// Longest length prefix for max_message_size (a 2-byte varint).
inline constexpr std::size_t max_prefix_size = 2;
/// Longest protocol id we propose, accept or list (text only, without the newline).
inline constexpr std::size_t max_protocol_size = max_message_size - 1;
/// Most entries decode_listing() returns.
inline constexpr std::size_t max_listed_protocols = 128;

/// Append one message: uvarint(text.size()+1) || text || '\n'.
/// Errors: errc::message_too_large when text.size()+1 > max_message_size (nothing appended).
[[nodiscard]] result<void> encode(std::string_view text, byte_buffer& out);

/// Decode one message at the start of `in`. On success `message` is the text without its
/// trailing newline and `consumed` counts the prefix too; bytes after the message are never read.
/// need_more carries the total size needed once the length prefix is complete (else 0).
/// Errors: bad_length (non-minimal/overlong varint or a zero length), message_too_large,
/// missing_newline. Never throws on hostile input; allocates at most max_message_size.
[[nodiscard]] result<decoded<std::string>> decode(bytes_view in);

/// Append an "ls" response in the js format: one message whose text is, for each protocol,
/// uvarint(len+1) || protocol || '\n' (the outer message adds the final '\n').
/// Protocols that would push the message past max_message_size, or are longer than
/// max_protocol_size, are left out. Returns how many protocols were listed.
std::size_t encode_listing(std::span<const std::string> protocols, byte_buffer& out);

/// Parse the text of an "ls" response (decode()'s message) into protocol ids. Accepts the js form
/// (trailing '\n' left by the inner framing) and the older go form (no trailing newline).
/// Errors: errc::bad_listing on malformed framing or more than max_listed_protocols entries.
[[nodiscard]] result<std::vector<std::string>> decode_listing(std::string_view text);

} // namespace pcp::p2p::multistream
