// SPDX-License-Identifier: MIT
// mDNS packets from hostile hosts on the LAN: decode must never crash, and whatever decodes and
// re-encodes must decode to the same message (modulo the two documented normalizations: skipped
// records are dropped, an empty TXT becomes one empty string) and re-encode identically.
#include <cstddef>
#include <cstdint>

#include "p2p/mdns/wire.hpp"

using namespace pcp;
using namespace pcp::p2p::mdns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    auto m = decode(in);
    if (!m) {
        return 0;
    }
    message norm = m.value();
    norm.skipped = 0;
    for (auto* section : {&norm.answers, &norm.authorities, &norm.additionals}) {
        for (auto& r : *section) {
            if (r.type == rr::txt && r.txt.empty()) {
                r.txt.emplace_back();
            }
        }
    }
    auto e = encode(m.value());
    if (!e) {
        return 0; // e.g. our compression is less aggressive than the input's: too_large
    }
    auto again = decode(e.value());
    if (!again || !(again.value() == norm)) {
        __builtin_trap();
    }
    auto e2 = encode(again.value());
    if (!e2 || e2.value() != e.value()) {
        __builtin_trap();
    }
    return 0;
}
