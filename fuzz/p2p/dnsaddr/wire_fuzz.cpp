// SPDX-License-Identifier: MIT
// TXT strings from any DNS server on the path: parse_entry and txt_query_name never crash; an
// accepted entry prints and re-parses to the same address; cutting it at its first DNS component
// and putting the pieces back gives it again; suffix matching holds for its own tails.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "p2p/dnsaddr/wire.hpp"

using namespace pcp;
using namespace pcp::p2p;
using namespace pcp::p2p::dnsaddr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto name = txt_query_name(text)) {
        const auto& n = name.value();
        if (n.substr(0, txt_name_prefix.size()) != txt_name_prefix || n.size() > max_dns_name_size + 1) {
            __builtin_trap();
        }
    }

    auto entry = parse_entry(text);
    if (!entry || !entry.value()) {
        return 0;
    }
    const peer::multiaddr& m = *entry.value();
    auto again = parse_entry(std::string(txt_prefix) + m.to_string());
    if (!again || !again.value() || !(*again.value() == m)) {
        __builtin_trap();
    }
    if (!ends_with(m, m) || !ends_with(m, peer::multiaddr{})) {
        __builtin_trap();
    }
    auto split = split_at_dns(m);
    if (split.has_value() != has_dns(m)) {
        __builtin_trap();
    }
    if (split) {
        if (!is_dns_code(split->code) || has_dns(split->prefix) || !ends_with(m, split->suffix)) {
            __builtin_trap();
        }
        peer::multiaddr rebuilt = split->prefix;
        if (!rebuilt.append(split->code, as_bytes(split->name))) {
            __builtin_trap();
        }
        auto whole = rebuilt.encapsulate(split->suffix);
        if (!whole || !(whole.value() == m)) {
            __builtin_trap();
        }
    }
    return 0;
}
