// SPDX-License-Identifier: MIT
#include "p2p/identify/wire.hpp"

#include "p2p/identify/errc.hpp"
#include "p2p/peer/protobuf.hpp"
#include "p2p/peer/varint.hpp"

namespace pcp::p2p::identify {

namespace pb = peer::pb;

void encode(const message& m, byte_buffer& out)
{
    if (m.public_key) {
        pb::put_bytes(1, *m.public_key, out);
    }
    for (const auto& a : m.listen_addrs) {
        pb::put_bytes(2, a, out);
    }
    for (const auto& p : m.protocols) {
        pb::put_string(3, p, out);
    }
    if (m.observed_addr) {
        pb::put_bytes(4, *m.observed_addr, out);
    }
    if (m.protocol_version) {
        pb::put_string(5, *m.protocol_version, out);
    }
    if (m.agent_version) {
        pb::put_string(6, *m.agent_version, out);
    }
    if (m.signed_peer_record) {
        pb::put_bytes(8, *m.signed_peer_record, out);
    }
}

void encode_framed(const message& m, byte_buffer& out)
{
    byte_buffer body;
    encode(m, body);
    pb::append_frame(body, out);
}

result<message> decode(bytes_view body)
{
    if (body.size() > max_message_size) {
        return make_error_code(errc::message_too_large);
    }
    message m;
    pb::reader r(body);
    while (auto f = r.next()) {
        auto text = [&]() -> result<std::string> {
            if (f->type != pb::len_type) {
                return make_error_code(errc::malformed);
            }
            if (f->bytes.size() > max_string) {
                return make_error_code(errc::limit_exceeded);
            }
            return std::string(as_chars(f->bytes));
        };
        auto blob = [&]() -> result<byte_buffer> {
            if (f->type != pb::len_type) {
                return make_error_code(errc::malformed);
            }
            return byte_buffer(f->bytes.begin(), f->bytes.end());
        };
        switch (f->number) {
        case 1: {
            PCP_TRY(auto v, blob());
            m.public_key = std::move(v);
            break;
        }
        case 2: {
            if (m.listen_addrs.size() >= max_addrs) {
                return make_error_code(errc::limit_exceeded);
            }
            PCP_TRY(auto v, blob());
            m.listen_addrs.push_back(std::move(v));
            m.has_listen_addrs = true;
            break;
        }
        case 3: {
            if (m.protocols.size() >= max_protocols) {
                return make_error_code(errc::limit_exceeded);
            }
            PCP_TRY(auto v, text());
            m.protocols.push_back(std::move(v));
            m.has_protocols = true;
            break;
        }
        case 4: {
            PCP_TRY(auto v, blob());
            m.observed_addr = std::move(v);
            break;
        }
        case 5: {
            PCP_TRY(auto v, text());
            m.protocol_version = std::move(v);
            break;
        }
        case 6: {
            PCP_TRY(auto v, text());
            m.agent_version = std::move(v);
            break;
        }
        case 8: {
            PCP_TRY(auto v, blob());
            m.signed_peer_record = std::move(v);
            break;
        }
        default:
            break; // unknown fields are ignored
        }
    }
    if (r.failed()) {
        return make_error_code(errc::malformed);
    }
    return m;
}

result<decoded<message>> decode_framed(bytes_view in)
{
    auto f = pb::split_frame(in, max_message_size);
    switch (f.status) {
    case pb::frame_status::need_more:
        return decoded<message>::need_more(f.total);
    case pb::frame_status::malformed:
        return make_error_code(errc::malformed);
    case pb::frame_status::too_large:
        return make_error_code(errc::message_too_large);
    case pb::frame_status::ok:
        break;
    }
    PCP_TRY(auto m, decode(f.body));
    return decoded<message>::done(std::move(m), f.total);
}

void merge(message& base, message update)
{
    if (update.protocol_version) {
        base.protocol_version = std::move(update.protocol_version);
    }
    if (update.agent_version) {
        base.agent_version = std::move(update.agent_version);
    }
    if (update.public_key) {
        base.public_key = std::move(update.public_key);
    }
    if (update.has_listen_addrs) {
        base.listen_addrs = std::move(update.listen_addrs);
        base.has_listen_addrs = true;
    }
    if (update.observed_addr) {
        base.observed_addr = std::move(update.observed_addr);
    }
    if (update.has_protocols) {
        base.protocols = std::move(update.protocols);
        base.has_protocols = true;
    }
    if (update.signed_peer_record) {
        base.signed_peer_record = std::move(update.signed_peer_record);
    }
}

} // namespace pcp::p2p::identify
