// SPDX-License-Identifier: MIT
// /pcp/pake/1.0.0 messages from hostile peers (p2p/pake/wire.hpp): decode (bare and framed) must
// never crash, and whatever decodes must re-encode to something that decodes to the same message.
#include <cstddef>
#include <cstdint>

#include "p2p/pake/wire.hpp"

using namespace pcp;
using namespace pcp::p2p;

namespace {
bool same(const pake::message& a, const pake::message& b)
{
    return a.share == b.share && a.ad == b.ad && a.confirm == b.confirm && a.abort == b.abort;
}

void roundtrip(const pake::message& m)
{
    byte_buffer out;
    pake::encode_framed(m, out);
    auto again = pake::decode_framed(out);
    if (!again || !again.value().complete() || again.value().consumed != out.size() ||
        !same(m, *again.value().message)) {
        __builtin_trap();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    if (auto m = pake::decode(in)) {
        roundtrip(m.value());
    }
    bytes_view rest = in;
    for (int i = 0; i < 8 && !rest.empty(); ++i) {
        auto d = pake::decode_framed(rest);
        if (!d || !d.value().complete()) {
            break;
        }
        if (d.value().consumed == 0 || d.value().consumed > rest.size() || d.value().consumed > pake::max_frame_size) {
            __builtin_trap();
        }
        roundtrip(*d.value().message);
        rest = rest.subspan(d.value().consumed);
    }
    return 0;
}
