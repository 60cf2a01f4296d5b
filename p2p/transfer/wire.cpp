// SPDX-License-Identifier: MIT
#include "p2p/transfer/wire.hpp"

#include <cstring>

#include "p2p/peer/protobuf.hpp"
#include "p2p/peer/varint.hpp"
#include "p2p/transfer/errc.hpp"

namespace pcp::p2p::transfer {
namespace pb = peer::pb;

namespace {

void encode_entry(const entry& e, byte_buffer& out)
{
    pb::put_bytes(1, as_bytes(e.path), out);
    pb::put_varint(2, e.kind, out);
    if (e.size != 0) {
        pb::put_varint(3, e.size, out);
    }
    if (e.mode != 0) {
        pb::put_varint(4, e.mode, out);
    }
    if (e.mtime_sec != 0) {
        pb::put_varint(5, static_cast<std::uint64_t>(e.mtime_sec), out);
    }
    if (e.mtime_nsec != 0) {
        pb::put_varint(6, e.mtime_nsec, out);
    }
}

struct body_encoder {
    byte_buffer& b;
    void operator()(const std::monostate&) const {}
    void operator()(const hello& m) const
    {
        pb::put_varint(1, m.version, b);
        for (const auto& c : m.capabilities) {
            pb::put_string(2, c, b);
        }
        if (!m.agent.empty()) {
            pb::put_string(3, m.agent, b);
        }
    }
    void operator()(const manifest_batch& m) const
    {
        byte_buffer tmp;
        for (const auto& e : m.entries) {
            tmp.clear();
            encode_entry(e, tmp);
            pb::put_bytes(1, tmp, b);
        }
    }
    void operator()(const manifest_end& m) const
    {
        pb::put_varint(1, m.entries, b);
        pb::put_varint(2, m.files, b);
        pb::put_varint(3, m.bytes, b);
    }
    void operator()(const accept& m) const
    {
        byte_buffer tmp;
        for (const auto& s : m.starts) {
            tmp.clear();
            pb::put_varint(1, s.file, tmp);
            pb::put_varint(2, s.offset, tmp);
            pb::put_bytes(1, tmp, b);
        }
    }
    void operator()(const reject& m) const
    {
        pb::put_varint(1, m.reason, b);
        if (!m.message.empty()) {
            pb::put_string(2, m.message, b);
        }
    }
    void operator()(const data_header& m) const
    {
        pb::put_varint(1, m.file, b);
        pb::put_varint(2, m.offset, b);
        pb::put_varint(3, m.length, b);
        if (m.last) {
            pb::put_varint(4, 1, b);
        }
    }
    void operator()(const file_ack& m) const
    {
        pb::put_varint(1, m.file, b);
        pb::put_fixed32(3, m.crc32c, b);
    }
    void operator()(const done& m) const
    {
        pb::put_varint(1, m.files, b);
        pb::put_varint(2, m.bytes, b);
    }
    void operator()(const finished& m) const { pb::put_varint(1, m.synced ? 1 : 0, b); }
    void operator()(const abort& m) const
    {
        pb::put_varint(1, m.code, b);
        if (!m.message.empty()) {
            pb::put_string(2, m.message, b);
        }
        if (m.file) {
            pb::put_varint(3, *m.file, b);
        }
    }
};

error_code bad() { return make_error_code(errc::malformed); }

// Field helpers: a known field with the wrong wire type is malformed.
result<std::uint64_t> want_varint(const pb::field& f)
{
    if (f.type != pb::varint_type) {
        return bad();
    }
    return f.value;
}
result<std::uint32_t> want_u32(const pb::field& f)
{
    PCP_TRY(auto v, want_varint(f));
    if (v > 0xffffffffu) {
        return bad();
    }
    return static_cast<std::uint32_t>(v);
}
result<bytes_view> want_bytes(const pb::field& f)
{
    if (f.type != pb::len_type) {
        return bad();
    }
    return f.bytes;
}
result<std::string> want_string(const pb::field& f, std::size_t limit)
{
    PCP_TRY(auto b, want_bytes(f));
    if (b.size() > limit) {
        return make_error_code(errc::limit_exceeded);
    }
    return std::string(as_chars(b));
}

result<hello> decode_hello(bytes_view in)
{
    hello m;
    m.version = 0;
    pb::reader r(in);
    while (auto f = r.next()) {
        switch (f->number) {
        case 1: {
            PCP_TRY(m.version, want_u32(*f));
            break;
        }
        case 2: {
            if (m.capabilities.size() == max_capabilities) {
                return make_error_code(errc::limit_exceeded);
            }
            PCP_TRY(auto s, want_string(*f, max_capability_size));
            m.capabilities.push_back(std::move(s));
            break;
        }
        case 3: {
            PCP_TRY(m.agent, want_string(*f, max_agent_size));
            break;
        }
        default: break;
        }
    }
    if (r.failed()) {
        return bad();
    }
    return m;
}

result<entry> decode_entry(bytes_view in)
{
    entry e;
    pb::reader r(in);
    while (auto f = r.next()) {
        switch (f->number) {
        case 1: {
            PCP_TRY(e.path, want_string(*f, max_path_size));
            break;
        }
        case 2: {
            PCP_TRY(e.kind, want_u32(*f));
            break;
        }
        case 3: {
            PCP_TRY(e.size, want_varint(*f));
            break;
        }
        case 4: {
            PCP_TRY(e.mode, want_u32(*f));
            break;
        }
        case 5: {
            PCP_TRY(auto v, want_varint(*f));
            e.mtime_sec = static_cast<std::int64_t>(v);
            break;
        }
        case 6: {
            PCP_TRY(e.mtime_nsec, want_u32(*f));
            break;
        }
        default: break;
        }
    }
    if (r.failed()) {
        return bad();
    }
    return e;
}

result<manifest_batch> decode_manifest(bytes_view in)
{
    manifest_batch m;
    pb::reader r(in);
    while (auto f = r.next()) {
        if (f->number != 1) {
            continue;
        }
        if (m.entries.size() == max_batch_entries) {
            return make_error_code(errc::limit_exceeded);
        }
        PCP_TRY(auto b, want_bytes(*f));
        PCP_TRY(auto e, decode_entry(b));
        m.entries.push_back(std::move(e));
    }
    if (r.failed()) {
        return bad();
    }
    return m;
}

/// Decode a message made only of varint fields 1..N into the given slots.
template <std::size_t N>
result<void> decode_varints(bytes_view in, std::array<std::uint64_t*, N> slots)
{
    pb::reader r(in);
    while (auto f = r.next()) {
        if (f->number >= 1 && f->number <= N) {
            PCP_TRY(*slots[f->number - 1], want_varint(*f));
        }
    }
    if (r.failed()) {
        return bad();
    }
    return ok();
}

result<accept> decode_accept(bytes_view in)
{
    accept m;
    pb::reader r(in);
    while (auto f = r.next()) {
        if (f->number != 1) {
            continue;
        }
        if (m.starts.size() == max_starts) {
            return make_error_code(errc::limit_exceeded);
        }
        PCP_TRY(auto b, want_bytes(*f));
        start_offset s;
        PCP_TRY(decode_varints<2>(b, {&s.file, &s.offset}));
        m.starts.push_back(s);
    }
    if (r.failed()) {
        return bad();
    }
    return m;
}

result<reject> decode_reject(bytes_view in)
{
    reject m;
    pb::reader r(in);
    while (auto f = r.next()) {
        if (f->number == 1) {
            PCP_TRY(m.reason, want_u32(*f));
        } else if (f->number == 2) {
            PCP_TRY(m.message, want_string(*f, max_text_size));
        }
    }
    if (r.failed()) {
        return bad();
    }
    return m;
}

result<data_header> decode_data(bytes_view in)
{
    data_header m;
    std::uint64_t last = 0;
    PCP_TRY(decode_varints<4>(in, {&m.file, &m.offset, &m.length, &last}));
    if (last > 1) {
        return bad();
    }
    m.last = last == 1;
    if (m.length > max_segment_size) {
        return make_error_code(errc::limit_exceeded);
    }
    return m;
}

result<file_ack> decode_file_ack(bytes_view in)
{
    file_ack m;
    bool have_hash = false;
    pb::reader r(in);
    while (auto f = r.next()) {
        if (f->number == 1) {
            PCP_TRY(m.file, want_varint(*f));
        } else if (f->number == 3) {
            if (f->type != pb::fixed32_type) {
                return bad();
            }
            m.crc32c = static_cast<std::uint32_t>(f->value);
            have_hash = true;
        }
    }
    if (r.failed() || !have_hash) {
        return bad();
    }
    return m;
}

result<abort> decode_abort(bytes_view in)
{
    abort m;
    pb::reader r(in);
    while (auto f = r.next()) {
        if (f->number == 1) {
            PCP_TRY(m.code, want_u32(*f));
        } else if (f->number == 2) {
            PCP_TRY(m.message, want_string(*f, max_text_size));
        } else if (f->number == 3) {
            PCP_TRY(auto v, want_varint(*f));
            m.file = v;
        }
    }
    if (r.failed()) {
        return bad();
    }
    return m;
}

result<message> decode_one(std::uint32_t number, bytes_view b)
{
    switch (static_cast<message_type>(number)) {
    case message_type::hello: {
        PCP_TRY(auto m, decode_hello(b));
        return message{std::move(m)};
    }
    case message_type::manifest: {
        PCP_TRY(auto m, decode_manifest(b));
        return message{std::move(m)};
    }
    case message_type::manifest_end: {
        manifest_end m;
        PCP_TRY(decode_varints<3>(b, {&m.entries, &m.files, &m.bytes}));
        return message{m};
    }
    case message_type::accept: {
        PCP_TRY(auto m, decode_accept(b));
        return message{std::move(m)};
    }
    case message_type::reject: {
        PCP_TRY(auto m, decode_reject(b));
        return message{std::move(m)};
    }
    case message_type::data: {
        PCP_TRY(auto m, decode_data(b));
        return message{m};
    }
    case message_type::file_ack: {
        PCP_TRY(auto m, decode_file_ack(b));
        return message{m};
    }
    case message_type::done: {
        done m;
        PCP_TRY(decode_varints<2>(b, {&m.files, &m.bytes}));
        return message{m};
    }
    case message_type::finished: {
        std::uint64_t synced = 0;
        PCP_TRY(decode_varints<1>(b, {&synced}));
        if (synced > 1) {
            return bad();
        }
        return message{finished{synced == 1}};
    }
    case message_type::abort: {
        PCP_TRY(auto m, decode_abort(b));
        return message{std::move(m)};
    }
    }
    return message{std::monostate{}};
}

} // namespace

void encode(const message& m, byte_buffer& out)
{
    byte_buffer body;
    std::visit(body_encoder{body}, m);
    byte_buffer frame;
    if (m.index() != 0) {
        pb::put_bytes(static_cast<std::uint32_t>(m.index()), body, frame);
    }
    peer::encode_varint(frame.size(), out);
    append(out, frame);
}

std::size_t encoded_entry_size(const entry& e)
{
    byte_buffer tmp;
    encode_entry(e, tmp);
    return 1 + peer::varint_size(tmp.size()) + tmp.size();
}

result<message> decode_body(bytes_view body)
{
    if (body.size() > max_message_size) {
        return make_error_code(errc::message_too_large);
    }
    pb::reader r(body);
    std::optional<message> found;
    while (auto f = r.next()) {
        if (f->number < 1 || f->number > static_cast<std::uint32_t>(message_type::abort)) {
            continue; // unknown message kinds and fields are ignored
        }
        if (found || f->type != pb::len_type) {
            return bad(); // two messages in one frame, or a message that is not a submessage
        }
        PCP_TRY(auto m, decode_one(f->number, f->bytes));
        found = std::move(m);
    }
    if (r.failed()) {
        return bad();
    }
    if (!found) {
        return message{std::monostate{}};
    }
    return std::move(*found);
}

result<decoded<message>> decode(bytes_view in)
{
    auto len = peer::decode_varint(in.first(std::min(in.size(), max_prefix_size)));
    if (len.status == peer::varint_status::need_more) {
        if (in.size() >= max_prefix_size) {
            return make_error_code(errc::message_too_large); // a longer prefix is ≥ 2^21
        }
        return decoded<message>::need_more(in.size() + 1);
    }
    if (len.status != peer::varint_status::ok) {
        return len.status == peer::varint_status::overflow ? make_error_code(errc::message_too_large) : bad();
    }
    if (len.value > max_message_size) {
        return make_error_code(errc::message_too_large);
    }
    if (len.value == 0) {
        return bad();
    }
    std::size_t total = len.size + static_cast<std::size_t>(len.value);
    if (in.size() < total) {
        return decoded<message>::need_more(total);
    }
    PCP_TRY(auto m, decode_body(in.subspan(len.size, static_cast<std::size_t>(len.value))));
    return decoded<message>::done(std::move(m), total);
}

} // namespace pcp::p2p::transfer
