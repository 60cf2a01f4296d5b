// SPDX-License-Identifier: MIT
// X25519 Diffie-Hellman (RFC 7748 §5) over libsodium's crypto_scalarmult, as Noise's DH() for
// Noise_XX_25519_ChaChaPoly_SHA256 (noiseprotocol.org §12.1). Key pairs come from injected random
// bytes (machines take no ambient randomness, STYLE §B.4) or, in glue code, from the CSPRNG.
// Secrets are zeroised on destruction. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>

namespace pcp::crypto {

/// Size of an X25519 private scalar, public key and shared secret.
inline constexpr std::size_t x25519_key_size = 32;

/// An X25519 public key (a Montgomery u-coordinate, little-endian).
using x25519_public_key = std::array<std::byte, x25519_key_size>;

/// A DH output. Zeroised on destruction.
class x25519_shared_secret {
public:
    x25519_shared_secret() = default;
    x25519_shared_secret(const x25519_shared_secret&) = delete;
    x25519_shared_secret& operator=(const x25519_shared_secret&) = delete;
    x25519_shared_secret(x25519_shared_secret&& o) noexcept;
    x25519_shared_secret& operator=(x25519_shared_secret&& o) noexcept;
    ~x25519_shared_secret();

    /// The 32 secret bytes.
    [[nodiscard]] std::span<const std::byte, x25519_key_size> bytes() const noexcept
    {
        return bytes_;
    }
    /// Writable access, for the DH implementation only.
    [[nodiscard]] std::span<std::byte, x25519_key_size> mutable_bytes() noexcept { return bytes_; }

private:
    std::array<std::byte, x25519_key_size> bytes_{};
};

/// An X25519 key pair. Move-only; the private scalar is zeroised on destruction.
class x25519_keypair {
public:
    /// A key pair whose private key is `secret` (32 random bytes supplied by the caller; X25519
    /// clamps them). Deterministic: tests and sans-I/O machines inject these bytes.
    [[nodiscard]] static x25519_keypair
    from_secret(std::span<const std::byte, x25519_key_size> secret);
    /// A fresh key pair from libsodium's CSPRNG (glue code only, never inside a machine).
    [[nodiscard]] static x25519_keypair generate();

    x25519_keypair(const x25519_keypair&) = delete;
    x25519_keypair& operator=(const x25519_keypair&) = delete;
    x25519_keypair(x25519_keypair&& o) noexcept;
    x25519_keypair& operator=(x25519_keypair&& o) noexcept;
    ~x25519_keypair();

    /// The public key X25519(secret, 9).
    [[nodiscard]] const x25519_public_key& public_key() const noexcept { return public_; }

    /// DH(self, remote) = X25519(secret, remote). Returns nullopt when the result is all zeros
    /// (remote is a low-order point, RFC 7748 §6.1); the caller must abort the handshake then.
    [[nodiscard]] std::optional<x25519_shared_secret>
    dh(std::span<const std::byte, x25519_key_size> remote) const;

private:
    x25519_keypair() = default;
    std::array<std::byte, x25519_key_size> secret_{};
    x25519_public_key public_{};
};

} // namespace pcp::crypto
