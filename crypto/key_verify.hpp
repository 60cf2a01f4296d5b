// SPDX-License-Identifier: MIT
// Signature verification for libp2p's non-Ed25519 key types (peer-ids/peer-ids.md): RSA
// (DER PKIX key, RSASSA-PKCS1-v1_5 over SHA-256), ECDSA (DER PKIX key on P-256/P-384/P-521, DER
// signature over SHA-256) and secp256k1 (33-byte compressed point, DER signature over SHA-256),
// all with OpenSSL 3 EVP. Every function is total: malformed keys or signatures give false. Pure.
#pragma once

#include <cstddef>

#include "engine/bytes.hpp"

namespace pcp::crypto {

/// Smallest RSA modulus accepted (go-libp2p's MinRsaKeyBits).
inline constexpr int min_rsa_bits = 2048;
/// Largest RSA modulus accepted (go-libp2p's maxRsaKeyBits).
inline constexpr int max_rsa_bits = 8192;
/// Largest DER SubjectPublicKeyInfo accepted for RSA (8192-bit keys encode in 1062 bytes).
inline constexpr std::size_t max_rsa_der_size = 1200;
/// Largest DER SubjectPublicKeyInfo accepted for ECDSA (P-521 is 158 bytes).
inline constexpr std::size_t max_ecdsa_der_size = 256;
/// Size of a compressed secp256k1 point.
inline constexpr std::size_t secp256k1_compressed_size = 33;
/// Largest DER ECDSA signature accepted (P-521: 139 bytes).
inline constexpr std::size_t max_ecdsa_sig_size = 160;

/// True when `der` is a DER SubjectPublicKeyInfo holding an RSA key of min..max_rsa_bits bits.
[[nodiscard]] bool rsa_public_key_valid(bytes_view der) noexcept;
/// Verify an RSASSA-PKCS1-v1_5/SHA-256 signature `sig` of `msg` by the RSA key `der` (PKIX).
[[nodiscard]] bool rsa_verify_sha256(bytes_view der, bytes_view msg, bytes_view sig) noexcept;

/// True when `der` is a DER SubjectPublicKeyInfo holding an EC key on P-256, P-384 or P-521.
[[nodiscard]] bool ecdsa_public_key_valid(bytes_view der) noexcept;
/// Verify a DER ECDSA signature `sig` over SHA-256(`msg`) by the EC key `der` (PKIX).
[[nodiscard]] bool ecdsa_verify_sha256(bytes_view der, bytes_view msg, bytes_view sig) noexcept;

/// True when `point` is a 33-byte compressed point on secp256k1.
[[nodiscard]] bool secp256k1_public_key_valid(bytes_view point) noexcept;
/// Verify a DER ECDSA signature `sig` over SHA-256(`msg`) by the compressed secp256k1 `point`.
[[nodiscard]] bool secp256k1_verify_sha256(bytes_view point, bytes_view msg, bytes_view sig) noexcept;

} // namespace pcp::crypto
