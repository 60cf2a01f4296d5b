// SPDX-License-Identifier: MIT
// Fuzz the multistream listener (and a dialer) with arbitrary bytes in arbitrary chunks. The first
// input byte seeds the chunk sizes. Checks: consumption never exceeds the input, and once
// negotiation completes nothing more is consumed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "p2p/multistream/machine.hpp"

using namespace pcp;
using namespace pcp::p2p::multistream;

namespace {
template <class Machine>
void feed(Machine& m, bytes_view in, std::uint8_t seed)
{
    std::size_t pos = 0;
    std::uint32_t x = seed | 1u;
    while (pos < in.size()) {
        x = x * 1103515245u + 12345u;
        std::size_t chunk = 1 + (x >> 16) % 40;
        chunk = std::min(chunk, in.size() - pos);
        auto n = m.handle_input(in.subspan(pos, chunk));
        byte_buffer out;
        while (m.poll_transmit(out)) {
        }
        while (m.poll_event()) {
        }
        if (!n) {
            return;
        }
        if (n.value() > chunk || n.value() != m.last_consumed()) {
            std::abort();
        }
        pos += chunk;
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    bytes_view in{reinterpret_cast<const std::byte*>(data) + 1, size - 1};
    auto l = listener::create({"/noise", "/yamux/1.0.0", "/ipfs/id/1.0.0"},
                              listener::options{.max_attempts = 32, .eager_header = (data[0] & 1) != 0});
    feed(l.value(), in, data[0]);
    if (l.value().done() && l.value().handle_input(in).value() != 0) {
        std::abort();
    }
    auto d = dialer::create({"/tls/1.0.0", "/noise"}, (data[0] & 2) != 0);
    feed(d.value(), in, data[0]);
    return 0;
}
