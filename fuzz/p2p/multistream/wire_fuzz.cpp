// SPDX-License-Identifier: MIT
// Fuzz the multistream-select decoder and listing parser: never crash, never read past the input,
// and a decoded message re-encodes to the bytes it came from.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "p2p/multistream/wire.hpp"

using namespace pcp;
using namespace pcp::p2p::multistream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in{reinterpret_cast<const std::byte*>(data), size};
    while (!in.empty()) {
        auto d = decode(in);
        if (!d || !d.value().complete()) {
            break;
        }
        const auto& text = *d.value().message;
        byte_buffer again;
        if (!encode(text, again) || again.size() != d.value().consumed ||
            !std::equal(again.begin(), again.end(), in.begin())) {
            std::abort();
        }
        (void)decode_listing(text);
        in = in.subspan(d.value().consumed);
    }
    return 0;
}
