// SPDX-License-Identifier: MIT
// libp2p identity keys (specs peer-ids/peer-ids.md, libp2p-digest §1): the PublicKey/PrivateKey
// protobufs, Ed25519 signing (libsodium), and verification of Ed25519, RSA, secp256k1 and ECDSA
// keys (OpenSSL 3) — the public network has all four. Pure (no Asio).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::peer {

enum class key_type : std::uint8_t { rsa = 0, ed25519 = 1, secp256k1 = 2, ecdsa = 3 };

/// A remote (or local) public key as libp2p carries it.
struct public_key {
    key_type type = key_type::ed25519;
    byte_buffer data; ///< Ed25519: 32 raw bytes; RSA/ECDSA: DER PKIX; secp256k1: 33-byte compressed

    /// The deterministic PublicKey protobuf (field 1 type, field 2 data); peer IDs hash these bytes.
    [[nodiscard]] byte_buffer to_protobuf() const;
    /// Parse a PublicKey protobuf strictly (both fields, known type, size limits).
    [[nodiscard]] static result<public_key> from_protobuf(bytes_view pb);
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

} // namespace pcp::p2p::peer
