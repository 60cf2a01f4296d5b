// SPDX-License-Identifier: MIT
// Multiaddr: string↔bytes vectors (libp2p-digest §16.2, multiaddr README and multiaddr.feature),
// accessors, limits and seeded round trips.
#include "p2p/peer/errc.hpp"
#include "p2p/peer/keys.hpp"
#include "p2p/peer/multiaddr.hpp"
#include "p2p/peer/multihash.hpp"
#include "p2p/peer/varint.hpp"

#include <random>

#include <gtest/gtest.h>

#include "tests/p2p/peer/test_util.hpp"

namespace pcp::p2p::peer {
namespace {
using test::hex;

constexpr std::string_view ed_id = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
constexpr std::string_view ed_id_hex = "0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr std::string_view rsa_id = "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN";
constexpr std::string_view rsa_id_hex = "122006b3608aa000274049eb28ad8e793a26ff6fab281a7d3bd77cd18eb745dfaabb";

struct vec {
    std::string text;
    std::string bytes;
};

std::vector<vec> vectors()
{
    return {
        {"/ip4/127.0.0.1/udp/1234", "047f000001910204d2"},
        {"/ip4/192.0.2.42/tcp/443", "04c000022a0601bb"},
        {"/ip4/1.2.3.4/tcp/4001", "0401020304060fa1"},
        {"/ip4/1.2.3.4/udp/4001/quic-v1", "040102030491020fa1cd03"},
        {"/ip4/127.0.0.1/udp/4001/quic", "047f00000191020fa1cc03"},
        {"/ip6/::1/tcp/4001", "2900000000000000000000000000000001060fa1"},
        {"/ip6/2001:db8::1/udp/4001/quic-v1", "2920010db800000000000000000000000191020fa1cd03"},
        {"/dns4/example.com/tcp/443", "360b6578616d706c652e636f6d0601bb"},
        {"/dns6/example.com/tcp/443", "370b6578616d706c652e636f6d0601bb"},
        {"/dnsaddr/bootstrap.libp2p.io", "3813626f6f7473747261702e6c69627032702e696f"},
        {"/p2p/" + std::string(rsa_id), "a50322" + std::string(rsa_id_hex)},
        {"/ip4/1.2.3.4/tcp/4001/p2p/" + std::string(ed_id), "0401020304060fa1a50326" + std::string(ed_id_hex)},
        {"/ip4/1.2.3.4/tcp/4001/p2p/" + std::string(ed_id) + "/p2p-circuit/p2p/" + std::string(rsa_id),
         "0401020304060fa1a50326" + std::string(ed_id_hex) + "a202a50322" + std::string(rsa_id_hex)},
        {"/dns/example.com/tcp/443/wss", "350b6578616d706c652e636f6d0601bbde03"},
        {"/ip4/1.2.3.4/tcp/80/ws", "04010203040600 50dd03"},
        {"/ip4/1.2.3.4/tcp/1/tls/noise", "0401020304060001c003c603"},
        {"/ip4/1.2.3.4/udp/9/webrtc-direct", "040102030491020009 9802"},
        {"/webrtc", "9902"},
        {"/ip6zone/x/ip6/fe80::1/tcp/1", "2a0178" "29fe800000000000000000000000000001" "060001"},
        {"/ip4/1.2.3.4/udp/443/quic-v1/webtransport/certhash/uEiAkH5a4DPGKUuOBjYw0CgwjvcJCJMD2K_kW3_9lnqlMdA",
         "0401020304910201bbcd03d103d20322"
         "1220241f96b80cf18a52e3818d8c340a0c23bdc24224c0f62bf916dfff659ea94c74"},
    };
}

std::string strip_spaces(std::string s)
{
    std::erase(s, ' ');
    return s;
}

TEST(multiaddr, string_bytes_vectors)
{
    for (const auto& v : vectors()) {
        auto want = strip_spaces(v.bytes);
        auto m = multiaddr::from_string(v.text);
        ASSERT_TRUE(m) << v.text << ": " << m.error().message();
        EXPECT_EQ(to_hex(m.value().bytes()), want) << v.text;
        EXPECT_EQ(m.value().to_string(), v.text);
        auto b = multiaddr::from_bytes(hex(want));
        ASSERT_TRUE(b) << v.text;
        EXPECT_EQ(b.value(), m.value());
        EXPECT_EQ(b.value().to_string(), v.text);
    }
}

TEST(multiaddr, p2p_accepts_ipfs_alias_and_cid_and_prints_base58)
{
    auto a = multiaddr::from_string("/ip4/1.2.3.4/tcp/4001/p2p/" + std::string(ed_id));
    auto b = multiaddr::from_string(
        "/ip4/1.2.3.4/tcp/4001/p2p/bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6");
    auto c = multiaddr::from_string("/ip4/1.2.3.4/tcp/4001/ipfs/" + std::string(ed_id));
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(a.value(), b.value());
    EXPECT_EQ(a.value(), c.value());
    EXPECT_EQ(c.value().to_string(), "/ip4/1.2.3.4/tcp/4001/p2p/" + std::string(ed_id));
    // A trailing slash is tolerated.
    auto d = multiaddr::from_string("/ip4/1.2.3.4/tcp/4001/");
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().to_string(), "/ip4/1.2.3.4/tcp/4001");
}

TEST(multiaddr, bad_strings)
{
    const std::pair<const char*, errc> cases[] = {
        {"", errc::bad_multiaddr},
        {"/", errc::bad_multiaddr},
        {"ip4/1.2.3.4", errc::bad_multiaddr},
        {"//ip4/1.2.3.4", errc::bad_multiaddr},
        {"/ip4/1.2.3.4//tcp/1", errc::bad_multiaddr},
        {"/ip4", errc::bad_protocol_value},
        {"/ip4/", errc::bad_protocol_value},
        {"/ip4/1.2.3", errc::bad_protocol_value},
        {"/ip4/1.2.3.256", errc::bad_protocol_value},
        {"/ip4/01.2.3.4", errc::bad_protocol_value},
        {"/ip6/::g", errc::bad_protocol_value},
        {"/ip6/1.2.3.4", errc::bad_protocol_value},
        {"/tcp/65536", errc::bad_protocol_value},
        {"/tcp/-1", errc::bad_protocol_value},
        {"/tcp/+1", errc::bad_protocol_value},
        {"/tcp/100000", errc::bad_protocol_value},
        {"/udp/x", errc::bad_protocol_value},
        {"/p2p/QmNotAPeer", errc::bad_protocol_value},
        {"/p2p/bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", errc::bad_protocol_value},
        {"/certhash/zzz", errc::bad_protocol_value},
        {"/certhash/uAAAA", errc::bad_protocol_value},
        {"/unix/tmp", errc::unknown_protocol},
        {"/onion3/abc", errc::unknown_protocol},
        {"/http", errc::unknown_protocol},
        {"/quic-v1/ws/tcp", errc::bad_protocol_value},
    };
    for (auto [text, e] : cases) {
        auto m = multiaddr::from_string(text);
        ASSERT_FALSE(m) << text;
        EXPECT_EQ(m.error(), e) << text << " -> " << m.error().message();
    }
    EXPECT_EQ(multiaddr::from_string("/dns/" + std::string(max_multiaddr_name_size + 1, 'a')).error(),
              errc::bad_protocol_value);
    EXPECT_TRUE(multiaddr::from_string("/dns/" + std::string(max_multiaddr_name_size, 'a')));
}

TEST(multiaddr, bad_bytes)
{
    const std::pair<const char*, errc> cases[] = {
        {"", errc::bad_multiaddr},
        {"04", errc::bad_multiaddr},             // ip4 without value
        {"047f0000", errc::bad_multiaddr},       // ip4 short
        {"0601", errc::bad_multiaddr},           // tcp short
        {"9102", errc::bad_multiaddr},           // udp without port
        {"91", errc::bad_multiaddr},             // code varint cut
        {"8000", errc::bad_multiaddr},           // non-minimal code
        {"05", errc::unknown_protocol},          // unknown code
        {"9003", errc::unknown_protocol},        // unix (400) not supported
        {"35", errc::bad_multiaddr},             // dns without length
        {"3500", errc::bad_protocol_value},      // empty dns name
        {"35022f61", errc::bad_protocol_value},  // '/' in dns name
        {"3505616263", errc::bad_multiaddr},     // dns length past end
        {"a50300", errc::bad_protocol_value},    // empty peer id
        {"a503021220", errc::bad_protocol_value},// bad peer multihash
        {"d20300", errc::bad_protocol_value},    // empty certhash
        {"2a00", errc::bad_protocol_value},      // empty zone
    };
    for (auto [h, e] : cases) {
        auto m = multiaddr::from_bytes(hex(h));
        ASSERT_FALSE(m) << h;
        EXPECT_EQ(m.error(), e) << h << " -> " << m.error().message();
    }
    // Every strict prefix of a valid address that cuts a component fails.
    auto full = hex("0401020304060fa1a50326" + std::string(ed_id_hex));
    for (std::size_t n = 1; n < full.size(); ++n) {
        auto m = multiaddr::from_bytes(bytes_view(full).first(n));
        bool boundary = n == 5 || n == 8;
        EXPECT_EQ(m.has_value(), boundary) << n;
    }
}

TEST(multiaddr, limits_at_n_and_n_plus_1)
{
    // Components: 32 is fine, 33 is not.
    std::string text;
    for (std::size_t i = 0; i < max_multiaddr_components; ++i) {
        text += "/ws";
    }
    auto at = multiaddr::from_string(text);
    ASSERT_TRUE(at);
    EXPECT_EQ(at.value().size(), max_multiaddr_components);
    EXPECT_EQ(multiaddr::from_string(text + "/ws").error(), errc::too_many_components);
    auto bin = at.value().bytes();
    bin.push_back(std::byte{0xdd});
    bin.push_back(std::byte{0x03});
    EXPECT_EQ(multiaddr::from_bytes(bin).error(), errc::too_many_components);
    auto m = at.value();
    EXPECT_EQ(m.append(proto::ws).error(), errc::too_many_components);
    EXPECT_EQ(m, at.value()); // unchanged on error

    // Bytes: 1024 is fine, 1025 is not. Four dns components of 255 + 2 header bytes = 1028, so
    // build exactly: 3 × (1+2+255) = 774; then one of 1+2+247 = 250 → 1024.
    byte_buffer b;
    for (int i = 0; i < 3; ++i) {
        b.push_back(std::byte{0x35});
        encode_varint(255, b);
        b.insert(b.end(), 255, std::byte{'a'});
    }
    b.push_back(std::byte{0x35});
    encode_varint(247, b);
    b.insert(b.end(), 247, std::byte{'a'});
    ASSERT_EQ(b.size(), max_multiaddr_size);
    auto big = multiaddr::from_bytes(b);
    ASSERT_TRUE(big);
    EXPECT_EQ(multiaddr::from_string(big.value().to_string()).value(), big.value());
    b[b.size() - 248] = std::byte{248}; // lengthen the last name by one: 1025 bytes
    b.push_back(std::byte{'a'});
    EXPECT_EQ(multiaddr::from_bytes(b).error(), errc::too_long);
    auto tail = multiaddr::from_string("/ws").value();
    EXPECT_EQ(big.value().encapsulate(tail).error(), errc::too_long);
    EXPECT_EQ(multiaddr::from_string(std::string(max_multiaddr_text_size + 1, '/')).error(), errc::too_long);
}

TEST(multiaddr, accessors)
{
    auto m = multiaddr::from_string("/ip4/10.0.0.1/tcp/4001/p2p/" + std::string(ed_id)).value();
    EXPECT_EQ(m.size(), 3u);
    auto cs = m.components();
    ASSERT_EQ(cs.size(), 3u);
    EXPECT_EQ(cs[0].code, proto::ip4);
    EXPECT_EQ(cs[0].name(), "ip4");
    EXPECT_EQ(cs[0].value_string(), "10.0.0.1");
    EXPECT_EQ(cs[1].value_string(), "4001");
    EXPECT_EQ(cs[2].name(), "p2p");
    EXPECT_EQ(cs[2].value_string(), ed_id);
    std::size_t n = 0;
    for (const auto& c : m) {
        EXPECT_EQ(c.code, cs[n].code);
        ++n;
    }
    EXPECT_EQ(n, 3u);
    EXPECT_TRUE(m.has(proto::tcp));
    EXPECT_FALSE(m.has(proto::udp));

    auto ep = m.ip_port();
    ASSERT_TRUE(ep);
    EXPECT_FALSE(ep->v6);
    EXPECT_EQ(ep->ip_string(), "10.0.0.1");
    EXPECT_EQ(ep->port, 4001);
    EXPECT_EQ(ep->proto, ip_endpoint::transport::tcp);

    auto id = m.peer();
    ASSERT_TRUE(id);
    EXPECT_EQ(id->to_string(), ed_id);
    auto bare = m.without_peer();
    EXPECT_EQ(bare.to_string(), "/ip4/10.0.0.1/tcp/4001");
    EXPECT_EQ(bare.size(), 2u);
    EXPECT_FALSE(bare.peer());
    EXPECT_EQ(bare.without_peer(), bare);
    EXPECT_EQ(bare.with_peer(*id).value(), m);
    EXPECT_EQ(m.with_peer(*id).value(), m);

    auto q = multiaddr::from_string("/ip6zone/eth0/ip6/fe80::1/udp/443/quic-v1").value();
    auto qe = q.ip_port();
    ASSERT_TRUE(qe);
    EXPECT_TRUE(qe->v6);
    EXPECT_EQ(qe->zone, "eth0");
    EXPECT_EQ(qe->ip_string(), "fe80::1");
    EXPECT_EQ(qe->port, 443);
    EXPECT_EQ(qe->proto, ip_endpoint::transport::udp);
    EXPECT_FALSE(multiaddr::from_string("/dns4/a.b/tcp/1").value().ip_port());
    EXPECT_FALSE(multiaddr::from_string("/ip4/1.2.3.4").value().ip_port());
    EXPECT_FALSE(multiaddr{}.ip_port());
    EXPECT_TRUE(multiaddr{}.empty());
    EXPECT_EQ(multiaddr{}.to_string(), "");
    EXPECT_EQ(multiaddr{}.begin(), multiaddr{}.end());
}

TEST(multiaddr, circuit_address_shape)
{
    auto relay = multiaddr::from_string("/ip4/1.2.3.4/tcp/4001/p2p/" + std::string(ed_id)).value();
    auto tail = multiaddr::from_string("/p2p-circuit/p2p/" + std::string(rsa_id)).value();
    auto circuit = relay.encapsulate(tail);
    ASSERT_TRUE(circuit);
    EXPECT_EQ(circuit.value().size(), 5u);
    EXPECT_EQ(circuit.value().peer()->to_string(), rsa_id);
    EXPECT_TRUE(circuit.value().has(proto::p2p_circuit));
    EXPECT_EQ(circuit.value().without_peer().to_string(),
              "/ip4/1.2.3.4/tcp/4001/p2p/" + std::string(ed_id) + "/p2p-circuit");
}

TEST(multiaddr, append_validates)
{
    multiaddr m;
    EXPECT_EQ(m.append(proto::ip4, hex("010203")).error(), errc::bad_protocol_value);
    EXPECT_EQ(m.append(proto::ws, hex("00")).error(), errc::bad_protocol_value);
    EXPECT_EQ(m.append(999).error(), errc::unknown_protocol);
    EXPECT_EQ(m.append(proto::p2p, hex("1220")).error(), errc::bad_protocol_value);
    EXPECT_TRUE(m.empty());
    ASSERT_TRUE(m.append(proto::ip4, hex("7f000001")));
    ASSERT_TRUE(m.append(proto::udp, hex("04d2")));
    EXPECT_EQ(to_hex(m.bytes()), "047f000001910204d2");
    EXPECT_EQ(m.to_string(), "/ip4/127.0.0.1/udp/1234");
}

TEST(multiaddr, seeded_round_trips)
{
    std::mt19937 rng(5);
    auto id = ed25519_keypair::generate().id();
    for (int i = 0; i < 500; ++i) {
        multiaddr m;
        int parts = 1 + static_cast<int>(rng() % 8);
        for (int p = 0; p < parts; ++p) {
            switch (rng() % 8) {
            case 0: {
                byte_buffer ip(4);
                for (auto& b : ip) b = static_cast<std::byte>(rng());
                ASSERT_TRUE(m.append(proto::ip4, ip));
                break;
            }
            case 1: {
                byte_buffer ip(16);
                for (auto& b : ip) b = static_cast<std::byte>(rng());
                ASSERT_TRUE(m.append(proto::ip6, ip));
                break;
            }
            case 2: ASSERT_TRUE(m.append(rng() % 2 ? proto::tcp : proto::udp, hex(rng() % 2 ? "0000" : "ffff"))); break;
            case 3: {
                std::string name(1 + rng() % 40, 'x');
                for (auto& c : name) c = static_cast<char>('a' + rng() % 26);
                ASSERT_TRUE(m.append(proto::dns4, as_bytes(name)));
                break;
            }
            case 4: ASSERT_TRUE(m.append(proto::p2p, id.bytes())); break;
            case 5: ASSERT_TRUE(m.append(proto::certhash, sha256_multihash(id.bytes()))); break;
            case 6: ASSERT_TRUE(m.append(proto::quic_v1)); break;
            default: ASSERT_TRUE(m.append(proto::p2p_circuit)); break;
            }
        }
        auto text = m.to_string();
        auto s = multiaddr::from_string(text);
        ASSERT_TRUE(s) << text;
        EXPECT_EQ(s.value(), m) << text;
        auto b = multiaddr::from_bytes(m.bytes());
        ASSERT_TRUE(b);
        EXPECT_EQ(b.value(), m);
        EXPECT_EQ(b.value().size(), static_cast<std::size_t>(parts));
    }
}

} // namespace
} // namespace pcp::p2p::peer
