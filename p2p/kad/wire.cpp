// SPDX-License-Identifier: MIT
// kad-dht Message codec (kad-dht/README.md "RPC messages"; proto3 field numbers as in go's
// pb/dht.proto). Tolerant decoding, deterministic proto3 encoding.
#include "p2p/kad/wire.hpp"

#include "p2p/kad/errc.hpp"
#include "p2p/peer/protobuf.hpp"

namespace pcp::p2p::kad {
namespace pb = peer::pb;
namespace {

// Message field numbers.
constexpr std::uint32_t f_type = 1;
constexpr std::uint32_t f_key = 2;
constexpr std::uint32_t f_record = 3;
constexpr std::uint32_t f_closer_peers = 8;
constexpr std::uint32_t f_provider_peers = 9;
constexpr std::uint32_t f_cluster_level = 10;
// Record field numbers.
constexpr std::uint32_t r_key = 1;
constexpr std::uint32_t r_value = 2;
constexpr std::uint32_t r_time_received = 5;
// Peer field numbers.
constexpr std::uint32_t p_id = 1;
constexpr std::uint32_t p_addrs = 2;
constexpr std::uint32_t p_connection = 3;

// proto3 int32/enum: the low 32 bits of the varint (negative values arrive sign-extended).
std::int32_t as_int32(std::uint64_t v) noexcept { return static_cast<std::int32_t>(static_cast<std::uint32_t>(v)); }
// proto3 int32/enum on the wire: negative values are sign-extended to 64 bits (10 bytes).
std::uint64_t from_int32(std::int32_t v) noexcept { return static_cast<std::uint64_t>(static_cast<std::int64_t>(v)); }

/// Merge a Record body into `rec` (fields present replace earlier values).
result<void> decode_record(bytes_view body, record& rec, const config& cfg)
{
    pb::reader rd(body);
    while (auto f = rd.next()) {
        switch (f->number) {
        case r_key:
        case r_value:
        case r_time_received:
            if (f->type != pb::len_type) {
                return errc::malformed;
            }
            if (f->number == r_key) {
                if (f->bytes.size() > cfg.max_key_size) {
                    return errc::bad_key;
                }
                rec.key.assign(f->bytes.begin(), f->bytes.end());
            } else if (f->number == r_value) {
                rec.value.assign(f->bytes.begin(), f->bytes.end());
            } else {
                rec.time_received.assign(as_chars(f->bytes));
            }
            break;
        default:
            break; // author (3), signature (4) and anything newer
        }
    }
    if (rd.failed()) {
        return errc::malformed;
    }
    return ok();
}

/// Decode a Peer body: nullopt when the id is not a valid peer ID (the entry is dropped), an
/// error only when the protobuf itself is malformed.
result<std::optional<peer_info>> decode_peer(bytes_view body, const config& cfg)
{
    pb::reader rd(body);
    bytes_view id;
    peer_info info;
    while (auto f = rd.next()) {
        switch (f->number) {
        case p_id:
            if (f->type != pb::len_type) {
                return errc::malformed;
            }
            id = f->bytes;
            break;
        case p_addrs:
            if (f->type != pb::len_type) {
                return errc::malformed;
            }
            if (info.addrs.size() < cfg.max_addrs_per_peer) {
                if (auto ma = peer::multiaddr::from_bytes(f->bytes)) {
                    info.addrs.push_back(std::move(ma).value());
                }
            }
            break;
        case p_connection:
            if (f->type != pb::varint_type) {
                return errc::malformed;
            }
            info.connection = static_cast<connection_type>(as_int32(f->value));
            break;
        default:
            break;
        }
    }
    if (rd.failed()) {
        return errc::malformed;
    }
    auto pid = peer::peer_id::from_bytes(id);
    if (!pid) {
        return std::optional<peer_info>{};
    }
    info.id = std::move(pid).value();
    return std::optional<peer_info>{std::move(info)};
}

result<void> decode_peer_into(bytes_view body, std::vector<peer_info>& list, const config& cfg)
{
    PCP_TRY(auto p, decode_peer(body, cfg));
    if (p && list.size() < cfg.max_peers_per_message) {
        list.push_back(std::move(*p));
    }
    return ok();
}

void encode_record(const record& r, byte_buffer& out)
{
    if (!r.key.empty()) {
        pb::put_bytes(r_key, r.key, out);
    }
    if (!r.value.empty()) {
        pb::put_bytes(r_value, r.value, out);
    }
    if (!r.time_received.empty()) {
        pb::put_string(r_time_received, r.time_received, out);
    }
}

void encode_peer(const peer_info& p, byte_buffer& out)
{
    if (!p.id.empty()) {
        pb::put_bytes(p_id, p.id.bytes(), out);
    }
    for (const auto& a : p.addrs) {
        pb::put_bytes(p_addrs, a.bytes(), out);
    }
    if (p.connection != connection_type::not_connected) {
        pb::put_varint(p_connection, from_int32(static_cast<std::int32_t>(p.connection)), out);
    }
}

void put_nested(std::uint32_t number, const byte_buffer& body, byte_buffer& out) { pb::put_bytes(number, body, out); }

} // namespace

result<message> decode(bytes_view body, const config& cfg)
{
    if (body.size() > cfg.max_message_size) {
        return errc::too_large;
    }
    message m;
    pb::reader rd(body);
    while (auto f = rd.next()) {
        switch (f->number) {
        case f_type:
        case f_cluster_level:
            if (f->type != pb::varint_type) {
                return errc::malformed;
            }
            if (f->number == f_type) {
                m.type = static_cast<message_type>(as_int32(f->value));
            } else {
                m.cluster_level_raw = as_int32(f->value);
            }
            break;
        case f_key:
            if (f->type != pb::len_type) {
                return errc::malformed;
            }
            if (f->bytes.size() > cfg.max_key_size) {
                return errc::bad_key;
            }
            m.key.assign(f->bytes.begin(), f->bytes.end());
            break;
        case f_record: {
            if (f->type != pb::len_type) {
                return errc::malformed;
            }
            if (!m.rec) {
                m.rec.emplace();
            }
            PCP_TRY(decode_record(f->bytes, *m.rec, cfg));
            break;
        }
        case f_closer_peers:
        case f_provider_peers: {
            if (f->type != pb::len_type) {
                return errc::malformed;
            }
            auto& list = f->number == f_closer_peers ? m.closer_peers : m.provider_peers;
            PCP_TRY(decode_peer_into(f->bytes, list, cfg));
            break;
        }
        default:
            break;
        }
    }
    if (rd.failed()) {
        return errc::malformed;
    }
    return m;
}

void encode(const message& m, byte_buffer& out)
{
    if (m.type != message_type::put_value) {
        pb::put_varint(f_type, from_int32(static_cast<std::int32_t>(m.type)), out);
    }
    if (!m.key.empty()) {
        pb::put_bytes(f_key, m.key, out);
    }
    byte_buffer nested;
    if (m.rec) {
        encode_record(*m.rec, nested);
        put_nested(f_record, nested, out);
    }
    for (const auto& p : m.closer_peers) {
        nested.clear();
        encode_peer(p, nested);
        put_nested(f_closer_peers, nested, out);
    }
    for (const auto& p : m.provider_peers) {
        nested.clear();
        encode_peer(p, nested);
        put_nested(f_provider_peers, nested, out);
    }
    if (m.cluster_level_raw != 0) {
        pb::put_varint(f_cluster_level, from_int32(m.cluster_level_raw), out);
    }
}

byte_buffer encode(const message& m)
{
    byte_buffer out;
    encode(m, out);
    return out;
}

void encode_framed(const message& m, byte_buffer& out)
{
    auto body = encode(m);
    pb::append_frame(body, out);
}

} // namespace pcp::p2p::kad
