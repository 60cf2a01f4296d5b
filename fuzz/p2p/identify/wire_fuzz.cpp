// SPDX-License-Identifier: MIT
// Identify messages from hostile peers: decode (framed and bare) must never crash, and whatever
// decodes must re-encode to something that decodes to the same message.
#include <cstddef>
#include <cstdint>

#include "p2p/identify/wire.hpp"

using namespace pcp;
using namespace pcp::p2p;

namespace {
bool same(const identify::message& a, const identify::message& b)
{
    return a.protocol_version == b.protocol_version && a.agent_version == b.agent_version && a.public_key == b.public_key &&
           a.listen_addrs == b.listen_addrs && a.observed_addr == b.observed_addr && a.protocols == b.protocols &&
           a.signed_peer_record == b.signed_peer_record;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    if (auto m = identify::decode(in)) {
        byte_buffer out;
        identify::encode(m.value(), out);
        auto again = identify::decode(out);
        if (!again || !same(m.value(), again.value())) {
            __builtin_trap();
        }
    }
    bytes_view rest = in;
    for (int i = 0; i < 16 && !rest.empty(); ++i) {
        auto d = identify::decode_framed(rest);
        if (!d || !d.value().complete()) {
            break;
        }
        if (d.value().consumed == 0 || d.value().consumed > rest.size()) {
            __builtin_trap();
        }
        rest = rest.subspan(d.value().consumed);
    }
    return 0;
}
