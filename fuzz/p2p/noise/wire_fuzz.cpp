// SPDX-License-Identifier: MIT
// Fuzz the Noise wire layer (p2p/noise/wire.hpp): the NoiseHandshakePayload decoder (a decoded
// payload must re-encode to bytes that decode to the same value), decode_frame versus the
// incremental frame_reader fed the same stream in input-driven pieces, and opening frames with a
// fixed transport key. Must never crash, throw or read out of bounds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "p2p/noise/machine.hpp"
#include "p2p/noise/wire.hpp"

using namespace pcp;
using namespace pcp::p2p::noise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in(reinterpret_cast<const std::byte*>(data), size);

    // Payload: decode -> encode -> decode is the identity on decoded values.
    if (auto p = decode_payload(in)) {
        byte_buffer again;
        encode(p.value(), again);
        auto q = decode_payload(again);
        if (!q || !(q.value() == p.value())) {
            std::abort();
        }
    }

    // Framing: the whole-buffer decoder and the incremental reader agree.
    std::size_t step = size == 0 ? 1 : (data[0] % 7) + 1;
    frame_reader reader;
    std::size_t pos = 0;
    std::size_t fed = 0;
    for (;;) {
        auto d = decode_frame(in.subspan(pos));
        if (!d.complete()) {
            break;
        }
        while (!reader.has_frame()) {
            if (fed >= size) {
                std::abort(); // the reader must complete exactly the frame decode_frame found
            }
            fed += reader.feed(in.subspan(fed, std::min(step, size - fed)));
        }
        auto body = reader.body();
        if (body.size() != d.message->size() ||
            !std::equal(body.begin(), body.end(), d.message->begin())) {
            std::abort();
        }
        reader.pop();
        pos += d.consumed;
        if (fed != pos) {
            std::abort(); // never consumed beyond the frame
        }
        if (reader.buffered() > max_frame_size) {
            std::abort();
        }
    }

    // Transport: opening hostile frames with a fixed key fails cleanly.
    std::array<std::byte, 32> key{};
    cipher_state rx(key);
    byte_buffer copy(in.begin(), in.end());
    std::span<std::byte> rest(copy);
    while (!rest.empty()) {
        auto d = rx.open_frame(rest);
        if (!d || !d.value().complete()) {
            break;
        }
        rest = rest.subspan(d.value().consumed);
    }
    return 0;
}
