// SPDX-License-Identifier: MIT
// libp2p identity keys (specs peer-ids/peer-ids.md, libp2p-digest §1): the PublicKey/PrivateKey
// protobufs, Ed25519 signing (libsodium), and verification of Ed25519, RSA, secp256k1 and ECDSA
// keys (OpenSSL 3) — the public network has all four. Pure (no Asio).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::peer {

enum class key_type : std::uint8_t { rsa = 0, ed25519 = 1, secp256k1 = 2, ecdsa = 3 };

/// Largest Data field per key type (exact sizes for Ed25519 and secp256k1). An 8192-bit RSA key
/// is 1062 bytes of DER; the crypto layer uses the same bounds (crypto/key_verify.hpp).
inline constexpr std::size_t ed25519_key_size = 32;
inline constexpr std::size_t secp256k1_key_size = 33;
inline constexpr std::size_t max_rsa_key_data_size = 1200;
inline constexpr std::size_t max_ecdsa_key_data_size = 256;
/// Largest PublicKey protobuf accepted: the largest Data plus its framing (type 2 B, tag 1 B,
/// length 2 B).
inline constexpr std::size_t max_public_key_protobuf_size = max_rsa_key_data_size + 5;

/// A remote (or local) public key as libp2p carries it.
struct public_key {
    key_type type = key_type::ed25519;
    byte_buffer data; ///< Ed25519: 32 raw bytes; RSA/ECDSA: DER PKIX; secp256k1: 33-byte compressed

    /// The deterministic PublicKey protobuf (field 1 type, field 2 data); peer IDs hash these bytes.
    [[nodiscard]] byte_buffer to_protobuf() const;
    /// Parse a PublicKey protobuf strictly: both fields present once each with the right wire
    /// type, no other fields, a known type, and key bytes that parse for that type (RSA 2048..8192
    /// bits, ECDSA on P-256/384/521, secp256k1 compressed on-curve). Field order is not enforced;
    /// to_protobuf() gives the canonical bytes. Errors: too_long, bad_key, unsupported_key_type.
    [[nodiscard]] static result<public_key> from_protobuf(bytes_view pb);
    /// Build from a type and raw key bytes, with the same checks as from_protobuf.
    [[nodiscard]] static result<public_key> from_raw(key_type type, bytes_view data);
    /// Verify `sig` over `msg` with this key (Ed25519 direct; others SHA-256 + PKCS#1 v1.5 / DER ECDSA).
    [[nodiscard]] bool verify(bytes_view msg, bytes_view sig) const;
    /// The peer ID of this key (identity multihash when the protobuf is ≤ 42 bytes, else sha2-256).
    [[nodiscard]] peer_id to_peer_id() const;
    friend bool operator==(const public_key&, const public_key&) = default;
};

/// A local Ed25519 signing key (the only kind pcp creates). Secret bytes are zeroised on destruction.
class ed25519_keypair {
public:
    /// A fresh key from the system CSPRNG.
    [[nodiscard]] static ed25519_keypair generate();
    /// From a 32-byte seed (tests, persistent identities).
    [[nodiscard]] static ed25519_keypair from_seed(std::span<const std::byte, 32> seed);
    /// From a PrivateKey protobuf of type Ed25519: Data is seed||pub (64 B), or the legacy
    /// seed||pub||pub (96 B) whose two copies must match; the public half must match the seed.
    /// Errors: bad_key, unsupported_key_type, too_long.
    [[nodiscard]] static result<ed25519_keypair> from_private_protobuf(bytes_view pb);
    /// The PrivateKey protobuf (type Ed25519, 64-byte Data). Secret: zeroise when done.
    [[nodiscard]] byte_buffer to_private_protobuf() const;
    /// The 32 raw public key bytes.
    [[nodiscard]] std::span<const std::byte, 32> public_bytes() const noexcept;
    ed25519_keypair(const ed25519_keypair&) = delete;
    ed25519_keypair& operator=(const ed25519_keypair&) = delete;
    ed25519_keypair(ed25519_keypair&&) noexcept;
    ed25519_keypair& operator=(ed25519_keypair&&) noexcept;
    ~ed25519_keypair();

    [[nodiscard]] struct public_key public_key() const;
    [[nodiscard]] peer_id id() const;
    /// 64-byte Ed25519 signature over msg.
    [[nodiscard]] std::array<std::byte, 64> sign(bytes_view msg) const;

private:
    ed25519_keypair() = default;
    std::array<std::byte, 64> secret_{}; ///< libsodium layout: seed || public
};

/// The public key embedded in an identity peer ID (Ed25519, secp256k1). Errors: bad_peer_id when
/// the ID is a sha2-256 hash (the key must then come from the peer), or from_protobuf's errors.
[[nodiscard]] result<public_key> extract_public_key(const peer_id& id);

} // namespace pcp::p2p::peer
