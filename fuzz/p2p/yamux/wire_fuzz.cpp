// SPDX-License-Identifier: MIT
// Fuzz the yamux header decoder: never crash, never read past the input, and a decoded header
// re-encodes to the same 12 bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "p2p/yamux/wire.hpp"

using namespace pcp;
using namespace pcp::p2p::yamux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in{reinterpret_cast<const std::byte*>(data), size};
    while (!in.empty()) {
        auto d = decode(in);
        if (!d) {
            in = in.subspan(1);
            continue;
        }
        if (!d.value().complete()) {
            if (d.value().needed <= in.size()) {
                std::abort();
            }
            break;
        }
        byte_buffer again;
        encode(*d.value().message, again);
        if (again.size() != header_size || !std::equal(again.begin(), again.end(), in.begin())) {
            std::abort();
        }
        in = in.subspan(header_size);
    }
    return 0;
}
