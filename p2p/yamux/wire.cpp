// SPDX-License-Identifier: MIT
// yamux framing; see wire.hpp.
#include "p2p/yamux/wire.hpp"

namespace pcp::p2p::yamux {
namespace {
void put_be(std::byte* out, std::uint32_t v, std::size_t n) noexcept
{
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<std::byte>(v >> (8 * (n - 1 - i)));
    }
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

void encode(const header& h, std::span<std::byte, header_size> out) noexcept
{
    out[0] = static_cast<std::byte>(h.version);
    out[1] = static_cast<std::byte>(h.type);
    put_be(out.data() + 2, h.flags, 2);
    put_be(out.data() + 4, h.id, 4);
    put_be(out.data() + 8, h.length, 4);
}

void encode(const header& h, byte_buffer& out)
{
    const auto at = out.size();
    out.resize(at + header_size);
    encode(h, std::span(out).subspan(at).first<header_size>());
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
