// SPDX-License-Identifier: MIT
// Fuzz peer ID parsing from text and bytes: every accepted ID prints to base58btc and CIDv1 text
// that parse back to the same ID.
#include <cstddef>
#include <cstdint>

#include "p2p/peer/keys.hpp"
#include "p2p/peer/peer_id.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pcp::p2p::peer;
    pcp::bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    auto check = [](const peer_id& id) {
        auto a = peer_id::from_string(id.to_string());
        auto b = peer_id::from_string(id.to_cid_string());
        auto c = peer_id::from_bytes(id.bytes());
        if (!a || a.value() != id || !b || b.value() != id || !c || c.value() != id) {
            __builtin_trap();
        }
        if (auto k = extract_public_key(id)) {
            (void)k.value().to_peer_id();
        }
    };
    if (auto id = peer_id::from_string(pcp::as_chars(in))) {
        check(id.value());
    }
    if (auto id = peer_id::from_bytes(in)) {
        check(id.value());
    }
    return 0;
}
