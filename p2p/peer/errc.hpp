// SPDX-License-Identifier: MIT
// Error codes of the peer value types (multibase, multihash, CID, peer ID, keys, multiaddr), in the
// "peer" category (STYLE §C). Pure.
#pragma once

#include <type_traits>

#include <boost/system/error_code.hpp>

#include "engine/errc.hpp"

namespace pcp::p2p::peer {

/// Why a peer value type could not be decoded or built.
enum class errc {
    truncated = 1,         ///< input ended early
    bad_varint,            ///< malformed, non-minimal or oversized varint
    too_long,              ///< input exceeds a named size limit
    trailing_bytes,        ///< bytes left over after a complete value
    bad_multibase,         ///< a character outside the alphabet, or bad length/padding bits
    unsupported_multibase, ///< unknown multibase prefix
    bad_multihash,         ///< digest length does not match the function or the input
    unsupported_multihash, ///< hash function not allowed here
    bad_cid,               ///< malformed CID
    unsupported_codec,     ///< CID codec not allowed here (e.g. not libp2p-key for a peer ID)
    bad_peer_id,           ///< not a valid peer ID
    bad_key,               ///< malformed key protobuf or key bytes
    unsupported_key_type,  ///< unknown KeyType
    bad_multiaddr,         ///< malformed multiaddr text or bytes
    unknown_protocol,      ///< multiaddr protocol code or name not supported
    bad_protocol_value,    ///< a multiaddr component value is invalid for its protocol
    too_many_components,   ///< multiaddr has more than max_multiaddr_components parts
};

/// The "peer" error category.
const boost::system::error_category& peer_category() noexcept;

/// Make an error_code in the "peer" category.
inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), peer_category()};
}

} // namespace pcp::p2p::peer

template <>
struct boost::system::is_error_code_enum<pcp::p2p::peer::errc> : std::true_type {};
