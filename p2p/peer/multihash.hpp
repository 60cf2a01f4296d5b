// SPDX-License-Identifier: MIT
// Multihash (multiformats/multihash): uvarint(function code) || uvarint(digest length) || digest.
// Decoding is structural for any function code, with the digest bounded; identity (0x00) and
// sha2-256 (0x12, exactly 32 bytes) are the functions libp2p peer IDs and CIDs use. Pure.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/bytes.hpp"
#include "engine/result.hpp"

namespace pcp::p2p::peer {

/// Multihash function codes (multicodec table.csv).
inline constexpr std::uint64_t multihash_identity = 0x00;
inline constexpr std::uint64_t multihash_sha2_256 = 0x12;
/// Largest digest accepted (identity multihashes carry their payload in the digest).
inline constexpr std::size_t max_multihash_digest_size = 128;

/// A decoded multihash; `digest` views the input.
struct multihash_view {
    std::uint64_t code = 0;
    bytes_view digest;
    std::size_t size = 0; ///< encoded bytes, header included

    /// True for identity and sha2-256.
    [[nodiscard]] bool supported() const noexcept
    {
        return code == multihash_identity || code == multihash_sha2_256;
    }
};

/// Decode the multihash at the start of `in` (bytes after it are left alone). Errors: truncated,
/// bad_varint, too_long (digest > max_multihash_digest_size), bad_multihash (sha2-256 digest not
/// 32 bytes).
[[nodiscard]] result<multihash_view> decode_multihash_prefix(bytes_view in);
/// Decode a multihash that must span all of `in` (else trailing_bytes).
[[nodiscard]] result<multihash_view> decode_multihash(bytes_view in);
/// Append a multihash. Precondition: digest.size() <= max_multihash_digest_size.
void encode_multihash(std::uint64_t code, bytes_view digest, byte_buffer& out);
/// The sha2-256 multihash of `data` (`12 20 <sha256>`).
[[nodiscard]] byte_buffer sha256_multihash(bytes_view data);
/// The identity multihash of `data` (`00 <len> <data>`). Precondition: size <= max digest.
[[nodiscard]] byte_buffer identity_multihash(bytes_view data);

} // namespace pcp::p2p::peer
