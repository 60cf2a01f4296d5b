// SPDX-License-Identifier: MIT
// Multiaddr codec (multiformats/multiaddr README, protocols.csv).
#include "p2p/peer/multiaddr.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

#include "p2p/peer/errc.hpp"
#include "p2p/peer/multibase.hpp"
#include "p2p/peer/multihash.hpp"
#include "p2p/peer/varint.hpp"

namespace pcp::p2p::peer {
namespace {

constexpr protocol_info protocols[] = {
    {proto::ip4, "ip4", value_kind::ip4},
    {proto::tcp, "tcp", value_kind::port},
    {proto::dns, "dns", value_kind::name},
    {proto::dns4, "dns4", value_kind::name},
    {proto::dns6, "dns6", value_kind::name},
    {proto::dnsaddr, "dnsaddr", value_kind::name},
    {proto::ip6, "ip6", value_kind::ip6},
    {proto::ip6zone, "ip6zone", value_kind::name},
    {proto::udp, "udp", value_kind::port},
    {proto::webrtc_direct, "webrtc-direct", value_kind::none},
    {proto::webrtc, "webrtc", value_kind::none},
    {proto::p2p_circuit, "p2p-circuit", value_kind::none},
    {proto::p2p, "p2p", value_kind::peer},
    {proto::tls, "tls", value_kind::none},
    {proto::noise, "noise", value_kind::none},
    {proto::quic, "quic", value_kind::none},
    {proto::quic_v1, "quic-v1", value_kind::none},
    {proto::webtransport, "webtransport", value_kind::none},
    {proto::certhash, "certhash", value_kind::certhash},
    {proto::ws, "ws", value_kind::none},
    {proto::wss, "wss", value_kind::none},
};

/// Fixed value size, or -1 for varint-length-prefixed values.
int fixed_size(value_kind k) noexcept
{
    switch (k) {
    case value_kind::none: return 0;
    case value_kind::ip4: return 4;
    case value_kind::ip6: return 16;
    case value_kind::port: return 2;
    default: return -1;
    }
}

/// Check a value's bytes for its protocol.
result<void> check_value(value_kind kind, bytes_view v)
{
    switch (kind) {
    case value_kind::name:
        if (v.empty() || v.size() > max_multiaddr_name_size ||
            std::memchr(v.data(), '/', v.size()) != nullptr) {
            return errc::bad_protocol_value;
        }
        return ok();
    case value_kind::peer:
        if (!peer_id::from_bytes(v)) {
            return errc::bad_protocol_value;
        }
        return ok();
    case value_kind::certhash:
        if (!decode_multihash(v)) {
            return errc::bad_protocol_value;
        }
        return ok();
    default: return ok(); // fixed-size values: any bytes are valid
    }
}

/// Decode one component at the start of `in` (validated). Returns bytes used.
result<std::size_t> read_component(bytes_view in, component& c)
{
    auto code = decode_varint(in);
    if (code.status != varint_status::ok) {
        return errc::bad_multiaddr;
    }
    const auto* info = find_protocol(code.value);
    if (info == nullptr) {
        return errc::unknown_protocol;
    }
    std::size_t pos = code.size;
    std::size_t len = 0;
    int fixed = fixed_size(info->kind);
    if (fixed >= 0) {
        len = static_cast<std::size_t>(fixed);
    } else {
        auto l = decode_varint(in.subspan(pos));
        if (l.status != varint_status::ok) {
            return errc::bad_multiaddr;
        }
        if (l.value > max_multiaddr_size) {
            return errc::too_long;
        }
        pos += l.size;
        len = static_cast<std::size_t>(l.value);
    }
    if (in.size() - pos < len) {
        return errc::bad_multiaddr;
    }
    c.code = code.value;
    c.value = in.subspan(pos, len);
    PCP_TRY(check_value(info->kind, c.value));
    return pos + len;
}

/// Append one component's binary form (value already in binary).
void put_component(std::uint64_t code, value_kind kind, bytes_view value, byte_buffer& out)
{
    encode_varint(code, out);
    if (fixed_size(kind) < 0) {
        encode_varint(value.size(), out);
    }
    append(out, value);
}

result<std::uint16_t> parse_port(std::string_view s)
{
    if (s.empty() || s.size() > 5) {
        return errc::bad_protocol_value;
    }
    std::uint32_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return errc::bad_protocol_value;
        }
        v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (v > 65535) {
        return errc::bad_protocol_value;
    }
    return static_cast<std::uint16_t>(v);
}

/// Convert a text value to binary for `kind`.
result<byte_buffer> value_from_text(value_kind kind, std::string_view s)
{
    switch (kind) {
    case value_kind::ip4:
    case value_kind::ip6: {
        // inet_pton needs a NUL-terminated string; bound the copy.
        char buf[INET6_ADDRSTRLEN + 1] = {};
        if (s.size() >= sizeof(buf)) {
            return errc::bad_protocol_value;
        }
        std::memcpy(buf, s.data(), s.size());
        byte_buffer out(kind == value_kind::ip4 ? 4 : 16);
        if (inet_pton(kind == value_kind::ip4 ? AF_INET : AF_INET6, buf, out.data()) != 1) {
            return errc::bad_protocol_value;
        }
        return out;
    }
    case value_kind::port: {
        PCP_TRY(auto p, parse_port(s));
        return byte_buffer{static_cast<std::byte>(p >> 8), static_cast<std::byte>(p & 0xff)};
    }
    case value_kind::name: return to_buffer(s);
    case value_kind::peer: {
        auto id = peer_id::from_string(s);
        if (!id) {
            return errc::bad_protocol_value;
        }
        return id.value().bytes();
    }
    case value_kind::certhash: {
        auto mh = multibase_decode(s);
        if (!mh) {
            return errc::bad_protocol_value;
        }
        return std::move(mh).value();
    }
    case value_kind::none: break;
    }
    return errc::bad_protocol_value;
}

std::string ip_text(bool v6, const std::byte* ip)
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(v6 ? AF_INET6 : AF_INET, ip, buf, sizeof(buf)) == nullptr) {
        return {};
    }
    return buf;
}

} // namespace

const protocol_info* find_protocol(std::uint64_t code) noexcept
{
    for (const auto& p : protocols) {
        if (p.code == code) {
            return &p;
        }
    }
    return nullptr;
}

const protocol_info* find_protocol(std::string_view name) noexcept
{
    if (name == "ipfs") {
        name = "p2p";
    }
    for (const auto& p : protocols) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

std::string_view component::name() const noexcept
{
    const auto* p = find_protocol(code);
    return p != nullptr ? p->name : std::string_view{};
}

std::string component::value_string() const
{
    const auto* p = find_protocol(code);
    if (p == nullptr) {
        return {};
    }
    switch (p->kind) {
    case value_kind::none: return {};
    case value_kind::ip4: return value.size() == 4 ? ip_text(false, value.data()) : std::string{};
    case value_kind::ip6: return value.size() == 16 ? ip_text(true, value.data()) : std::string{};
    case value_kind::port:
        if (value.size() != 2) {
            return {};
        }
        return std::to_string(std::to_integer<unsigned>(value[0]) << 8 | std::to_integer<unsigned>(value[1]));
    case value_kind::name: return std::string(as_chars(value));
    case value_kind::peer: return base58btc_encode(value);
    case value_kind::certhash: return multibase_encode(multibase::base64url, value);
    }
    return {};
}

std::string ip_endpoint::ip_string() const { return ip_text(v6, ip.data()); }

// ---- iterator ----

multiaddr::iterator::iterator(bytes_view all) noexcept : rest_(all), at_end_(false) { ++*this; }

multiaddr::iterator& multiaddr::iterator::operator++() noexcept
{
    if (rest_.empty()) {
        *this = iterator();
        return *this;
    }
    auto used = read_component(rest_, cur_);
    if (!used) {
        *this = iterator(); // unreachable for validated storage
        return *this;
    }
    rest_ = rest_.subspan(used.value());
    return *this;
}

// ---- multiaddr ----

result<multiaddr> multiaddr::from_bytes(bytes_view bytes)
{
    if (bytes.empty()) {
        return errc::bad_multiaddr;
    }
    if (bytes.size() > max_multiaddr_size) {
        return errc::too_long;
    }
    std::size_t count = 0;
    for (bytes_view rest = bytes; !rest.empty();) {
        if (count == max_multiaddr_components) {
            return errc::too_many_components;
        }
        component c;
        PCP_TRY(auto used, read_component(rest, c));
        rest = rest.subspan(used);
        ++count;
    }
    multiaddr m;
    m.bytes_.assign(bytes.begin(), bytes.end());
    m.count_ = count;
    return m;
}

result<multiaddr> multiaddr::from_string(std::string_view text)
{
    if (text.size() > max_multiaddr_text_size) {
        return errc::too_long;
    }
    if (text.empty() || text[0] != '/') {
        return errc::bad_multiaddr;
    }
    if (text.size() > 1 && text.back() == '/') {
        text.remove_suffix(1);
    }
    text.remove_prefix(1);
    if (text.empty()) {
        return errc::bad_multiaddr; // "/" alone is empty
    }
    auto next_token = [&text]() {
        auto slash = text.find('/');
        auto tok = text.substr(0, slash);
        text = slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
        return tok;
    };
    multiaddr m;
    bool more = true;
    while (more) {
        more = text.find('/') != std::string_view::npos;
        auto name = next_token();
        if (name.empty()) {
            return errc::bad_multiaddr;
        }
        const auto* info = find_protocol(name);
        if (info == nullptr) {
            return errc::unknown_protocol;
        }
        byte_buffer value;
        if (info->kind != value_kind::none) {
            if (!more) {
                return errc::bad_protocol_value; // missing value
            }
            more = text.find('/') != std::string_view::npos;
            auto v = next_token();
            PCP_TRY(auto bin, value_from_text(info->kind, v));
            value = std::move(bin);
        }
        PCP_TRY(m.append(info->code, value));
    }
    return m;
}

result<void> multiaddr::append(std::uint64_t code, bytes_view value)
{
    const auto* info = find_protocol(code);
    if (info == nullptr) {
        return errc::unknown_protocol;
    }
    int fixed = fixed_size(info->kind);
    if (fixed >= 0 && value.size() != static_cast<std::size_t>(fixed)) {
        return errc::bad_protocol_value;
    }
    if (fixed < 0 && value.size() > max_multiaddr_size) {
        return errc::too_long;
    }
    PCP_TRY(check_value(info->kind, value));
    if (count_ == max_multiaddr_components) {
        return errc::too_many_components;
    }
    byte_buffer part;
    put_component(code, info->kind, value, part);
    if (bytes_.size() + part.size() > max_multiaddr_size) {
        return errc::too_long;
    }
    pcp::append(bytes_, part);
    ++count_;
    return ok();
}

std::string multiaddr::to_string() const
{
    std::string out;
    for (const auto& c : *this) {
        out.push_back('/');
        out.append(c.name());
        const auto* info = find_protocol(c.code);
        if (info != nullptr && info->kind != value_kind::none) {
            out.push_back('/');
            out.append(c.value_string());
        }
    }
    return out;
}

std::vector<component> multiaddr::components() const
{
    std::vector<component> out;
    out.reserve(count_);
    for (const auto& c : *this) {
        out.push_back(c);
    }
    return out;
}

std::optional<component> multiaddr::find(std::uint64_t code) const noexcept
{
    for (const auto& c : *this) {
        if (c.code == code) {
            return c;
        }
    }
    return std::nullopt;
}

result<multiaddr> multiaddr::encapsulate(const multiaddr& tail) const
{
    if (count_ + tail.count_ > max_multiaddr_components) {
        return errc::too_many_components;
    }
    if (bytes_.size() + tail.bytes_.size() > max_multiaddr_size) {
        return errc::too_long;
    }
    multiaddr m = *this;
    pcp::append(m.bytes_, tail.bytes_);
    m.count_ += tail.count_;
    return m;
}

std::optional<ip_endpoint> multiaddr::ip_port() const
{
    auto it = begin();
    ip_endpoint ep;
    if (it == end()) {
        return std::nullopt;
    }
    if (it->code == proto::ip6zone) {
        ep.zone = std::string(as_chars(it->value));
        ++it;
        if (it == end() || it->code != proto::ip6) {
            return std::nullopt;
        }
    }
    if (it->code != proto::ip4 && it->code != proto::ip6) {
        return std::nullopt;
    }
    ep.v6 = it->code == proto::ip6;
    std::memcpy(ep.ip.data(), it->value.data(), it->value.size());
    ++it;
    if (it == end() || (it->code != proto::tcp && it->code != proto::udp)) {
        return std::nullopt;
    }
    ep.proto = it->code == proto::tcp ? ip_endpoint::transport::tcp : ip_endpoint::transport::udp;
    ep.port = static_cast<std::uint16_t>(std::to_integer<unsigned>(it->value[0]) << 8 |
                                         std::to_integer<unsigned>(it->value[1]));
    return ep;
}

std::optional<peer_id> multiaddr::peer() const
{
    std::optional<component> last;
    for (const auto& c : *this) {
        last = c;
    }
    if (!last || last->code != proto::p2p) {
        return std::nullopt;
    }
    auto id = peer_id::from_bytes(last->value);
    if (!id) {
        return std::nullopt;
    }
    return std::move(id).value();
}

multiaddr multiaddr::without_peer() const
{
    std::size_t keep = 0;
    std::size_t keep_count = 0;
    std::size_t pos = 0;
    std::size_t n = 0;
    bool last_is_peer = false;
    for (auto it = begin(); it != end(); ++it) {
        keep = pos;
        keep_count = n;
        last_is_peer = it->code == proto::p2p;
        // Position just after this component = where the value ends.
        pos = static_cast<std::size_t>(it->value.data() + it->value.size() - bytes_.data());
        ++n;
    }
    if (!last_is_peer) {
        return *this;
    }
    multiaddr m;
    m.bytes_.assign(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(keep));
    m.count_ = keep_count;
    return m;
}

result<multiaddr> multiaddr::with_peer(const peer_id& id) const
{
    multiaddr m = without_peer();
    PCP_TRY(m.append(proto::p2p, id.bytes()));
    return m;
}

} // namespace pcp::p2p::peer
