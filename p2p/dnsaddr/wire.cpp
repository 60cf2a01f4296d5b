// SPDX-License-Identifier: MIT
#include "p2p/dnsaddr/wire.hpp"

#include <algorithm>

#include "p2p/dnsaddr/errc.hpp"

namespace pcp::p2p::dnsaddr {

namespace {

/// The address made of bytes [from, to) of a valid multiaddr (component boundaries only).
peer::multiaddr slice(const peer::multiaddr& addr, std::size_t from, std::size_t to)
{
    if (from >= to) {
        return {};
    }
    auto part = peer::multiaddr::from_bytes(bytes_view(addr.bytes()).subspan(from, to - from));
    // A slice at component boundaries of a valid address is valid.
    return part ? std::move(part).value() : peer::multiaddr{};
}

} // namespace

bool is_dns_code(std::uint64_t code) noexcept
{
    return code == peer::proto::dns || code == peer::proto::dns4 || code == peer::proto::dns6 ||
           code == peer::proto::dnsaddr;
}

bool has_dns(const peer::multiaddr& addr) noexcept
{
    for (const auto& c : addr) {
        if (is_dns_code(c.code)) {
            return true;
        }
    }
    return false;
}

result<std::optional<peer::multiaddr>> parse_entry(std::string_view text)
{
    if (text.substr(0, txt_prefix.size()) != txt_prefix) {
        return std::optional<peer::multiaddr>{};
    }
    auto addr = peer::multiaddr::from_string(text.substr(txt_prefix.size()));
    if (!addr) {
        return errc::bad_entry;
    }
    return std::optional<peer::multiaddr>(std::move(addr).value());
}

result<std::string> txt_query_name(std::string_view domain)
{
    if (domain.empty() || domain == ".") {
        return errc::bad_name;
    }
    std::string name;
    name.reserve(txt_name_prefix.size() + domain.size());
    name.append(txt_name_prefix).append(domain);
    const std::size_t significant = name.back() == '.' ? name.size() - 1 : name.size();
    if (significant > max_dns_name_size) {
        return errc::bad_name;
    }
    return name;
}

std::optional<dns_split> split_at_dns(const peer::multiaddr& addr)
{
    const std::byte* base = addr.bytes().data();
    std::size_t start = 0; // offset of the current component
    for (const auto& c : addr) {
        const auto end = static_cast<std::size_t>(c.value.data() + c.value.size() - base);
        if (is_dns_code(c.code)) {
            dns_split out;
            out.prefix = slice(addr, 0, start);
            out.code = c.code;
            out.name = std::string(as_chars(c.value));
            out.suffix = slice(addr, end, addr.bytes().size());
            return out;
        }
        start = end;
    }
    return std::nullopt;
}

bool ends_with(const peer::multiaddr& addr, const peer::multiaddr& suffix)
{
    const auto& a = addr.bytes();
    const auto& s = suffix.bytes();
    if (s.empty()) {
        return true;
    }
    if (s.size() > a.size() || suffix.size() > addr.size()) {
        return false;
    }
    // The tail must start on a component boundary of `addr`, so compare components.
    const std::size_t skip = addr.size() - suffix.size();
    auto it = addr.begin();
    for (std::size_t i = 0; i < skip; ++i) {
        ++it;
    }
    for (const auto& want : suffix) {
        const auto& have = *it;
        if (have.code != want.code || have.value.size() != want.value.size() ||
            !std::equal(have.value.begin(), have.value.end(), want.value.begin())) {
            return false;
        }
        ++it;
    }
    return true;
}

} // namespace pcp::p2p::dnsaddr
