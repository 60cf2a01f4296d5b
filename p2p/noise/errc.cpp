// SPDX-License-Identifier: MIT
// The "noise" error category. See errc.hpp.
#include "p2p/noise/errc.hpp"

namespace pcp::p2p::noise {
namespace {
const char* noise_message(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::truncated: return "message truncated";
    case errc::frame_too_large: return "frame too large";
    case errc::buffer_too_small: return "no room for frame header and tag";
    case errc::decrypt_failed: return "decryption failed";
    case errc::bad_payload: return "malformed handshake payload";
    case errc::payload_limit: return "handshake payload exceeds a limit";
    case errc::missing_identity: return "handshake payload lacks identity key or signature";
    case errc::bad_identity_key: return "bad identity key";
    case errc::bad_signature: return "identity signature does not verify";
    case errc::peer_id_mismatch: return "remote peer ID is not the expected one";
    case errc::bad_dh: return "invalid Diffie-Hellman result";
    case errc::nonce_exhausted: return "nonce exhausted";
    case errc::handshake_incomplete: return "handshake not complete";
    case errc::already_split: return "handshake already split";
    case errc::failed: return "handshake already failed";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& noise_category() noexcept
{
    static const simple_category cat{"noise", &noise_message};
    return cat;
}
} // namespace pcp::p2p::noise
