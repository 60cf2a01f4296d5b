// SPDX-License-Identifier: MIT
// Fuzz the Noise XX machine (p2p/noise/machine.hpp) with hostile peer bytes. Input: byte 0 selects
// the role (bit 0: 0 = responder, 1 = initiator) and seeds the chunking of the rest (bits 1..7);
// the rest is the peer's byte stream, delivered in pieces. After completion the leftover bytes are
// opened as transport frames. The keys are those of libp2p-digest §16.4, so the seeds in
// fuzz/corpus/noise_machine/ are a real transcript and the fuzzer starts from deep states.
// Must never crash, throw, or consume past the last handshake message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "p2p/noise/machine.hpp"

using namespace pcp;
using namespace pcp::p2p;
using namespace pcp::p2p::noise;

namespace {
std::array<std::byte, 32> filled(unsigned char b)
{
    std::array<std::byte, 32> a;
    a.fill(std::byte{b});
    return a;
}

const peer::ed25519_keypair& initiator_identity()
{
    static const auto kp = [] {
        // Seed of the libp2p-digest §16.1 key.
        const unsigned char seed[32] = {0x7e, 0x08, 0x30, 0x61, 0x7c, 0x4a, 0x7d, 0xe8,
                                        0x39, 0x25, 0xdf, 0xb2, 0x69, 0x45, 0x56, 0xb1,
                                        0x29, 0x36, 0xc4, 0x77, 0xa0, 0xe1, 0xfe, 0xb2,
                                        0xe1, 0x48, 0xec, 0x9d, 0xa6, 0x0f, 0xee, 0x7d};
        std::array<std::byte, 32> s;
        std::memcpy(s.data(), seed, 32);
        return peer::ed25519_keypair::from_seed(s);
    }();
    return kp;
}

const peer::ed25519_keypair& responder_identity()
{
    static const auto kp = peer::ed25519_keypair::from_seed(filled(0x42));
    return kp;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const bool initiator = (data[0] & 1) != 0;
    std::uint32_t chunk_state = data[0] >> 1;
    bytes_view in(reinterpret_cast<const std::byte*>(data + 1), size - 1);

    config cfg{
        .role = initiator ? role::initiator : role::responder,
        .identity = initiator ? initiator_identity() : responder_identity(),
        .static_secret = filled(initiator ? 1 : 3),
        .ephemeral_secret = filled(initiator ? 2 : 4),
        .expected_remote = std::nullopt,
        .muxers = {"/yamux/1.0.0"},
    };
    handshake hs(cfg);

    std::size_t pos = 0;
    byte_buffer out;
    while (pos < in.size() && hs.wants_input()) {
        while (hs.poll_transmit(out)) {
        }
        // Chunk sizes from a tiny LCG: 0 (whole rest), 1, or up to 300 bytes.
        chunk_state = chunk_state * 1103515245u + 12345u;
        std::size_t want =
            (chunk_state >> 16) % 4 == 0 ? in.size() - pos : 1 + (chunk_state >> 8) % 300;
        auto piece = in.subspan(pos, std::min(want, in.size() - pos));
        auto used = hs.handle_input(piece);
        if (!used) {
            return 0;
        }
        if (used.value() > piece.size()) {
            std::abort();
        }
        pos += used.value();
        if (used.value() < piece.size() && hs.wants_input()) {
            std::abort(); // only a finished handshake may leave bytes behind
        }
    }
    while (hs.poll_transmit(out)) {
    }
    if (!hs.is_complete()) {
        return 0;
    }
    if (hs.remote_peer().empty() || hs.handshake_hash() == crypto::hash32{}) {
        std::abort();
    }
    auto ts = hs.split();
    if (!ts) {
        std::abort();
    }
    byte_buffer rest(in.begin() + static_cast<std::ptrdiff_t>(pos), in.end());
    std::span<std::byte> view(rest);
    while (!view.empty()) {
        auto d = ts.value().recv.open_frame(view);
        if (!d || !d.value().complete()) {
            break;
        }
        byte_buffer echo;
        if (!ts.value().send.seal_frame(*d.value().message, echo)) {
            std::abort();
        }
        view = view.subspan(d.value().consumed);
    }
    return 0;
}
