// SPDX-License-Identifier: MIT
// Transfer frames from a hostile peer: decode must never crash or read past a frame, whatever
// decodes must re-encode to something that decodes to the same message, and the frame reader fed
// in small pieces must agree with decode().
#include <cstddef>
#include <cstdint>

#include "p2p/transfer/machine.hpp"
#include "p2p/transfer/wire.hpp"

using namespace pcp;
using namespace pcp::p2p::transfer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    std::vector<message> whole;
    bytes_view rest = in;
    for (int i = 0; i < 64 && !rest.empty(); ++i) {
        auto d = decode(rest);
        if (!d || !d.value().complete()) {
            break;
        }
        if (d.value().consumed == 0 || d.value().consumed > rest.size()) {
            __builtin_trap();
        }
        const auto& m = *d.value().message;
        if (m.index() != 0) {
            byte_buffer out;
            encode(m, out);
            auto again = decode(out);
            if (!again || !again.value().complete() || !(*again.value().message == m)) {
                __builtin_trap();
            }
        }
        whole.push_back(m);
        rest = rest.subspan(d.value().consumed);
    }
    // The same bytes in pieces of 1..7 bytes through the frame reader.
    detail::frame_reader r;
    std::vector<message> pieces;
    std::size_t pos = 0;
    std::size_t step = 1;
    while (pos < in.size() && pieces.size() < whole.size()) {
        auto chunk = in.subspan(pos, std::min(step, in.size() - pos));
        std::optional<message> m;
        auto used = r.next(chunk, m);
        if (!used) {
            break;
        }
        if (used.value() == 0 || used.value() > chunk.size()) {
            __builtin_trap();
        }
        pos += used.value();
        if (m) {
            pieces.push_back(std::move(*m));
        }
        step = step % 7 + 1;
    }
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (!(pieces[i] == whole[i])) {
            __builtin_trap();
        }
    }
    return 0;
}
