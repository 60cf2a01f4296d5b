// SPDX-License-Identifier: MIT
// Fuzz the strict PublicKey protobuf parser (and the OpenSSL/libsodium key parsers behind it): an
// accepted key re-serialises canonically and parses back equal; verify() never crashes.
#include <cstddef>
#include <cstdint>

#include "p2p/peer/keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pcp::p2p::peer;
    pcp::bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    auto k = public_key::from_protobuf(in);
    if (!k) {
        (void)ed25519_keypair::from_private_protobuf(in);
        return 0;
    }
    auto pb = k.value().to_protobuf();
    auto again = public_key::from_protobuf(pb);
    if (!again || again.value() != k.value() || again.value().to_protobuf() != pb) {
        __builtin_trap();
    }
    auto id = k.value().to_peer_id();
    if (id.empty() || !peer_id::from_bytes(id.bytes())) {
        __builtin_trap();
    }
    (void)k.value().verify(in, in.first(size < 64 ? size : 64));
    return 0;
}
