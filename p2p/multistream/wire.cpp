// SPDX-License-Identifier: MIT
// multistream-select 1.0 framing; see wire.hpp.
#include "p2p/multistream/wire.hpp"

#include "p2p/peer/varint.hpp"

namespace pcp::p2p::multistream {

using peer::decode_varint;
using peer::encode_varint;
using peer::varint_size;
using peer::varint_status;

result<void> encode(std::string_view text, byte_buffer& out)
{
    if (text.size() + 1 > max_message_size) {
        return errc::message_too_large;
    }
    encode_varint(text.size() + 1, out);
    append(out, text);
    out.push_back(std::byte{'\n'});
    return ok();
}

result<decoded<std::string>> decode(bytes_view in)
{
    // A prefix longer than max_prefix_size can only encode a length above the limit.
    auto v = decode_varint(in.first(std::min(in.size(), max_prefix_size)));
    switch (v.status) {
    case varint_status::ok: break;
    case varint_status::need_more:
        if (in.size() >= max_prefix_size) {
            return errc::message_too_large; // third prefix byte needed: > 16383
        }
        return decoded<std::string>::need_more();
    case varint_status::overflow: return errc::message_too_large;
    case varint_status::not_minimal: return errc::bad_length;
    }
    if (v.value == 0) {
        return errc::bad_length;
    }
    if (v.value > max_message_size) {
        return errc::message_too_large;
    }
    const std::size_t total = v.size + static_cast<std::size_t>(v.value);
    if (in.size() < total) {
        return decoded<std::string>::need_more(total);
    }
    if (in[total - 1] != std::byte{'\n'}) {
        return errc::missing_newline;
    }
    auto text = as_chars(in.subspan(v.size, static_cast<std::size_t>(v.value) - 1));
    return decoded<std::string>::done(std::string(text), total);
}

std::size_t encode_listing(std::span<const std::string> protocols, byte_buffer& out)
{
    byte_buffer body;
    std::size_t listed = 0;
    for (const auto& p : protocols) {
        if (p.size() > max_protocol_size) {
            continue;
        }
        const std::size_t entry = varint_size(p.size() + 1) + p.size() + 1;
        if (body.size() + entry + 1 > max_message_size) { // +1: the outer newline
            continue;
        }
        encode_varint(p.size() + 1, body);
        append(body, p);
        body.push_back(std::byte{'\n'});
        ++listed;
    }
    (void)encode(as_chars(body), out); // fits by construction
    return listed;
}

result<std::vector<std::string>> decode_listing(std::string_view text)
{
    std::vector<std::string> out;
    auto in = as_bytes(text);
    while (!in.empty()) {
        if (out.size() == max_listed_protocols) {
            return errc::bad_listing;
        }
        auto m = decode(in);
        if (!m) {
            return errc::bad_listing;
        }
        if (!m.value().complete()) {
            // The older go form has no outer newline of its own, so decode() of the outer
            // message took the last entry's '\n': accept exactly that one missing byte.
            const std::size_t need = m.value().needed;
            auto v = decode_varint(in);
            if (need != in.size() + 1 || v.status != varint_status::ok) {
                return errc::bad_listing;
            }
            out.emplace_back(as_chars(in.subspan(v.size)));
            break;
        }
        out.push_back(std::move(*m.value().message));
        in = in.subspan(m.value().consumed);
    }
    return out;
}

} // namespace pcp::p2p::multistream
