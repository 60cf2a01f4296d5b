// SPDX-License-Identifier: MIT
// Peer IDs: the multihash of a serialized PublicKey (identity or sha2-256). Printed as base58btc
// (`12D3KooW…`, `Qm…`); parsed from base58btc or CIDv1 (codec libp2p-key 0x72). Pure.
#pragma once

#include <compare>
#include <functional>
#include <string>
#include <string_view>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/peer/multibase.hpp"

namespace pcp::p2p::peer {

/// Serialized PublicKey protobufs up to this size are embedded (identity multihash) in the ID.
inline constexpr std::size_t max_identity_peer_id_key_size = 42;
/// Longest peer ID text accepted by from_string.
inline constexpr std::size_t max_peer_id_text_size = 256;

/// A peer ID: holds the raw multihash bytes (what binary protocols carry).
class peer_id {
public:
    peer_id() = default;
    /// Validate and wrap multihash bytes (identity ≤ 42-byte payload, or sha2-256 of 32 bytes).
    [[nodiscard]] static result<peer_id> from_bytes(bytes_view multihash);
    /// Parse text: legacy base58btc (`Qm…`, `12D3…`, `16U…`) or CIDv1 with codec libp2p-key.
    [[nodiscard]] static result<peer_id> from_string(std::string_view text);

    [[nodiscard]] const byte_buffer& bytes() const noexcept { return mh_; }
    /// base58btc of the multihash.
    [[nodiscard]] std::string to_string() const;
    /// CIDv1 text form (codec libp2p-key), base32 `bafz…` by default.
    [[nodiscard]] std::string to_cid_string(multibase base = multibase::base32) const;
    /// True when the public key is embedded (identity multihash), e.g. Ed25519 and secp256k1.
    [[nodiscard]] bool is_identity() const noexcept;
    [[nodiscard]] bool empty() const noexcept { return mh_.empty(); }

    friend bool operator==(const peer_id&, const peer_id&) = default;
    friend auto operator<=>(const peer_id& a, const peer_id& b) { return a.mh_ <=> b.mh_; }

private:
    byte_buffer mh_;
};

} // namespace pcp::p2p::peer

template <>
struct std::hash<pcp::p2p::peer::peer_id> {
    std::size_t operator()(const pcp::p2p::peer::peer_id& p) const noexcept
    {
        std::size_t h = 1469598103934665603ull;
        for (std::byte b : p.bytes()) {
            h = (h ^ std::to_integer<std::size_t>(b)) * 1099511628211ull;
        }
        return h;
    }
};
