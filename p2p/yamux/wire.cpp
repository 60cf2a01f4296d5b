// SPDX-License-Identifier: MIT
// yamux framing; see wire.hpp.
#include "p2p/yamux/wire.hpp"

namespace pcp::p2p::yamux {
namespace {
void put16(byte_buffer& out, std::uint16_t v)
{
    out.push_back(static_cast<std::byte>(v >> 8));
    out.push_back(static_cast<std::byte>(v));
}
void put32(byte_buffer& out, std::uint32_t v)
{
    put16(out, static_cast<std::uint16_t>(v >> 16));
    put16(out, static_cast<std::uint16_t>(v));
}
std::uint32_t get(bytes_view in, std::size_t at, std::size_t n)
{
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        v = (v << 8) | std::to_integer<std::uint32_t>(in[at + i]);
    }
    return v;
}
} // namespace

void encode(const header& h, byte_buffer& out)
{
    out.push_back(static_cast<std::byte>(h.version));
    out.push_back(static_cast<std::byte>(h.type));
    put16(out, h.flags);
    put32(out, h.id);
    put32(out, h.length);
}

void encode_data(stream_id id, std::uint16_t flags, bytes_view payload, byte_buffer& out)
{
    encode(header{protocol_version, frame_type::data, flags, id, static_cast<std::uint32_t>(payload.size())},
           out);
    append(out, payload);
}

result<decoded<header>> decode(bytes_view in)
{
    if (in.size() < header_size) {
        return decoded<header>::need_more(header_size);
    }
    header h;
    h.version = std::to_integer<std::uint8_t>(in[0]);
    if (h.version != protocol_version) {
        return errc::bad_version;
    }
    const auto type = std::to_integer<std::uint8_t>(in[1]);
    if (type > static_cast<std::uint8_t>(frame_type::go_away)) {
        return errc::bad_type;
    }
    h.type = static_cast<frame_type>(type);
    h.flags = static_cast<std::uint16_t>(get(in, 2, 2));
    h.id = get(in, 4, 4);
    h.length = get(in, 8, 4);
    return decoded<header>::done(h, header_size);
}

} // namespace pcp::p2p::yamux
