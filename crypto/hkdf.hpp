// SPDX-License-Identifier: MIT
// HMAC-SHA256 (RFC 2104) and Noise's HKDF (noiseprotocol.org §4.3: HKDF(chaining_key,
// input_key_material, num_outputs) with 2 or 3 outputs of HASHLEN = 32 bytes; identical to RFC 5869
// HKDF-SHA256 with salt = chaining key and empty info). Also the SHA-256 of a two-part message,
// which Noise's MixHash needs. OpenSSL underneath. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "engine/bytes.hpp"

namespace pcp::crypto {

/// SHA-256 / HMAC-SHA256 output length (Noise HASHLEN).
inline constexpr std::size_t hash_size = 32;
/// A 32-byte SHA-256 or HMAC-SHA256 output.
using hash32 = std::array<std::byte, hash_size>;

/// HMAC-SHA256(key, data). Keys of any length (longer than 64 bytes are hashed, per RFC 2104).
[[nodiscard]] hash32 hmac_sha256(bytes_view key, bytes_view data);
/// HMAC-SHA256(key, a || b) without building the concatenation.
[[nodiscard]] hash32 hmac_sha256(bytes_view key, bytes_view a, bytes_view b);

/// SHA-256(a || b): Noise's MixHash(data) is h = sha256_concat(h, data).
[[nodiscard]] hash32 sha256_concat(bytes_view a, bytes_view b);

/// Noise HKDF with two outputs: temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01);
/// out2 = HMAC(temp, out1 || 0x02). The temporary key is zeroised. `ikm` may be empty (Split()).
void noise_hkdf(bytes_view chaining_key, bytes_view ikm, std::span<std::byte, hash_size> out1,
                std::span<std::byte, hash_size> out2);
/// Noise HKDF with three outputs: as above plus out3 = HMAC(temp, out2 || 0x03) (used by
/// MixKeyAndHash for psk patterns).
void noise_hkdf(bytes_view chaining_key, bytes_view ikm, std::span<std::byte, hash_size> out1,
                std::span<std::byte, hash_size> out2, std::span<std::byte, hash_size> out3);

} // namespace pcp::crypto
