// SPDX-License-Identifier: MIT
// Noise XX machine and cipher states: the libp2p-digest §16.4 transcript byte for byte, in-memory
// handshakes (whole and byte-at-a-time), early muxer negotiation, identity verification failures,
// tampering and truncation, message sizes (digest §5), transport framing and nonces.
#include "p2p/noise/machine.hpp"

#include <fstream>
#include <functional>
#include <map>
#include <limits>

#include <gtest/gtest.h>

#include "tests/p2p/noise/noise_test_util.hpp"

namespace pcp::p2p::noise {
namespace {

using test::filled;
using test::make_config;
using test::pump;

byte_buffer hex(std::string_view h)
{
    return from_hex(h).value();
}

// ---------------------------------------------------------------------------------------------
// libp2p-digest §16.4: deterministic transcript, from tests/vectors/noise/xx_transcript.txt.

std::map<std::string, byte_buffer> load_vectors(const std::string& name)
{
    std::ifstream in(std::string(PCP_SOURCE_DIR) + "/tests/vectors/noise/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::map<std::string, byte_buffer> v;
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find(" = ");
        if (line.empty() || line[0] == '#' || eq == std::string::npos) {
            continue;
        }
        v[line.substr(0, eq)] = hex(line.substr(eq + 3));
    }
    return v;
}

std::array<std::byte, 32> key32(const byte_buffer& b)
{
    std::array<std::byte, 32> a{};
    EXPECT_EQ(b.size(), 32u);
    std::copy_n(b.begin(), std::min<std::size_t>(32, b.size()), a.begin());
    return a;
}

TEST(noise_vectors, xx_transcript)
{
    auto v = load_vectors("xx_transcript.txt");
    ASSERT_EQ(v.size(), 22u);
    auto id_a = peer::ed25519_keypair::from_seed(key32(v["initiator_identity_seed"]));
    auto id_b = peer::ed25519_keypair::from_seed(key32(v["responder_identity_seed"]));
    EXPECT_EQ(to_hex(id_b.public_key().data),
              "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12");
    EXPECT_EQ(to_hex(crypto::sha256_concat(v["h0"], {})), to_hex(v["h_after_prologue"]));
    EXPECT_EQ(as_chars(v["h0"]), protocol_name);

    handshake a(config{.role = role::initiator,
                       .identity = id_a,
                       .static_secret = key32(v["initiator_static_secret"]),
                       .ephemeral_secret = key32(v["initiator_ephemeral_secret"]),
                       .expected_remote = id_b.id(),
                       .muxers = {"/yamux/1.0.0"}});
    handshake b(config{.role = role::responder,
                       .identity = id_b,
                       .static_secret = key32(v["responder_static_secret"]),
                       .ephemeral_secret = key32(v["responder_ephemeral_secret"]),
                       .expected_remote = std::nullopt,
                       .muxers = {"/yamux/1.0.0"}});

    byte_buffer m1, m2, m3;
    ASSERT_TRUE(a.poll_transmit(m1));
    EXPECT_EQ(to_hex(m1), to_hex(v["msg1_framed"]));
    ASSERT_EQ(b.handle_input(m1).value(), m1.size());
    ASSERT_TRUE(b.poll_transmit(m2));
    EXPECT_EQ(to_hex(m2), to_hex(v["msg2_framed"]));
    ASSERT_EQ(a.handle_input(m2).value(), m2.size());
    ASSERT_TRUE(a.poll_transmit(m3));
    EXPECT_EQ(to_hex(m3), to_hex(v["msg3_framed"]));
    ASSERT_EQ(b.handle_input(m3).value(), m3.size());
    ASSERT_TRUE(a.is_complete());
    ASSERT_TRUE(b.is_complete());

    EXPECT_EQ(to_hex(a.handshake_hash()), to_hex(v["final_h"]));
    EXPECT_EQ(to_hex(b.handshake_hash()), to_hex(v["final_h"]));
    EXPECT_EQ(a.remote_peer(), id_b.id());
    EXPECT_EQ(b.remote_peer().to_string(), "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
    EXPECT_EQ(to_hex(a.remote_static_key()), to_hex(v["responder_static_public"]));
    EXPECT_EQ(to_hex(b.remote_static_key()), to_hex(v["initiator_static_public"]));
    EXPECT_EQ(a.negotiated_muxer(), "/yamux/1.0.0");
    EXPECT_EQ(b.negotiated_muxer(), "/yamux/1.0.0");

    // The payloads inside msg 2 and msg 3, as a reference implementation decrypts them.
    test::ref_xx ref_a(key32(v["initiator_static_secret"]), key32(v["initiator_ephemeral_secret"]));
    ref_a.write_msg1();
    auto p2 = ref_a.read_msg2(std::span(m2).subspan(2));
    ASSERT_TRUE(p2);
    EXPECT_EQ(to_hex(*p2), to_hex(v["payload2"]));
    auto m3_ref = ref_a.write_msg3(v["payload3"]);
    EXPECT_EQ(to_hex(m3_ref), to_hex(v["msg3_framed"]));

    auto ta = a.split();
    auto tb = b.split();
    ASSERT_TRUE(ta && tb);
    byte_buffer frame;
    ASSERT_TRUE(ta.value().send.seal_frame(v["first_transport_plaintext"], frame));
    EXPECT_EQ(to_hex(frame), to_hex(v["first_transport_frame_i_to_r"]));
    const byte_buffer sealed = frame;
    auto opened = tb.value().recv.open_frame(frame); // decrypts `frame` in place
    ASSERT_TRUE(opened && opened.value().complete());
    EXPECT_EQ(to_hex(*opened.value().message), to_hex(v["first_transport_plaintext"]));

    // The split keys themselves.
    cipher_state ref_ir(key32(v["k_initiator_to_responder"]));
    cipher_state ref_ri(key32(v["k_responder_to_initiator"]));
    byte_buffer f1, f2;
    ASSERT_TRUE(ref_ir.seal_frame(v["first_transport_plaintext"], f1));
    EXPECT_EQ(f1, sealed);
    ASSERT_TRUE(tb.value().send.seal_frame(as_bytes("reply"), f2));
    auto back = ref_ri.open_frame(f2);
    ASSERT_TRUE(back && back.value().complete());
    EXPECT_EQ(as_chars(*back.value().message), "reply");
}

// ---------------------------------------------------------------------------------------------
// In-memory handshakes.

struct pair_fixture {
    std::mt19937_64 rng{1234};
    peer::ed25519_keypair id_a = peer::ed25519_keypair::generate();
    peer::ed25519_keypair id_b = peer::ed25519_keypair::generate();
};

TEST(noise_machine, full_handshake_and_transport)
{
    pair_fixture f;
    handshake a(make_config(role::initiator, f.id_a, f.rng, {"/yamux/1.0.0"}, f.id_b.id()));
    handshake b(make_config(role::responder, f.id_b, f.rng));
    byte_buffer none;
    EXPECT_FALSE(b.poll_transmit(none)); // the responder speaks second
    ASSERT_TRUE(pump(a, b));
    ASSERT_TRUE(a.is_complete());
    ASSERT_TRUE(b.is_complete());
    EXPECT_FALSE(a.wants_input());
    EXPECT_FALSE(b.wants_input());
    EXPECT_EQ(a.remote_peer(), f.id_b.id());
    EXPECT_EQ(b.remote_peer(), f.id_a.id());
    EXPECT_EQ(a.remote_public_key(), f.id_b.public_key());
    EXPECT_EQ(b.remote_public_key(), f.id_a.public_key());
    EXPECT_EQ(a.handshake_hash(), b.handshake_hash());
    EXPECT_EQ(a.negotiated_muxer(), "/yamux/1.0.0");

    auto ta = a.split().value();
    auto tb = b.split().value();
    EXPECT_EQ(a.split().error(), errc::already_split);
    byte_buffer wire;
    ASSERT_TRUE(ta.send.seal_frame(as_bytes("ping"), wire));
    ASSERT_TRUE(tb.send.seal_frame(as_bytes("pong"), wire)); // wrong direction on purpose below
    auto p = tb.recv.open_frame(wire);
    ASSERT_TRUE(p && p.value().complete());
    EXPECT_EQ(as_chars(*p.value().message), "ping");
    // b's own frame cannot be opened by b's receive state (different key): fatal error.
    auto q = tb.recv.open_frame(std::span(wire).subspan(p.value().consumed));
    EXPECT_EQ(q.error(), errc::decrypt_failed);
}

TEST(noise_machine, byte_at_a_time_delivery)
{
    pair_fixture f;
    handshake a(make_config(role::initiator, f.id_a, f.rng));
    handshake b(make_config(role::responder, f.id_b, f.rng));
    auto drip = [](handshake& from, handshake& to) {
        byte_buffer wire;
        while (from.poll_transmit(wire)) {
        }
        for (std::size_t i = 0; i < wire.size(); ++i) {
            auto r = to.handle_input(std::span(wire).subspan(i, 1));
            ASSERT_TRUE(r) << r.error().message();
            ASSERT_EQ(r.value(), 1u);
        }
    };
    drip(a, b);
    EXPECT_FALSE(a.is_complete());
    drip(b, a);
    drip(a, b);
    ASSERT_TRUE(a.is_complete());
    ASSERT_TRUE(b.is_complete());
    EXPECT_EQ(a.handshake_hash(), b.handshake_hash());
}

TEST(noise_machine, bytes_after_the_last_message_are_left_for_the_transport)
{
    pair_fixture f;
    handshake a(make_config(role::initiator, f.id_a, f.rng));
    handshake b(make_config(role::responder, f.id_b, f.rng));
    byte_buffer m1, m2, m3;
    a.poll_transmit(m1);
    ASSERT_TRUE(b.handle_input(m1));
    b.poll_transmit(m2);
    // Initiator: msg 2 followed by junk (the responder has nothing legitimate to send yet).
    auto m2x = m2;
    append(m2x, as_bytes("xyz"));
    EXPECT_EQ(a.handle_input(m2x).value(), m2.size());
    a.poll_transmit(m3);
    ASSERT_TRUE(a.is_complete());
    auto ta = a.split().value();

    // Responder: msg 3 and the initiator's first transport frames arrive in one read.
    byte_buffer wire = m3;
    ASSERT_TRUE(ta.send.seal_frame(as_bytes("/multistream/1.0.0\n"), wire));
    ASSERT_TRUE(ta.send.seal_frame(as_bytes("more"), wire));
    auto used = b.handle_input(wire);
    ASSERT_TRUE(used);
    EXPECT_EQ(used.value(), m3.size());
    ASSERT_TRUE(b.is_complete());
    EXPECT_EQ(b.handle_input(std::span(wire).subspan(used.value())).value(), 0u);
    auto tb = b.split().value();
    auto rest = std::span(wire).subspan(used.value());
    auto first = tb.recv.open_frame(rest);
    ASSERT_TRUE(first && first.value().complete());
    EXPECT_EQ(as_chars(*first.value().message), "/multistream/1.0.0\n");
    auto second = tb.recv.open_frame(rest.subspan(first.value().consumed));
    ASSERT_TRUE(second && second.value().complete());
    EXPECT_EQ(as_chars(*second.value().message), "more");
}

TEST(noise_machine, message_sizes_match_digest_5)
{
    for (bool with_muxer : {true, false}) {
        pair_fixture f;
        std::vector<std::string> mux =
            with_muxer ? std::vector<std::string>{"/yamux/1.0.0"} : std::vector<std::string>{};
        handshake a(make_config(role::initiator, f.id_a, f.rng, mux));
        handshake b(make_config(role::responder, f.id_b, f.rng, mux));
        byte_buffer m1, m2, m3;
        a.poll_transmit(m1);
        ASSERT_TRUE(b.handle_input(m1));
        b.poll_transmit(m2);
        ASSERT_TRUE(a.handle_input(m2));
        a.poll_transmit(m3);
        EXPECT_EQ(m1.size(), 2u + 32u);
        EXPECT_EQ(m2.size(), 2u + (with_muxer ? 216u : 200u));
        EXPECT_EQ(m3.size(), 2u + (with_muxer ? 184u : 168u));
    }
}

// ---------------------------------------------------------------------------------------------
// Early muxer negotiation.

std::optional<std::string> negotiate(std::vector<std::string> init, std::vector<std::string> resp,
                                     std::optional<std::string>* resp_result = nullptr)
{
    pair_fixture f;
    handshake a(make_config(role::initiator, f.id_a, f.rng, std::move(init)));
    handshake b(make_config(role::responder, f.id_b, f.rng, std::move(resp)));
    EXPECT_TRUE(pump(a, b));
    EXPECT_TRUE(a.is_complete() && b.is_complete());
    EXPECT_EQ(a.negotiated_muxer(), b.negotiated_muxer());
    if (resp_result != nullptr) {
        *resp_result = b.negotiated_muxer();
    }
    return a.negotiated_muxer();
}

TEST(noise_machine, muxer_negotiation)
{
    // Overlap: the initiator's preference wins.
    EXPECT_EQ(negotiate({"/mplex/6.7.0", "/yamux/1.0.0"}, {"/yamux/1.0.0", "/mplex/6.7.0"}),
              "/mplex/6.7.0");
    EXPECT_EQ(negotiate({"/a", "/yamux/1.0.0"}, {"/b", "/yamux/1.0.0"}), "/yamux/1.0.0");
    // No overlap: fall back to multistream.
    EXPECT_EQ(negotiate({"/a"}, {"/b"}), std::nullopt);
    // A missing list on either side.
    EXPECT_EQ(negotiate({}, {"/yamux/1.0.0"}), std::nullopt);
    EXPECT_EQ(negotiate({"/yamux/1.0.0"}, {}), std::nullopt);
    EXPECT_EQ(negotiate({}, {}), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Identity verification.

TEST(noise_machine, wrong_expected_peer_id)
{
    pair_fixture f;
    auto other = peer::ed25519_keypair::generate();
    handshake a(make_config(role::initiator, f.id_a, f.rng, {"/yamux/1.0.0"}, other.id()));
    handshake b(make_config(role::responder, f.id_b, f.rng));
    auto r = pump(a, b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::peer_id_mismatch);
    EXPECT_EQ(a.error(), errc::peer_id_mismatch);
    EXPECT_FALSE(a.is_complete());
    byte_buffer nothing;
    EXPECT_FALSE(a.poll_transmit(nothing)); // msg 3 is never sent
    // Failure is sticky.
    EXPECT_EQ(a.handle_input(as_bytes("x")).error(), errc::peer_id_mismatch);
    EXPECT_EQ(a.split().error(), errc::failed);
}

// Drive a real initiator against ref_xx as responder sending `payload` in msg 2.
error_code initiator_against(
    bytes_view payload_override, bool use_override,
    std::function<byte_buffer(const peer::ed25519_keypair&, const crypto::x25519_public_key&)> make)
{
    std::mt19937_64 rng(99);
    auto id_a = peer::ed25519_keypair::generate();
    auto id_b = peer::ed25519_keypair::generate();
    handshake a(make_config(role::initiator, id_a, rng));
    test::ref_xx ref(test::random32(rng), test::random32(rng));
    byte_buffer m1;
    a.poll_transmit(m1);
    ref.read_msg1(std::span(m1).subspan(2));
    auto payload = use_override ? byte_buffer(payload_override.begin(), payload_override.end())
                                : make(id_b, ref.s.public_key());
    auto m2 = ref.write_msg2(payload);
    auto r = a.handle_input(m2);
    return r ? error_code{} : r.error();
}

TEST(noise_machine, ref_responder_with_a_good_payload_is_accepted)
{
    auto ec = initiator_against(
        {}, false, [](const auto& id, const auto& s) { return test::make_payload(id, s); });
    EXPECT_FALSE(ec) << ec.message();
}

TEST(noise_machine, tampered_signature)
{
    auto ec = initiator_against(
        {}, false, [](const peer::ed25519_keypair& id, const crypto::x25519_public_key& s) {
            auto p = decode_payload(test::make_payload(id, s)).value();
            p.identity_sig[10] ^= std::byte{1};
            byte_buffer out;
            encode(p, out);
            return out;
        });
    EXPECT_EQ(ec, errc::bad_signature);
}

TEST(noise_machine, signature_over_another_static_key)
{
    auto ec = initiator_against(
        {}, false, [](const peer::ed25519_keypair& id, const crypto::x25519_public_key&) {
            crypto::x25519_public_key other{};
            other[0] = std::byte{9};
            return test::make_payload(id, other);
        });
    EXPECT_EQ(ec, errc::bad_signature);
}

TEST(noise_machine, missing_or_bad_identity)
{
    handshake_payload no_sig;
    no_sig.identity_key = peer::ed25519_keypair::generate().public_key().to_protobuf();
    byte_buffer enc;
    encode(no_sig, enc);
    EXPECT_EQ(initiator_against(enc, true, {}), errc::missing_identity);
    EXPECT_EQ(initiator_against({}, true, {}), errc::missing_identity);

    handshake_payload bad_key;
    bad_key.identity_key = hex("0801"); // PublicKey without data
    bad_key.identity_sig = byte_buffer(64, std::byte{1});
    enc.clear();
    encode(bad_key, enc);
    EXPECT_EQ(initiator_against(enc, true, {}), errc::bad_identity_key);

    EXPECT_EQ(initiator_against(hex("0a05ff"), true, {}), errc::bad_payload);
}

TEST(noise_machine, responder_verifies_the_initiator_too)
{
    // ref_xx as initiator sends a msg 3 signed by one identity but claiming another key.
    std::mt19937_64 rng(5);
    auto id_b = peer::ed25519_keypair::generate();
    handshake b(make_config(role::responder, id_b, rng));
    test::ref_xx ref(test::random32(rng), test::random32(rng));
    ASSERT_TRUE(b.handle_input(ref.write_msg1()));
    byte_buffer m2;
    ASSERT_TRUE(b.poll_transmit(m2));
    auto remote_payload = ref.read_msg2(std::span(m2).subspan(2));
    ASSERT_TRUE(remote_payload);
    auto signer = peer::ed25519_keypair::generate();
    auto claimed = peer::ed25519_keypair::generate();
    auto p = decode_payload(test::make_payload(signer, ref.s.public_key())).value();
    p.identity_key = claimed.public_key().to_protobuf();
    byte_buffer enc;
    encode(p, enc);
    EXPECT_EQ(b.handle_input(ref.write_msg3(enc)).error(), errc::bad_signature);
}

TEST(noise_machine, ref_initiator_completes_and_agrees_on_keys)
{
    std::mt19937_64 rng(6);
    auto id_a = peer::ed25519_keypair::generate();
    auto id_b = peer::ed25519_keypair::generate();
    handshake b(make_config(role::responder, id_b, rng, {"/yamux/1.0.0"}, id_a.id()));
    test::ref_xx ref(test::random32(rng), test::random32(rng));
    ASSERT_TRUE(b.handle_input(ref.write_msg1()));
    byte_buffer m2;
    b.poll_transmit(m2);
    auto payload = ref.read_msg2(std::span(m2).subspan(2));
    ASSERT_TRUE(payload);
    auto decoded_payload = decode_payload(*payload).value();
    EXPECT_EQ(decoded_payload.extensions->stream_muxers, std::vector<std::string>{"/yamux/1.0.0"});
    ASSERT_TRUE(b.handle_input(ref.write_msg3(test::make_payload(id_a, ref.s.public_key(), {}))));
    ASSERT_TRUE(b.is_complete());
    EXPECT_EQ(b.handshake_hash(), ref.h);
    EXPECT_EQ(b.negotiated_muxer(), std::nullopt); // the initiator listed none
    auto [k1, k2] = ref.split();
    auto tb = b.split().value();
    cipher_state ref_send(k1);
    byte_buffer frame;
    ASSERT_TRUE(ref_send.seal_frame(as_bytes("hi"), frame));
    auto got = tb.recv.open_frame(frame);
    ASSERT_TRUE(got && got.value().complete());
    EXPECT_EQ(as_chars(*got.value().message), "hi");
}

// ---------------------------------------------------------------------------------------------
// Tampering, truncation, hostile sizes.

TEST(noise_machine, tampered_handshake_ciphertext)
{
    for (int which : {2, 3}) {
        for (std::size_t pos : {std::size_t{40}, std::size_t{100}, std::size_t{150}}) {
            pair_fixture f;
            handshake a(make_config(role::initiator, f.id_a, f.rng));
            handshake b(make_config(role::responder, f.id_b, f.rng));
            byte_buffer m1, m2, m3;
            a.poll_transmit(m1);
            ASSERT_TRUE(b.handle_input(m1));
            b.poll_transmit(m2);
            if (which == 2) {
                m2[pos] ^= std::byte{0x20};
                EXPECT_EQ(a.handle_input(m2).error(), errc::decrypt_failed);
                continue;
            }
            ASSERT_TRUE(a.handle_input(m2));
            a.poll_transmit(m3);
            m3[pos] ^= std::byte{0x20};
            EXPECT_EQ(b.handle_input(m3).error(), errc::decrypt_failed);
            EXPECT_FALSE(b.is_complete());
        }
    }
}

TEST(noise_machine, tampered_ephemeral_in_msg1_breaks_msg2)
{
    pair_fixture f;
    handshake a(make_config(role::initiator, f.id_a, f.rng));
    handshake b(make_config(role::responder, f.id_b, f.rng));
    byte_buffer m1, m2;
    a.poll_transmit(m1);
    m1[5] ^= std::byte{1};
    ASSERT_TRUE(b.handle_input(m1));
    b.poll_transmit(m2);
    EXPECT_EQ(a.handle_input(m2).error(), errc::decrypt_failed);
}

TEST(noise_machine, truncated_messages)
{
    std::mt19937_64 rng(3);
    auto id = peer::ed25519_keypair::generate();
    {
        handshake b(make_config(role::responder, id, rng));
        byte_buffer m;
        encode_frame(byte_buffer(31, std::byte{1}), m);
        EXPECT_EQ(b.handle_input(m).error(), errc::truncated);
    }
    {
        handshake a(make_config(role::initiator, id, rng));
        byte_buffer m;
        encode_frame(byte_buffer(95, std::byte{1}), m); // below e + enc(s) + tag
        EXPECT_EQ(a.handle_input(m).error(), errc::truncated);
    }
    {
        // Responder: valid msg 1, then a 63-byte msg 3.
        handshake b(make_config(role::responder, id, rng));
        test::ref_xx ref(test::random32(rng), test::random32(rng));
        ASSERT_TRUE(b.handle_input(ref.write_msg1()));
        byte_buffer m;
        encode_frame(byte_buffer(63, std::byte{1}), m);
        EXPECT_EQ(b.handle_input(m).error(), errc::truncated);
    }
    {
        // A partial frame is only buffered, never an error.
        handshake b(make_config(role::responder, id, rng));
        byte_buffer m;
        encode_frame(byte_buffer(32, std::byte{1}), m);
        m.pop_back();
        EXPECT_EQ(b.handle_input(m).value(), m.size());
        EXPECT_TRUE(b.wants_input());
        byte_buffer out;
        EXPECT_FALSE(b.poll_transmit(out));
    }
}

TEST(noise_machine, oversized_and_hostile_frames)
{
    std::mt19937_64 rng(4);
    auto id = peer::ed25519_keypair::generate();
    {
        // A maximal msg 2 of garbage: decrypt fails, nothing crashes.
        handshake a(make_config(role::initiator, id, rng));
        byte_buffer m;
        encode_frame(byte_buffer(max_frame_body, std::byte{0x77}), m);
        EXPECT_EQ(a.handle_input(m).error(), errc::decrypt_failed);
    }
    {
        // A long non-empty msg-1 payload is tolerated (and hashed).
        handshake b(make_config(role::responder, id, rng));
        test::ref_xx ref(test::random32(rng), test::random32(rng));
        ref.mix_hash(ref.e.public_key());
        byte_buffer body(ref.e.public_key().begin(), ref.e.public_key().end());
        append(body, ref.enc(byte_buffer(1000, std::byte{3})));
        ASSERT_TRUE(b.handle_input(test::ref_xx::frame(body)));
        byte_buffer m2;
        ASSERT_TRUE(b.poll_transmit(m2));
        EXPECT_TRUE(ref.read_msg2(std::span(m2).subspan(2)));
    }
    {
        // A low-order ephemeral key is refused before answering.
        handshake b(make_config(role::responder, id, rng));
        byte_buffer m;
        encode_frame(byte_buffer(32, std::byte{0}), m);
        EXPECT_EQ(b.handle_input(m).error(), errc::bad_dh);
    }
}

TEST(noise_machine, split_before_completion)
{
    pair_fixture f;
    handshake a(make_config(role::initiator, f.id_a, f.rng));
    EXPECT_EQ(a.split().error(), errc::handshake_incomplete);
    EXPECT_THROW(handshake(make_config(role::initiator, f.id_a, f.rng, {""})),
                 std::invalid_argument);
    EXPECT_THROW(
        handshake(make_config(role::initiator, f.id_a, f.rng, std::vector<std::string>(33, "/m"))),
        std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Transport cipher states.

std::pair<cipher_state, cipher_state> key_pair_states()
{
    auto k = filled(0x11);
    return {cipher_state(k), cipher_state(k)};
}

TEST(noise_transport, round_trips_across_the_65519_boundary)
{
    auto [tx, rx] = key_pair_states();
    std::mt19937_64 rng(8);
    for (std::size_t len :
         {std::size_t{0}, std::size_t{1}, std::size_t{65518}, std::size_t{65519}}) {
        byte_buffer pt(len);
        for (auto& b : pt) {
            b = static_cast<std::byte>(rng());
        }
        byte_buffer wire;
        ASSERT_TRUE(tx.seal_frame(pt, wire));
        EXPECT_EQ(wire.size(), len + 18);
        auto d = rx.open_frame(wire);
        ASSERT_TRUE(d && d.value().complete());
        EXPECT_EQ(d.value().consumed, wire.size());
        EXPECT_TRUE(
            std::equal(pt.begin(), pt.end(), d.value().message->begin(), d.value().message->end()));
    }
    byte_buffer wire;
    EXPECT_EQ(tx.seal_frame(byte_buffer(65520), wire).error(), errc::frame_too_large);
    EXPECT_TRUE(wire.empty());
    EXPECT_EQ(tx.nonce(), 4u); // the refused frame used no nonce

    // seal_frames splits at 65519.
    byte_buffer big(65519 * 2 + 1);
    for (auto& b : big) {
        b = static_cast<std::byte>(rng());
    }
    ASSERT_TRUE(tx.seal_frames(big, wire));
    EXPECT_EQ(wire.size(), big.size() + 3 * 18);
    byte_buffer got;
    std::span<std::byte> rest(wire);
    while (!rest.empty()) {
        auto d = rx.open_frame(rest);
        ASSERT_TRUE(d && d.value().complete());
        EXPECT_LE(d.value().message->size(), max_plaintext_size);
        got.insert(got.end(), d.value().message->begin(), d.value().message->end());
        rest = rest.subspan(d.value().consumed);
    }
    EXPECT_EQ(got, big);
    EXPECT_EQ(tx.nonce(), rx.nonce());
}

TEST(noise_transport, zero_copy_seal_and_open_in_place)
{
    auto [tx, rx] = key_pair_states();
    byte_buffer buf(2 + 65519 + 16 + 5);
    for (std::size_t i = 0; i < 65519; ++i) {
        buf[2 + i] = static_cast<std::byte>(i * 7);
    }
    auto n = tx.seal_in_place(buf, 65519);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value(), 65537u);
    EXPECT_EQ(to_hex(std::span(buf).first(2)), "ffff");
    auto body = std::span(buf).subspan(2, 65535);
    auto pt = rx.open_in_place(body);
    ASSERT_TRUE(pt);
    EXPECT_EQ(pt.value(), 65519u);
    for (std::size_t i = 0; i < 65519; i += 997) {
        ASSERT_EQ(buf[2 + i], static_cast<std::byte>(i * 7));
    }
    // Limits.
    byte_buffer small(2 + 10 + 15);
    EXPECT_EQ(tx.seal_in_place(small, 10).error(), errc::buffer_too_small);
    EXPECT_EQ(tx.seal_in_place(buf, 65520).error(), errc::frame_too_large);
    byte_buffer short_body(15);
    EXPECT_EQ(rx.open_in_place(short_body).error(), errc::truncated);
    byte_buffer huge_body(65536);
    EXPECT_EQ(rx.open_in_place(huge_body).error(), errc::frame_too_large);
}

TEST(noise_transport, open_frame_incremental)
{
    auto [tx, rx] = key_pair_states();
    byte_buffer wire;
    ASSERT_TRUE(tx.seal_frame(as_bytes("hello"), wire));
    for (std::size_t cut = 0; cut < wire.size(); ++cut) {
        byte_buffer part(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(cut));
        auto d = rx.open_frame(part);
        ASSERT_TRUE(d);
        EXPECT_FALSE(d.value().complete());
        EXPECT_EQ(d.value().needed, cut < 2 ? 2u : wire.size());
    }
    EXPECT_EQ(rx.nonce(), 0u);
    // A frame shorter than a tag.
    byte_buffer tiny = hex("0003aabbcc");
    EXPECT_EQ(rx.open_frame(tiny).error(), errc::truncated);
}

TEST(noise_transport, tampered_frames_fail_and_release_nothing)
{
    auto [tx, rx] = key_pair_states();
    byte_buffer wire;
    ASSERT_TRUE(tx.seal_frame(as_bytes("secret plaintext"), wire));
    for (std::size_t pos = 2; pos < wire.size(); ++pos) {
        auto bad = wire;
        bad[pos] ^= std::byte{0x01};
        auto body = std::span(bad).subspan(2);
        EXPECT_EQ(rx.open_in_place(body).error(), errc::decrypt_failed);
        EXPECT_TRUE(
            std::all_of(body.begin(), body.end(), [](std::byte b) { return b == std::byte{0}; }));
        EXPECT_EQ(rx.nonce(), 0u);
    }
    // A wrong length prefix shifts the tag: also rejected.
    auto bad_len = wire;
    bad_len[1] = static_cast<std::byte>(std::to_integer<int>(bad_len[1]) - 1);
    EXPECT_EQ(rx.open_frame(bad_len).error(), errc::decrypt_failed);
    EXPECT_TRUE(rx.open_frame(wire));
}

TEST(noise_transport, nonce_progression_and_exhaustion)
{
    auto [tx, rx] = key_pair_states();
    byte_buffer f0, f1, f2;
    ASSERT_TRUE(tx.seal_frame(as_bytes("0"), f0));
    ASSERT_TRUE(tx.seal_frame(as_bytes("1"), f1));
    ASSERT_TRUE(tx.seal_frame(as_bytes("0"), f2));
    EXPECT_EQ(tx.nonce(), 3u);
    EXPECT_NE(f0, f2); // same plaintext, different nonce
    // Out of order: frame 1 at nonce 0 fails (on a copy: a failed open zeroes its input).
    auto f1_copy = f1;
    EXPECT_EQ(rx.open_frame(f1_copy).error(), errc::decrypt_failed);
    EXPECT_TRUE(rx.open_frame(f0));
    EXPECT_TRUE(rx.open_frame(f1));
    EXPECT_TRUE(rx.open_frame(f2));
    EXPECT_EQ(rx.nonce(), 3u);

    // The last usable nonce is 2^64-2; 2^64-1 is never used.
    tx.set_nonce(std::numeric_limits<std::uint64_t>::max() - 1);
    rx.set_nonce(std::numeric_limits<std::uint64_t>::max() - 1);
    byte_buffer last;
    ASSERT_TRUE(tx.seal_frame(as_bytes("last"), last));
    EXPECT_EQ(tx.seal_frame(as_bytes("one too many"), last).error(), errc::nonce_exhausted);
    byte_buffer room(2 + 1 + 16);
    EXPECT_EQ(tx.seal_in_place(room, 1).error(), errc::nonce_exhausted);
    EXPECT_TRUE(rx.open_frame(last));
    EXPECT_EQ(rx.open_frame(last).error(), errc::nonce_exhausted);
}

TEST(noise_transport, split_orients_directions_by_role)
{
    pair_fixture f;
    handshake a(make_config(role::initiator, f.id_a, f.rng));
    handshake b(make_config(role::responder, f.id_b, f.rng));
    ASSERT_TRUE(pump(a, b));
    auto ta = a.split().value();
    auto tb = b.split().value();
    for (int i = 0; i < 50; ++i) {
        byte_buffer ab, ba;
        auto msg = std::string(static_cast<std::size_t>(i * 31), 'x');
        ASSERT_TRUE(ta.send.seal_frame(as_bytes(msg), ab));
        ASSERT_TRUE(tb.send.seal_frame(as_bytes(msg), ba));
        EXPECT_NE(ab, ba);
        auto x = tb.recv.open_frame(ab);
        auto y = ta.recv.open_frame(ba);
        ASSERT_TRUE(x && y);
        EXPECT_EQ(as_chars(*x.value().message), msg);
        EXPECT_EQ(as_chars(*y.value().message), msg);
    }
    EXPECT_EQ(ta.send.nonce(), 50u);
    EXPECT_EQ(tb.recv.nonce(), 50u);
}

} // namespace
} // namespace pcp::p2p::noise
