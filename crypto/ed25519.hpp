// SPDX-License-Identifier: MIT
// Ed25519 (RFC 8032) over libsodium: key generation, signing and verification. Secret keys use
// libsodium's 64-byte layout seed || public, which is also libp2p's PrivateKey Data encoding
// (peer-ids/peer-ids.md "Ed25519"). Pure.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "engine/bytes.hpp"

namespace pcp::crypto {

inline constexpr std::size_t ed25519_public_size = 32;
inline constexpr std::size_t ed25519_seed_size = 32;
inline constexpr std::size_t ed25519_secret_size = 64; ///< seed || public
inline constexpr std::size_t ed25519_signature_size = 64;

using ed25519_public = std::array<std::byte, ed25519_public_size>;
using ed25519_secret = std::array<std::byte, ed25519_secret_size>;
using ed25519_signature = std::array<std::byte, ed25519_signature_size>;

/// Initialise libsodium exactly once (thread-safe; aborts if libsodium cannot start).
void sodium_ready() noexcept;

/// Derive the key pair of a 32-byte seed. Writes the 64-byte secret into `secret`.
ed25519_public ed25519_from_seed(std::span<const std::byte, ed25519_seed_size> seed,
                                 ed25519_secret& secret) noexcept;
/// A fresh key pair from the system CSPRNG. Writes the 64-byte secret into `secret`.
ed25519_public ed25519_generate(ed25519_secret& secret) noexcept;
/// Detached signature of `msg` with a 64-byte secret key.
[[nodiscard]] ed25519_signature ed25519_sign(const ed25519_secret& secret, bytes_view msg) noexcept;
/// True when `sig` (must be 64 bytes) is a valid signature of `msg` by `pub` (must be 32 bytes).
/// Rejects small-order and non-canonical public keys as libsodium does.
[[nodiscard]] bool ed25519_verify(bytes_view pub, bytes_view msg, bytes_view sig) noexcept;
/// Overwrite memory with zeros in a way the compiler may not elide (sodium_memzero).
void secure_zero(mutable_bytes mem) noexcept;

} // namespace pcp::crypto
