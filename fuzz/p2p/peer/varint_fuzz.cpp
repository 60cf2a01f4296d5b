// SPDX-License-Identifier: MIT
// Fuzz the unsigned varint decoder: decode → encode must give back the consumed bytes, and every
// prefix shorter than a valid varint must ask for more.
#include <cstddef>
#include <cstdint>

#include "p2p/peer/varint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pcp::p2p::peer;
    pcp::bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    auto r = decode_varint(in);
    if (r.status == varint_status::ok) {
        pcp::byte_buffer out;
        encode_varint(r.value, out);
        if (out.size() != r.size || r.size > max_varint_size || varint_size(r.value) != r.size ||
            !std::equal(out.begin(), out.end(), in.begin())) {
            __builtin_trap();
        }
        for (std::size_t n = 0; n < r.size; ++n) {
            if (decode_varint(in.first(n)).status != varint_status::need_more) {
                __builtin_trap();
            }
        }
    }
    return 0;
}
