// SPDX-License-Identifier: MIT
// Fuzz the kad Message codec: decode must be total; whatever decodes must re-encode to bytes that
// decode to the same message and re-encode identically (stable round trip), under the default
// limits and under tight ones (caps on peers, addresses, keys, size).
#include <cstddef>
#include <cstdint>

#include "p2p/kad/wire.hpp"

using namespace pcp;
using namespace pcp::p2p::kad;

namespace {
void check(bytes_view in, const config& cfg)
{
    auto m = decode(in, cfg);
    if (!m) {
        return;
    }
    const auto& v = m.value();
    if (v.closer_peers.size() > cfg.max_peers_per_message || v.provider_peers.size() > cfg.max_peers_per_message ||
        v.key.size() > cfg.max_key_size) {
        __builtin_trap();
    }
    for (const auto* list : {&v.closer_peers, &v.provider_peers}) {
        for (const auto& p : *list) {
            if (p.id.empty() || p.addrs.size() > cfg.max_addrs_per_peer) {
                __builtin_trap();
            }
        }
    }
    auto body = encode(v);
    auto again = decode(body, cfg);
    if (!again || !(again.value() == v) || encode(again.value()) != body) {
        __builtin_trap();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    check(in, config{});
    config tight;
    tight.max_peers_per_message = 2;
    tight.max_addrs_per_peer = 1;
    tight.max_key_size = 8;
    tight.max_message_size = 512;
    check(in, tight);
    return 0;
}
