// SPDX-License-Identifier: MIT
// /pcp/pake/1.0.0 codec. See wire.hpp.
#include "p2p/pake/wire.hpp"

#include <algorithm>

#include "p2p/peer/protobuf.hpp"
#include "p2p/peer/varint.hpp"

namespace pcp::p2p::pake {

namespace pb = peer::pb;

void encode(const message& m, byte_buffer& out)
{
    if (m.share) {
        pb::put_bytes(share_field, *m.share, out);
    }
    if (m.ad) {
        pb::put_bytes(ad_field, *m.ad, out);
    }
    if (m.confirm) {
        pb::put_bytes(confirm_field, *m.confirm, out);
    }
    if (m.abort) {
        pb::put_varint(abort_field, *m.abort, out);
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
        switch (f->number) {
        case share_field:
            if (f->type != pb::len_type || m.share || f->bytes.size() != share_size) {
                return make_error_code(errc::malformed);
            }
            m.share.emplace();
            std::copy(f->bytes.begin(), f->bytes.end(), m.share->begin());
            break;
        case ad_field:
            if (f->type != pb::len_type || m.ad) {
                return make_error_code(errc::malformed);
            }
            if (f->bytes.size() > max_ad_size) {
                return make_error_code(errc::limit_exceeded);
            }
            m.ad.emplace(f->bytes.begin(), f->bytes.end());
            break;
        case confirm_field:
            if (f->type != pb::len_type || m.confirm || f->bytes.size() != tag_size) {
                return make_error_code(errc::malformed);
            }
            m.confirm.emplace();
            std::copy(f->bytes.begin(), f->bytes.end(), m.confirm->begin());
            break;
        case abort_field:
            if (f->type != pb::varint_type || m.abort) {
                return make_error_code(errc::malformed);
            }
            m.abort = f->value;
            break;
        default:
            break; // unknown fields are ignored (forward compatibility)
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

} // namespace pcp::p2p::pake
