// SPDX-License-Identifier: MIT
// Fuzz the /pcp/pake/1.0.0 machine (p2p/pake/machine.hpp) with a hostile peer's bytes. Input: byte
// 0 selects our role (bit 0: 1 = initiator, 0 = responder) and seeds the chunking of the rest (bits
// 1..7); the rest is the peer's byte stream, delivered in pieces. Both sides use fixed inputs and
// scalars (those below), so the seeds in fuzz/corpus/pake_machine/ are real transcripts and reach
// the success path. Must never crash, consume more than it was given, or report twice.
#include <cstddef>
#include <cstdint>

#include "p2p/pake/machine.hpp"

using namespace pcp;
using namespace pcp::p2p;

namespace {
const byte_buffer initiator_peer = to_buffer("12D3KooW-fuzz-initiator");
const byte_buffer responder_peer = to_buffer("12D3KooW-fuzz-responder");
const byte_buffer session_id(32, std::byte{0x11});
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const bool initiator = (data[0] & 1) != 0;
    std::uint32_t chunk_state = data[0] >> 1;
    bytes_view in(reinterpret_cast<const std::byte*>(data + 1), size - 1);

    pake::config cfg;
    cfg.role = initiator ? pake::role::initiator : pake::role::responder;
    cfg.password = as_bytes("fuzz-code-words");
    cfg.initiator_peer = initiator_peer;
    cfg.responder_peer = responder_peer;
    cfg.session_id = session_id;
    cfg.scalar_random.fill(std::byte{initiator ? std::uint8_t{0x21} : std::uint8_t{0x42}});
    pake::machine m(cfg);

    byte_buffer out;
    int events = 0;
    auto drain = [&] {
        out.clear();
        while (m.poll_transmit(out)) {
        }
        if (out.size() > 4 * pake::max_frame_size) {
            __builtin_trap();
        }
        while (auto ev = m.poll_event()) {
            if (++events > 1) {
                __builtin_trap();
            }
            if (ev->what == pake::event::kind::failed && !ev->error) {
                __builtin_trap();
            }
        }
    };
    drain();
    while (!in.empty()) {
        chunk_state = chunk_state * 1103515245u + 12345u;
        std::size_t n = 1 + (chunk_state >> 16) % 64;
        n = n > in.size() ? in.size() : n;
        auto used = m.handle_input(in.first(n));
        drain();
        if (!used) {
            if (!m.is_finished() || m.error() != used.error()) {
                __builtin_trap();
            }
            break;
        }
        if (used.value() > n) {
            __builtin_trap();
        }
        if (used.value() < n && m.wants_input()) {
            __builtin_trap(); // stopping early is only allowed once no more input is wanted
        }
        in = in.subspan(used.value());
        if (!m.wants_input()) {
            break;
        }
    }
    auto ec = m.handle_close(make_error_code(pake::errc::truncated));
    drain();
    if (!m.is_finished() || (events == 0 && !ec)) {
        __builtin_trap();
    }
    return 0;
}
