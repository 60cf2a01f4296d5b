// SPDX-License-Identifier: MIT
// Fuzz CID decoding from bytes and text: a decoded CID re-encodes to the same bytes, and its
// text form decodes back to the same value.
#include <cstddef>
#include <cstdint>

#include "p2p/peer/cid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pcp::p2p::peer;
    pcp::bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    auto round = [](const cid& c) {
        auto b = cid::from_bytes(c.to_bytes());
        auto s = cid::from_string(c.to_string());
        if (!b || b.value() != c || !s || s.value() != c) {
            __builtin_trap();
        }
    };
    if (auto c = cid::from_bytes(in)) {
        auto out = c.value().to_bytes();
        if (out.size() != size || !std::equal(out.begin(), out.end(), in.begin())) {
            __builtin_trap();
        }
        round(c.value());
    }
    if (auto c = cid::from_string(pcp::as_chars(in))) {
        round(c.value());
    }
    // Also treat the input as multibase text of any base.
    (void)multibase_decode(pcp::as_chars(in));
    return 0;
}
