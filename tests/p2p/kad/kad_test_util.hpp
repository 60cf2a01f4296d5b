// SPDX-License-Identifier: MIT
// Helpers shared by the kad unit tests and the simulation: cheap deterministic peer IDs, hex.
#pragma once

#include <cstdint>
#include <string_view>

#include "crypto/sha256.hpp"
#include "engine/bytes.hpp"
#include "p2p/peer/multiaddr.hpp"
#include "p2p/peer/multihash.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::kad::test {

/// A valid peer ID (sha2-256 multihash form) derived from `n`; distinct n give distinct IDs.
inline peer::peer_id make_peer(std::uint64_t n)
{
    std::array<std::byte, 8> le{};
    for (std::size_t i = 0; i < 8; ++i) {
        le[i] = static_cast<std::byte>(n >> (8 * i));
    }
    auto digest = crypto::sha256(le);
    byte_buffer mh;
    peer::encode_multihash(peer::multihash_sha2_256, digest, mh);
    return peer::peer_id::from_bytes(mh).value();
}

/// Bytes from hex; aborts the test binary on bad input (test data is fixed).
inline byte_buffer hex(std::string_view h) { return from_hex(h).value(); }

inline peer::multiaddr addr(std::string_view text) { return peer::multiaddr::from_string(text).value(); }

} // namespace pcp::p2p::kad::test
