// SPDX-License-Identifier: MIT
// kad Message codec: libp2p-digest §16.8 vectors byte for byte, proto3 zero omission, tolerant
// decoding, every cap at N and N+1, seeded round trips.
#include "p2p/kad/errc.hpp"
#include "p2p/kad/wire.hpp"
#include "p2p/peer/protobuf.hpp"
#include "tests/p2p/kad/kad_test_util.hpp"

#include <gtest/gtest.h>

#include <random>

namespace pcp::p2p::kad {
namespace {
using test::addr;
using test::hex;

// libp2p-digest §16.1 / §16.6: the Ed25519 test peer ID and the multihash of "hello world".
constexpr std::string_view peer_hex = "0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr std::string_view hello_mh_hex = "1220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

peer::peer_id vector_peer() { return peer::peer_id::from_bytes(hex(peer_hex)).value(); }

std::string cat(std::initializer_list<std::string_view> parts)
{
    std::string s;
    for (auto p : parts) {
        s += p;
    }
    return s;
}

TEST(kad_wire, find_node_vector)
{
    // §16.8: FIND_NODE(key = peer ID of §16.1), LP-framed.
    auto expected = hex(cat({"2a", "0804", "1226", peer_hex}));
    message m;
    m.type = message_type::find_node;
    m.key = vector_peer().bytes();
    byte_buffer framed;
    encode_framed(m, framed);
    EXPECT_EQ(to_hex(framed), to_hex(expected));
    auto d = decode(bytes_view(expected).subspan(1));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value(), m);
}

TEST(kad_wire, empty_find_node_reply_vector)
{
    // §16.8: js reply with an empty routing table is `02 0804` (type only).
    message m;
    m.type = message_type::find_node;
    byte_buffer framed;
    encode_framed(m, framed);
    EXPECT_EQ(to_hex(framed), "020804");
    auto d = decode(hex("0804"));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value(), m);
    EXPECT_TRUE(d.value().closer_peers.empty());
}

message add_provider_sample()
{
    message m;
    m.type = message_type::add_provider;
    m.key = hex(hello_mh_hex);
    m.provider_peers.push_back(peer_info{vector_peer(), {addr("/ip4/127.0.0.1/tcp/4001")}, {}});
    return m;
}

TEST(kad_wire, add_provider_vector)
{
    // §16.8: ADD_PROVIDER(key = mh of "hello world", provider = self @ /ip4/127.0.0.1/tcp/4001).
    auto expected = hex(cat({"5a", "0802", "1222", hello_mh_hex, "4a32", "0a26", peer_hex, "1208", "047f000001060fa1"}));
    byte_buffer framed;
    encode_framed(add_provider_sample(), framed);
    EXPECT_EQ(to_hex(framed), to_hex(expected));
    auto d = decode(bytes_view(expected).subspan(1));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value(), add_provider_sample());
}

TEST(kad_wire, get_providers_request_vector)
{
    // §16.8 prints the prefix as 24, but the body is 2 + 2 + 34 = 38 bytes, so the LP prefix is
    // 0x26 (the ADD_PROVIDER vector's 0x5a confirms the counting); the body bytes match.
    auto body = hex(cat({"0803", "1222", hello_mh_hex}));
    ASSERT_EQ(body.size(), 0x26u);
    message m;
    m.type = message_type::get_providers;
    m.key = hex(hello_mh_hex);
    EXPECT_EQ(to_hex(encode(m)), to_hex(body));
    byte_buffer framed;
    encode_framed(m, framed);
    EXPECT_EQ(to_hex(framed), "26" + to_hex(body));
    auto d = decode(body);
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value(), m);
}

TEST(kad_wire, get_providers_js_reply_vector)
{
    // §16.8: js reply `0803 1222 <mh> 4a32 0a26 <peer id> 1208 047f000001060fa1`.
    auto body = hex(cat({"0803", "1222", hello_mh_hex, "4a32", "0a26", peer_hex, "1208", "047f000001060fa1"}));
    auto d = decode(body);
    ASSERT_TRUE(d);
    const auto& m = d.value();
    EXPECT_EQ(m.type, message_type::get_providers);
    EXPECT_EQ(to_hex(m.key), hello_mh_hex);
    ASSERT_EQ(m.provider_peers.size(), 1u);
    EXPECT_EQ(m.provider_peers[0].id, vector_peer());
    ASSERT_EQ(m.provider_peers[0].addrs.size(), 1u);
    EXPECT_EQ(m.provider_peers[0].addrs[0].to_string(), "/ip4/127.0.0.1/tcp/4001");
    EXPECT_EQ(m.provider_peers[0].connection, connection_type::not_connected);
    EXPECT_TRUE(m.closer_peers.empty());
    EXPECT_EQ(to_hex(encode(m)), to_hex(body));
}

TEST(kad_wire, proto3_zero_values_are_omitted)
{
    // A PUT_VALUE (type 0) has no field 1; NOT_CONNECTED and clusterLevelRaw 0 are absent too.
    message m;
    m.type = message_type::put_value;
    m.key = to_buffer("/pk/x");
    m.rec = record{to_buffer("/pk/x"), to_buffer("v"), ""};
    m.closer_peers.push_back(peer_info{test::make_peer(1), {}, connection_type::not_connected});
    auto body = encode(m);
    peer::pb::reader rd(body);
    std::vector<std::uint32_t> fields;
    while (auto f = rd.next()) {
        fields.push_back(f->number);
        if (f->number == 8) {
            peer::pb::reader inner(f->bytes);
            while (auto g = inner.next()) {
                EXPECT_NE(g->number, 3u) << "connection NOT_CONNECTED must be omitted";
            }
        }
    }
    EXPECT_EQ(fields, (std::vector<std::uint32_t>{2, 3, 8}));
    // An empty body is a valid PUT_VALUE with nothing set.
    auto d = decode({});
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value(), message{});
    EXPECT_TRUE(encode(message{}).empty());
    // A record that is present but empty is kept present (`1a 00`).
    message r;
    r.rec = record{};
    EXPECT_EQ(to_hex(encode(r)), "1a00");
    auto dr = decode(hex("1a00"));
    ASSERT_TRUE(dr);
    EXPECT_TRUE(dr.value().rec.has_value());
}

TEST(kad_wire, zero_values_sent_explicitly_are_accepted)
{
    // proto3 decoders accept explicit zeros (some encoders write them).
    auto d = decode(hex("0800" "5000"));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().type, message_type::put_value);
    EXPECT_EQ(d.value().cluster_level_raw, 0);
}

TEST(kad_wire, unknown_fields_are_skipped_everywhere)
{
    byte_buffer peer_body;
    peer::pb::put_bytes(1, vector_peer().bytes(), peer_body);
    peer::pb::put_varint(7, 42, peer_body);                            // unknown varint
    peer::pb::put_bytes(2, addr("/ip4/1.2.3.4/tcp/4001").bytes(), peer_body);
    peer::pb::put_bytes(15, to_buffer("junk"), peer_body);             // unknown bytes
    byte_buffer rec_body;
    peer::pb::put_bytes(1, to_buffer("k"), rec_body);
    peer::pb::put_bytes(3, to_buffer("author"), rec_body);             // removed field
    peer::pb::put_bytes(4, to_buffer("sig"), rec_body);                // removed field
    peer::pb::put_bytes(2, to_buffer("v"), rec_body);
    byte_buffer body;
    peer::pb::put_varint(1, 1, body);
    peer::pb::put_bytes(3, rec_body, body);
    body.insert(body.end(), {std::byte{0x35}, std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}}); // 6:fixed32
    body.insert(body.end(), {std::byte{0x39}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
                             std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}}); // 7:fixed64
    peer::pb::put_bytes(8, peer_body, body);
    peer::pb::put_varint(99, 1, body);
    auto d = decode(body);
    ASSERT_TRUE(d);
    const auto& m = d.value();
    EXPECT_EQ(m.type, message_type::get_value);
    ASSERT_TRUE(m.rec);
    EXPECT_EQ(m.rec->key, to_buffer("k"));
    EXPECT_EQ(m.rec->value, to_buffer("v"));
    ASSERT_EQ(m.closer_peers.size(), 1u);
    EXPECT_EQ(m.closer_peers[0].addrs.size(), 1u);
}

TEST(kad_wire, bad_peer_ids_and_addresses_are_dropped)
{
    byte_buffer body;
    peer::pb::put_varint(1, 4, body);
    auto add_peer = [&](bytes_view id, std::vector<byte_buffer> addrs) {
        byte_buffer p;
        peer::pb::put_bytes(1, id, p);
        for (const auto& a : addrs) {
            peer::pb::put_bytes(2, a, p);
        }
        peer::pb::put_bytes(8, p, body);
    };
    auto good = addr("/ip4/10.0.0.1/tcp/1").bytes();
    add_peer(to_buffer("not a multihash"), {good});                 // dropped
    add_peer({}, {good});                                           // no id: dropped
    add_peer(hex("1210" "00112233445566778899aabbccddeeff"), {good}); // sha2-256 with 16 bytes: dropped
    add_peer(test::make_peer(7).bytes(), {to_buffer("\xff\xff"), good, hex("04010203")}); // 1 of 3 addrs
    byte_buffer no_id_peer;
    peer::pb::put_bytes(2, good, no_id_peer);
    peer::pb::put_bytes(9, no_id_peer, body);                       // provider without id: dropped
    auto d = decode(body);
    ASSERT_TRUE(d);
    ASSERT_EQ(d.value().closer_peers.size(), 1u);
    EXPECT_EQ(d.value().closer_peers[0].id, test::make_peer(7));
    ASSERT_EQ(d.value().closer_peers[0].addrs.size(), 1u);
    EXPECT_EQ(d.value().closer_peers[0].addrs[0].bytes(), good);
    EXPECT_TRUE(d.value().provider_peers.empty());
}

message with_peers(std::size_t closer, std::size_t providers, std::size_t addrs)
{
    message m;
    m.type = message_type::get_providers;
    m.key = to_buffer("k");
    for (std::size_t i = 0; i < closer + providers; ++i) {
        peer_info p{test::make_peer(i), {}, connection_type::connected};
        for (std::size_t a = 0; a < addrs; ++a) {
            p.addrs.push_back(addr("/ip4/10.0.0.1/tcp/" + std::to_string(1000 + a)));
        }
        (i < closer ? m.closer_peers : m.provider_peers).push_back(std::move(p));
    }
    return m;
}

TEST(kad_wire, peer_list_caps_at_n_and_n_plus_one)
{
    config cfg;
    auto at = decode(encode(with_peers(cfg.max_peers_per_message, cfg.max_peers_per_message, 1)), cfg);
    ASSERT_TRUE(at);
    EXPECT_EQ(at.value().closer_peers.size(), cfg.max_peers_per_message);
    EXPECT_EQ(at.value().provider_peers.size(), cfg.max_peers_per_message);
    auto over_msg = with_peers(cfg.max_peers_per_message + 1, cfg.max_peers_per_message + 1, 1);
    auto over = decode(encode(over_msg), cfg);
    ASSERT_TRUE(over);
    ASSERT_EQ(over.value().closer_peers.size(), cfg.max_peers_per_message);
    ASSERT_EQ(over.value().provider_peers.size(), cfg.max_peers_per_message);
    // The first entries are kept, in order.
    EXPECT_EQ(over.value().closer_peers.front().id, over_msg.closer_peers.front().id);
    EXPECT_EQ(over.value().closer_peers.back().id, over_msg.closer_peers[cfg.max_peers_per_message - 1].id);
}

TEST(kad_wire, addr_cap_at_n_and_n_plus_one)
{
    config cfg;
    auto at = decode(encode(with_peers(1, 0, cfg.max_addrs_per_peer)), cfg);
    ASSERT_TRUE(at);
    EXPECT_EQ(at.value().closer_peers[0].addrs.size(), cfg.max_addrs_per_peer);
    auto over = decode(encode(with_peers(1, 0, cfg.max_addrs_per_peer + 1)), cfg);
    ASSERT_TRUE(over);
    EXPECT_EQ(over.value().closer_peers[0].addrs.size(), cfg.max_addrs_per_peer);
}

TEST(kad_wire, key_size_at_n_and_n_plus_one)
{
    config cfg;
    message m;
    m.type = message_type::get_value;
    m.key = byte_buffer(cfg.max_key_size, std::byte{'a'});
    EXPECT_TRUE(decode(encode(m), cfg));
    m.key.push_back(std::byte{'a'});
    auto over = decode(encode(m), cfg);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error(), errc::bad_key);
    // The record key has the same bound.
    message r;
    r.rec = record{byte_buffer(cfg.max_key_size, std::byte{'b'}), {}, {}};
    EXPECT_TRUE(decode(encode(r), cfg));
    r.rec->key.push_back(std::byte{'b'});
    auto rover = decode(encode(r), cfg);
    ASSERT_FALSE(rover);
    EXPECT_EQ(rover.error(), errc::bad_key);
}

TEST(kad_wire, message_size_at_n_and_n_plus_one)
{
    config cfg;
    message m;
    m.rec = record{to_buffer("/pk/a"), byte_buffer(1000, std::byte{1}), {}};
    auto body = encode(m);
    cfg.max_message_size = body.size();
    EXPECT_TRUE(decode(body, cfg));
    cfg.max_message_size = body.size() - 1;
    auto over = decode(body, cfg);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error(), errc::too_large);
    EXPECT_EQ(config{}.max_message_size, 4u * 1024 * 1024);
}

TEST(kad_wire, malformed_protobuf_is_an_error)
{
    auto expect_malformed = [](std::string_view h) {
        auto d = decode(hex(h));
        ASSERT_FALSE(d) << h;
        EXPECT_EQ(d.error(), errc::malformed) << h;
    };
    expect_malformed("12");              // key tag without length
    expect_malformed("1205616263");      // key length past the end
    expect_malformed("08");              // type tag without value
    expect_malformed("0a0104");          // field 1 (type) with length-delimited wire type
    expect_malformed("1001");            // field 2 (key) as varint
    expect_malformed("4201ff");          // closer peer whose body is a bad protobuf
    expect_malformed("420312ff01");      // closer peer: addr length past the end
    expect_malformed("1a020801");        // record: key as varint
    expect_malformed("4a020a");          // provider peer body truncated inside
    expect_malformed("0b");              // group wire type (3)
    expect_malformed("00");              // field number 0
    expect_malformed("08ffffffffffffffffffff01"); // 11-byte varint
}

TEST(kad_wire, malformed_entry_past_the_cap_is_still_an_error)
{
    config cfg;
    cfg.max_peers_per_message = 1;
    auto body = encode(with_peers(1, 0, 1));
    body.insert(body.end(), {std::byte{0x42}, std::byte{0x01}, std::byte{0xff}});
    auto d = decode(body, cfg);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), errc::malformed);
}

TEST(kad_wire, out_of_range_enums_round_trip)
{
    message m;
    m.type = static_cast<message_type>(-1);
    m.cluster_level_raw = -5;
    m.closer_peers.push_back(peer_info{test::make_peer(3), {}, static_cast<connection_type>(77)});
    auto body = encode(m);
    // int32 -1 is a 10-byte varint (sign-extended), as protobuf encodes negative int32.
    EXPECT_EQ(to_hex(bytes_view(body).first(11)), "08ffffffffffffffffff01");
    auto d = decode(body);
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value(), m);
}

TEST(kad_wire, repeated_scalar_keeps_last_and_records_merge)
{
    byte_buffer body;
    peer::pb::put_varint(1, 3, body);
    peer::pb::put_bytes(2, to_buffer("first"), body);
    byte_buffer r1;
    peer::pb::put_bytes(1, to_buffer("rk"), r1);
    peer::pb::put_bytes(3, r1, body);
    peer::pb::put_varint(1, 4, body);
    peer::pb::put_bytes(2, to_buffer("second"), body);
    byte_buffer r2;
    peer::pb::put_bytes(2, to_buffer("rv"), r2);
    peer::pb::put_bytes(3, r2, body);
    auto d = decode(body);
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().type, message_type::find_node);
    EXPECT_EQ(d.value().key, to_buffer("second"));
    ASSERT_TRUE(d.value().rec);
    EXPECT_EQ(d.value().rec->key, to_buffer("rk"));
    EXPECT_EQ(d.value().rec->value, to_buffer("rv"));
}

message random_message(std::mt19937_64& rng)
{
    auto pick = [&](std::uint64_t n) { return rng() % n; };
    auto bytes = [&](std::size_t max) {
        byte_buffer b(pick(max + 1));
        for (auto& x : b) {
            x = static_cast<std::byte>(rng());
        }
        return b;
    };
    message m;
    m.type = static_cast<message_type>(pick(6));
    m.key = bytes(64);
    if (pick(2)) {
        record r{bytes(40), bytes(300), pick(2) ? "2024-01-01T00:00:00Z" : ""};
        m.rec = r;
    }
    for (auto* list : {&m.closer_peers, &m.provider_peers}) {
        auto n = pick(25);
        for (std::size_t i = 0; i < n; ++i) {
            peer_info p{test::make_peer(rng()), {}, static_cast<connection_type>(pick(4))};
            auto na = pick(4);
            for (std::size_t a = 0; a < na; ++a) {
                p.addrs.push_back(addr("/ip4/10.0." + std::to_string(pick(256)) + ".1/tcp/" + std::to_string(pick(65536))));
            }
            list->push_back(std::move(p));
        }
    }
    m.cluster_level_raw = static_cast<std::int32_t>(pick(3));
    return m;
}

TEST(kad_wire, seeded_round_trips)
{
    std::mt19937_64 rng(0x6b6164);
    for (int i = 0; i < 300; ++i) {
        auto m = random_message(rng);
        auto body = encode(m);
        auto d = decode(body);
        ASSERT_TRUE(d) << i;
        ASSERT_EQ(d.value(), m) << i;
        ASSERT_EQ(encode(d.value()), body) << i;
    }
}

TEST(kad_wire, truncated_bodies_never_decode_to_the_original)
{
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20; ++i) {
        auto m = random_message(rng);
        auto body = encode(m);
        for (std::size_t n = 0; n < body.size(); ++n) {
            auto d = decode(bytes_view(body).first(n));
            if (d) {
                EXPECT_NE(d.value(), m) << i << " " << n;
            } else {
                EXPECT_EQ(d.error(), errc::malformed) << i << " " << n;
            }
        }
    }
}

} // namespace
} // namespace pcp::p2p::kad
