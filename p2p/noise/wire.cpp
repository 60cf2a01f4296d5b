// SPDX-License-Identifier: MIT
// Noise framing and handshake payload codec. See wire.hpp.
#include "p2p/noise/wire.hpp"

#include <algorithm>

#include "p2p/peer/protobuf.hpp"

namespace pcp::p2p::noise {
namespace pb = peer::pb;

namespace {
enum : std::uint32_t {
    f_identity_key = 1,
    f_identity_sig = 2,
    f_extensions = 4,
    f_certhashes = 1,
    f_stream_muxers = 2,
};

result<void> decode_extensions(bytes_view in, extensions& ext)
{
    pb::reader r(in);
    while (auto f = r.next()) {
        if (f->number == f_certhashes || f->number == f_stream_muxers) {
            if (f->type != pb::len_type) {
                return errc::bad_payload;
            }
        }
        if (f->number == f_certhashes) {
            if (ext.webtransport_certhashes.size() >= max_certhashes ||
                f->bytes.size() > max_certhash_size) {
                return errc::payload_limit;
            }
            ext.webtransport_certhashes.emplace_back(f->bytes.begin(), f->bytes.end());
        } else if (f->number == f_stream_muxers) {
            if (ext.stream_muxers.size() >= max_stream_muxers ||
                f->bytes.size() > max_muxer_name_size) {
                return errc::payload_limit;
            }
            ext.stream_muxers.emplace_back(as_chars(f->bytes));
        }
    }
    if (r.failed()) {
        return errc::bad_payload;
    }
    return ok();
}
} // namespace

void encode(const handshake_payload& p, byte_buffer& out)
{
    if (!p.identity_key.empty()) {
        pb::put_bytes(f_identity_key, p.identity_key, out);
    }
    if (!p.identity_sig.empty()) {
        pb::put_bytes(f_identity_sig, p.identity_sig, out);
    }
    if (p.extensions) {
        byte_buffer ext;
        for (const auto& h : p.extensions->webtransport_certhashes) {
            pb::put_bytes(f_certhashes, h, ext);
        }
        for (const auto& m : p.extensions->stream_muxers) {
            pb::put_string(f_stream_muxers, m, ext);
        }
        pb::put_bytes(f_extensions, ext, out);
    }
}

result<handshake_payload> decode_payload(bytes_view in)
{
    if (in.size() > max_frame_body) {
        return errc::payload_limit;
    }
    handshake_payload p;
    pb::reader r(in);
    while (auto f = r.next()) {
        switch (f->number) {
        case f_identity_key:
            if (f->type != pb::len_type) {
                return errc::bad_payload;
            }
            if (f->bytes.size() > max_identity_key_size) {
                return errc::payload_limit;
            }
            p.identity_key.assign(f->bytes.begin(), f->bytes.end());
            break;
        case f_identity_sig:
            if (f->type != pb::len_type) {
                return errc::bad_payload;
            }
            if (f->bytes.size() > max_identity_sig_size) {
                return errc::payload_limit;
            }
            p.identity_sig.assign(f->bytes.begin(), f->bytes.end());
            break;
        case f_extensions: {
            if (f->type != pb::len_type) {
                return errc::bad_payload;
            }
            if (!p.extensions) {
                p.extensions.emplace();
            }
            PCP_TRY(decode_extensions(f->bytes, *p.extensions));
            break;
        }
        default: break; // field 3 (legacy early data) and unknown fields
        }
    }
    if (r.failed()) {
        return errc::bad_payload;
    }
    return p;
}

void encode_frame(bytes_view body, byte_buffer& out)
{
    out.push_back(static_cast<std::byte>((body.size() >> 8) & 0xff));
    out.push_back(static_cast<std::byte>(body.size() & 0xff));
    append(out, body);
}

decoded<bytes_view> decode_frame(bytes_view in) noexcept
{
    if (in.size() < frame_header_size) {
        return decoded<bytes_view>::need_more(frame_header_size);
    }
    std::size_t len =
        (std::to_integer<std::size_t>(in[0]) << 8) | std::to_integer<std::size_t>(in[1]);
    if (in.size() < frame_header_size + len) {
        return decoded<bytes_view>::need_more(frame_header_size + len);
    }
    return decoded<bytes_view>::done(in.subspan(frame_header_size, len), frame_header_size + len);
}

std::size_t frame_reader::wanted() const noexcept
{
    if (buf_.size() < frame_header_size) {
        return frame_header_size;
    }
    return frame_header_size +
           ((std::to_integer<std::size_t>(buf_[0]) << 8) | std::to_integer<std::size_t>(buf_[1]));
}

std::size_t frame_reader::feed(bytes_view in)
{
    std::size_t used = 0;
    while (used < in.size() && buf_.size() < wanted()) {
        auto take = std::min(wanted() - buf_.size(), in.size() - used);
        buf_.insert(buf_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
                    in.begin() + static_cast<std::ptrdiff_t>(used + take));
        used += take;
    }
    return used;
}

bool frame_reader::has_frame() const noexcept
{
    return buf_.size() >= frame_header_size && buf_.size() == wanted();
}

mutable_bytes frame_reader::body() noexcept
{
    return mutable_bytes(buf_).subspan(frame_header_size);
}

void frame_reader::pop() noexcept
{
    buf_.clear();
}

} // namespace pcp::p2p::noise
