// SPDX-License-Identifier: MIT
// Fuzz multiaddr parsing from bytes and from text. Invariants: bytes → text → bytes is the
// identity; text → bytes → text → bytes is stable; accessors never fail on a valid address.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "p2p/peer/multiaddr.hpp"

namespace {
using namespace pcp::p2p::peer;

void check(const multiaddr& m)
{
    auto text = m.to_string();
    auto again = multiaddr::from_string(text);
    if (!again || again.value() != m) {
        __builtin_trap();
    }
    auto back = multiaddr::from_bytes(m.bytes());
    if (!back || back.value() != m || back.value().size() != m.size()) {
        __builtin_trap();
    }
    std::size_t n = 0;
    for (const auto& c : m) {
        (void)c.value_string();
        ++n;
    }
    if (n != m.size() || n > max_multiaddr_components || m.bytes().size() > max_multiaddr_size) {
        __builtin_trap();
    }
    (void)m.ip_port();
    auto id = m.peer();
    auto bare = m.without_peer();
    if (id.has_value() != (bare.size() + 1 == m.size())) {
        __builtin_trap();
    }
    if (id && !bare.peer()) { // with_peer replaces a trailing /p2p/, so skip /p2p/a/p2p/b
        auto with = bare.with_peer(*id);
        if (!with || with.value() != m) {
            __builtin_trap();
        }
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    pcp::bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    if (auto m = multiaddr::from_bytes(in)) {
        if (m.value().bytes().size() != size ||
            !std::equal(m.value().bytes().begin(), m.value().bytes().end(), in.begin())) {
            __builtin_trap();
        }
        check(m.value());
    }
    if (auto m = multiaddr::from_string(pcp::as_chars(in))) {
        check(m.value());
    }
    return 0;
}
