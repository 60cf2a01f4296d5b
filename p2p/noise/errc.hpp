// SPDX-License-Identifier: MIT
// Error codes of the Noise handshake, payload codec and transport cipher states, in the "noise"
// category (STYLE §C). Spec: libp2p/specs noise/README.md; libp2p-digest §5. Pure.
#pragma once

#include <type_traits>

#include <boost/system/error_code.hpp>

#include "engine/errc.hpp"

namespace pcp::p2p::noise {

/// Why a Noise operation failed. Every error from the handshake machine or from opening a transport
/// frame is fatal for the connection: close it, do not retry on the same state.
enum class errc {
    truncated = 1,        ///< a handshake message or frame is shorter than its fixed parts
    frame_too_large,      ///< a plaintext above max_plaintext_size or a body above max_frame_body
    buffer_too_small,     ///< seal_in_place without room for the length header and tag
    decrypt_failed,       ///< AEAD tag mismatch (tampering, wrong key or out-of-order frame)
    bad_payload,          ///< the NoiseHandshakePayload protobuf is malformed
    payload_limit,        ///< a payload field exceeds its named limit in wire.hpp
    missing_identity,     ///< the payload lacks identity_key or identity_sig
    bad_identity_key,     ///< identity_key does not parse as a libp2p PublicKey
    bad_signature,        ///< identity_sig does not verify over the received static key
    peer_id_mismatch,     ///< authenticated, but not the peer ID the caller expected
    bad_dh,               ///< an X25519 result was all zeros (low-order remote key)
    nonce_exhausted,      ///< the 64-bit nonce would reach 2^64-1: the connection must end
    handshake_incomplete, ///< split() or a result accessor called before the handshake finished
    already_split,        ///< split() called twice
    failed,               ///< the machine already failed earlier; it accepts nothing more
};

/// The "noise" error category.
const boost::system::error_category& noise_category() noexcept;

/// Make an error_code in the "noise" category.
inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), noise_category()};
}

} // namespace pcp::p2p::noise

template <>
struct boost::system::is_error_code_enum<pcp::p2p::noise::errc> : std::true_type {
};
