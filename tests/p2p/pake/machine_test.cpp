// SPDX-License-Identifier: MIT
// The /pcp/pake/1.0.0 machine (p2p/pake/machine.hpp): the draft-irtf-cfrg-cpace-21 vectors through
// the wire, right and wrong codes (both sides fail within one round trip), tampering, session and
// peer-ID binding, input limits, hostile message sequences, and the attempt limiter.
#include "p2p/pake/machine.hpp"

#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "p2p/peer/protobuf.hpp"

namespace pcp::p2p::pake {
namespace {

struct inputs {
    std::string password = "7-alpha-bravo-charlie";
    byte_buffer initiator_peer = to_buffer("12D3KooW-initiator");
    byte_buffer responder_peer = to_buffer("12D3KooW-responder");
    byte_buffer sid = byte_buffer(32, std::byte{0x5a});
    byte_buffer ad;
    unsigned char seed = 1;
};

machine make(role r, const inputs& in)
{
    config cfg;
    cfg.role = r;
    cfg.password = as_bytes(in.password);
    cfg.initiator_peer = in.initiator_peer;
    cfg.responder_peer = in.responder_peer;
    cfg.session_id = in.sid;
    cfg.associated_data = in.ad;
    for (std::size_t i = 0; i < cfg.scalar_random.size(); ++i) {
        cfg.scalar_random[i] = std::byte(in.seed * 31 + i * 7 + (r == role::initiator ? 0 : 101));
    }
    return machine(cfg);
}

byte_buffer drain(machine& m)
{
    byte_buffer out;
    while (m.poll_transmit(out)) {
    }
    return out;
}

/// Feed `bytes` to `m` and return the bytes it answers with.
byte_buffer feed(machine& m, bytes_view bytes)
{
    auto r = m.handle_input(bytes);
    (void)r;
    return drain(m);
}

message decode_one(bytes_view frame)
{
    auto d = decode_framed(frame);
    EXPECT_TRUE(d && d.value().complete());
    EXPECT_EQ(d.value().consumed, frame.size());
    return d && d.value().complete() ? *d.value().message : message{};
}

struct outcome {
    std::optional<event> initiator;
    std::optional<event> responder;
};

/// Run a whole exchange; `tamper(flight, bytes)` may change each flight (1, 2, 3) in transit.
template <class Tamper> outcome exchange(const inputs& a, const inputs& b, Tamper tamper)
{
    auto ini = make(role::initiator, a);
    auto res = make(role::responder, b);
    outcome o;
    byte_buffer f1 = drain(ini);
    tamper(1, f1);
    byte_buffer f2 = feed(res, f1);
    o.responder = res.poll_event();
    tamper(2, f2);
    byte_buffer f3 = feed(ini, f2);
    o.initiator = ini.poll_event();
    tamper(3, f3);
    if (!o.responder && !f3.empty()) {
        byte_buffer f4 = feed(res, f3);
        EXPECT_TRUE(f4.empty() || to_hex(f4) == "022001"); // at most an abort{wrong_code}
        o.responder = res.poll_event();
    }
    return o;
}

outcome exchange(const inputs& a, const inputs& b)
{
    return exchange(a, b, [](int, byte_buffer&) {});
}

void expect_success(const outcome& o)
{
    ASSERT_TRUE(o.initiator && o.responder);
    ASSERT_EQ(o.initiator->what, event::kind::succeeded) << o.initiator->error.message();
    ASSERT_EQ(o.responder->what, event::kind::succeeded) << o.responder->error.message();
    EXPECT_TRUE(o.initiator->key.equals(o.responder->key.bytes()));
}

void expect_failure(const std::optional<event>& ev, errc e)
{
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->what, event::kind::failed);
    EXPECT_EQ(ev->error, e) << ev->error.message();
}

TEST(pake_machine, right_code_gives_the_same_key_on_both_sides)
{
    inputs a, b;
    a.ad = to_buffer("receiver v1");
    b.ad = to_buffer("sender v1");
    b.seed = 2;
    auto o = exchange(a, b);
    expect_success(o);
    // A fresh exchange (new scalars) gives a different key.
    a.seed = 3;
    auto o2 = exchange(a, b);
    expect_success(o2);
    EXPECT_FALSE(o.initiator->key.equals(o2.initiator->key.bytes()));
}

TEST(pake_machine, remote_ad_is_reported)
{
    inputs a, b;
    a.ad = to_buffer("ADa");
    b.ad = to_buffer("ADb");
    auto ini = make(role::initiator, a);
    auto res = make(role::responder, b);
    auto f2 = feed(res, drain(ini));
    EXPECT_EQ(as_chars(res.remote_ad()), "ADa");
    auto f3 = feed(ini, f2);
    EXPECT_EQ(as_chars(ini.remote_ad()), "ADb");
    feed(res, f3);
    EXPECT_TRUE(res.is_finished() && ini.is_finished());
    EXPECT_FALSE(res.error());
}

TEST(pake_machine, wrong_code_fails_both_sides_within_one_round_trip)
{
    inputs a, b;
    b.password = "7-alpha-bravo-charliE";
    auto ini = make(role::initiator, a);
    auto res = make(role::responder, b);
    auto f1 = drain(ini);
    auto f2 = feed(res, f1);
    EXPECT_FALSE(res.poll_event()); // the responder cannot know yet
    // Initiator: fails on message 2 and answers with abort{wrong_code} instead of its tag.
    auto used = ini.handle_input(f2);
    ASSERT_FALSE(used);
    EXPECT_EQ(used.error(), errc::wrong_code);
    auto f3 = drain(ini);
    EXPECT_EQ(to_hex(f3), "022001");
    expect_failure(ini.poll_event(), errc::wrong_code);
    // Responder: fails on that abort, one round trip after it sent message 2.
    auto r = res.handle_input(f3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::wrong_code);
    EXPECT_TRUE(drain(res).empty());
    auto ev = res.poll_event();
    expect_failure(ev, errc::wrong_code);
    EXPECT_TRUE(counts_as_attempt(ev->error));
    // Later input is refused with the same error.
    EXPECT_EQ(res.handle_input(f1).error(), errc::wrong_code);
    EXPECT_FALSE(res.poll_event());
}

TEST(pake_machine, binding_to_session_and_peer_ids)
{
    {
        inputs a, b;
        b.sid[0] = std::byte{0x5b};
        auto o = exchange(a, b);
        expect_failure(o.initiator, errc::wrong_code);
        expect_failure(o.responder, errc::wrong_code);
    }
    {
        inputs a, b;
        std::swap(b.initiator_peer, b.responder_peer); // roles swapped: CI differs
        auto o = exchange(a, b);
        expect_failure(o.initiator, errc::wrong_code);
        expect_failure(o.responder, errc::wrong_code);
    }
    {
        inputs a, b;
        b.initiator_peer = to_buffer("12D3KooW-mallory");
        auto o = exchange(a, b);
        expect_failure(o.initiator, errc::wrong_code);
        expect_failure(o.responder, errc::wrong_code);
    }
    {
        // lv_cat keeps ("ab","c") and ("a","bc") apart.
        inputs a, b;
        a.initiator_peer = to_buffer("ab");
        a.responder_peer = to_buffer("c");
        b.initiator_peer = to_buffer("a");
        b.responder_peer = to_buffer("bc");
        auto o = exchange(a, b);
        expect_failure(o.initiator, errc::wrong_code);
    }
}

TEST(pake_machine, tampered_messages)
{
    inputs a, b;
    // Flipping any byte of message 1's share: an invalid encoding (invalid_share at the responder,
    // which sends abort{protocol_error}) or another element (wrong_code at the initiator).
    for (std::size_t i = 3; i < 3 + share_size; ++i) {
        auto o = exchange(a, b, [i](int flight, byte_buffer& f) {
            if (flight == 1) {
                f[i] ^= std::byte{0x01};
            }
        });
        ASSERT_TRUE(o.initiator && o.responder) << i;
        EXPECT_EQ(o.initiator->what, event::kind::failed) << i;
        EXPECT_EQ(o.responder->what, event::kind::failed) << i;
        if (o.responder->error == errc::invalid_share) {
            EXPECT_EQ(o.initiator->error, errc::peer_aborted);
        } else {
            EXPECT_EQ(o.initiator->error, errc::wrong_code);
            EXPECT_EQ(o.responder->error, errc::wrong_code);
        }
    }
    // Tampered AD (authenticated through the transcript), Tb, and Ta.
    a.ad = to_buffer("ADa");
    auto o1 = exchange(a, b, [](int flight, byte_buffer& f) {
        if (flight == 1) {
            f.back() ^= std::byte{0x20};
        }
    });
    expect_failure(o1.initiator, errc::wrong_code);
    expect_failure(o1.responder, errc::wrong_code);
    auto o2 = exchange(a, b, [](int flight, byte_buffer& f) {
        if (flight == 2) {
            f.back() ^= std::byte{0x80};
        }
    });
    expect_failure(o2.initiator, errc::wrong_code);
    expect_failure(o2.responder, errc::wrong_code);
    auto o3 = exchange(a, b, [](int flight, byte_buffer& f) {
        if (flight == 3) {
            f.back() ^= std::byte{0x01};
        }
    });
    ASSERT_TRUE(o3.initiator);
    EXPECT_EQ(o3.initiator->what, event::kind::succeeded); // it cannot know
    expect_failure(o3.responder, errc::wrong_code);
}

TEST(pake_machine, neutral_element_share_is_rejected)
{
    inputs a, b;
    auto res = make(role::responder, b);
    message m;
    m.share.emplace(); // all zeros: the encoding of the identity
    byte_buffer f;
    encode_framed(m, f);
    auto r = res.handle_input(f);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_share);
    EXPECT_EQ(to_hex(drain(res)), "022002"); // abort{protocol_error}
    expect_failure(res.poll_event(), errc::invalid_share);

    // The same at the initiator, in message 2.
    auto ini = make(role::initiator, a);
    drain(ini);
    m.confirm.emplace();
    byte_buffer f2;
    encode_framed(m, f2);
    EXPECT_EQ(ini.handle_input(f2).error(), errc::invalid_share);
    EXPECT_EQ(to_hex(drain(ini)), "022002");

    // An initiator receiving abort{protocol_error} reports peer_aborted and sends nothing.
    auto ini2 = make(role::initiator, a);
    drain(ini2);
    const auto abort_frame = *from_hex("022002");
    EXPECT_EQ(ini2.handle_input(abort_frame).error(), errc::peer_aborted);
    EXPECT_TRUE(drain(ini2).empty());
}

TEST(pake_machine, unexpected_messages)
{
    inputs a, b;
    message only_tag;
    only_tag.confirm.emplace();
    byte_buffer f;
    encode_framed(only_tag, f);
    auto res = make(role::responder, b);
    EXPECT_EQ(res.handle_input(f).error(), errc::unexpected_message);
    EXPECT_EQ(to_hex(drain(res)), "022002");

    // Message 2 without a tag.
    auto ini = make(role::initiator, a);
    auto res2 = make(role::responder, b);
    auto f2 = feed(res2, drain(ini));
    auto m2 = decode_one(f2);
    m2.confirm.reset();
    byte_buffer f2b;
    encode_framed(m2, f2b);
    EXPECT_EQ(ini.handle_input(f2b).error(), errc::unexpected_message);

    // An empty message.
    auto res3 = make(role::responder, b);
    const byte_buffer empty = {std::byte{0}};
    EXPECT_EQ(res3.handle_input(empty).error(), errc::unexpected_message);
}

TEST(pake_machine, responder_counts_any_failure_after_its_share)
{
    inputs a, b;
    auto run_to_share = [&](machine& res) {
        auto ini = make(role::initiator, a);
        auto f2 = feed(res, drain(ini));
        EXPECT_FALSE(f2.empty());
    };
    {
        auto res = make(role::responder, b);
        run_to_share(res);
        auto ec = res.handle_close(make_error_code(errc::truncated));
        EXPECT_EQ(ec, errc::abandoned);
        expect_failure(res.poll_event(), errc::abandoned);
        EXPECT_TRUE(counts_as_attempt(ec));
    }
    {
        auto res = make(role::responder, b);
        run_to_share(res);
        EXPECT_EQ(res.handle_input(*from_hex("022002")).error(), errc::abandoned);
    }
    {
        auto res = make(role::responder, b);
        run_to_share(res);
        EXPECT_EQ(res.handle_input(*from_hex("03ffffff")).error(), errc::abandoned);
    }
    {
        // Before its share, a responder's failures cost nothing.
        auto res = make(role::responder, b);
        auto ec = res.handle_close(make_error_code(errc::truncated));
        EXPECT_EQ(ec, errc::truncated);
        EXPECT_FALSE(counts_as_attempt(ec));
        auto res2 = make(role::responder, b);
        EXPECT_EQ(res2.handle_input(*from_hex("022001")).error(), errc::wrong_code);
    }
}

TEST(pake_machine, byte_by_byte_delivery_and_trailing_bytes)
{
    inputs a, b;
    auto ini = make(role::initiator, a);
    auto res = make(role::responder, b);
    auto f1 = drain(ini);
    byte_buffer f2;
    for (std::size_t i = 0; i < f1.size(); ++i) {
        auto used = res.handle_input(bytes_view(f1).subspan(i, 1));
        ASSERT_TRUE(used);
        EXPECT_EQ(used.value(), 1u);
        append(f2, drain(res));
        if (i + 1 < f1.size()) {
            EXPECT_TRUE(f2.empty());
        }
    }
    ASSERT_FALSE(f2.empty());
    const std::size_t f2_size = f2.size();
    f2.push_back(std::byte{0x07}); // not part of the exchange
    f2.push_back(std::byte{0x08});
    auto used = ini.handle_input(f2);
    ASSERT_TRUE(used);
    EXPECT_EQ(used.value(), f2_size);
    EXPECT_FALSE(ini.wants_input());
    auto f3 = drain(ini);
    auto ev_i = ini.poll_event();
    ASSERT_TRUE(ev_i && ev_i->what == event::kind::succeeded);
    EXPECT_TRUE(res.handle_input(f3));
    auto ev_r = res.poll_event();
    ASSERT_TRUE(ev_r && ev_r->what == event::kind::succeeded);
    EXPECT_TRUE(ev_i->key.equals(ev_r->key.bytes()));
    EXPECT_FALSE(ini.poll_event()); // once only
}

TEST(pake_machine, oversized_frame_fails_before_the_body)
{
    inputs b;
    auto res = make(role::responder, b);
    byte_buffer f;
    peer::encode_varint(max_message_size + 1, f);
    EXPECT_EQ(res.handle_input(f).error(), errc::message_too_large);
    EXPECT_EQ(to_hex(drain(res)), "022002");
    auto res2 = make(role::responder, b);
    message m;
    m.share.emplace();
    byte_buffer body;
    encode(m, body);
    peer::pb::put_bytes(ad_field, byte_buffer(max_ad_size + 1), body);
    byte_buffer f2;
    peer::encode_varint(body.size(), f2);
    append(f2, body);
    EXPECT_EQ(res2.handle_input(f2).error(), errc::limit_exceeded);
}

TEST(pake_machine, input_limits)
{
    auto expect_invalid = [](const inputs& in, role r) {
        auto m = make(r, in);
        EXPECT_TRUE(drain(m).empty());
        expect_failure(m.poll_event(), errc::invalid_input);
        EXPECT_FALSE(m.wants_input());
    };
    auto expect_valid = [](const inputs& in, role r) {
        auto m = make(r, in);
        EXPECT_FALSE(m.error()) << m.error().message();
        EXPECT_FALSE(m.poll_event());
    };
    for (role r : {role::initiator, role::responder}) {
        inputs in;
        in.password.clear();
        expect_invalid(in, r);
        in.password.assign(max_password_size, 'x');
        expect_valid(in, r);
        in.password.push_back('x');
        expect_invalid(in, r);

        inputs p;
        p.initiator_peer.clear();
        expect_invalid(p, r);
        p.initiator_peer.assign(max_peer_id_size, std::byte{1});
        expect_valid(p, r);
        p.responder_peer.assign(max_peer_id_size + 1, std::byte{1});
        expect_invalid(p, r);

        inputs s;
        s.sid.assign(min_session_id_size, std::byte{2});
        expect_valid(s, r);
        s.sid.assign(min_session_id_size - 1, std::byte{2});
        expect_invalid(s, r);
        s.sid.assign(max_session_id_size, std::byte{2});
        expect_valid(s, r);
        s.sid.assign(max_session_id_size + 1, std::byte{2});
        expect_invalid(s, r);

        inputs d;
        d.ad.assign(max_ad_size, std::byte{3});
        expect_valid(d, r);
        d.ad.push_back(std::byte{3});
        expect_invalid(d, r);
    }
}

// The draft's inputs happen to be exactly our shape: CI = lv_cat("A_initiator", "B_responder"), a
// 16-byte sid. Feeding its scalars reproduces Ya and Yb on the wire and a key derived from its ISK.
TEST(pake_machine, draft_vectors_through_the_wire)
{
    std::map<std::string, byte_buffer> v;
    std::ifstream file(std::string(PCP_SOURCE_DIR) + "/tests/vectors/cpace/ristretto255_sha512.txt");
    std::string line;
    while (std::getline(file, line)) {
        auto eq = line.find(" = ");
        if (line.empty() || line[0] == '#' || eq == std::string::npos) {
            continue;
        }
        v[line.substr(0, eq)] = from_hex(line.substr(eq + 3)).value_or(byte_buffer{});
    }
    ASSERT_EQ(to_hex(v["CI"]), to_hex(crypto::cpace::lv_cat({as_bytes("A_initiator"), as_bytes("B_responder")})));
    auto cfg_for = [&](role r) {
        config cfg;
        cfg.role = r;
        cfg.password = v["PRS"];
        cfg.initiator_peer = as_bytes("A_initiator");
        cfg.responder_peer = as_bytes("B_responder");
        cfg.session_id = v["sid"];
        cfg.associated_data = r == role::initiator ? bytes_view(v["ADa"]) : bytes_view(v["ADb"]);
        const auto& y = r == role::initiator ? v["ya"] : v["yb"];
        std::copy(y.begin(), y.end(), cfg.scalar_random.begin());
        return cfg;
    };
    machine ini(cfg_for(role::initiator));
    machine res(cfg_for(role::responder));
    auto f1 = drain(ini);
    auto m1 = decode_one(f1);
    ASSERT_TRUE(m1.share);
    EXPECT_EQ(to_hex(*m1.share), to_hex(v["Ya"]));
    EXPECT_EQ(to_hex(m1.ad.value_or(byte_buffer{})), to_hex(v["ADa"]));
    auto f2 = feed(res, f1);
    auto m2 = decode_one(f2);
    ASSERT_TRUE(m2.share && m2.confirm);
    EXPECT_EQ(to_hex(*m2.share), to_hex(v["Yb"]));

    // Expected tags and key, from the vector ISK.
    crypto::cpace::isk isk(std::span<const std::byte, 64>(v["ISK_IR"].data(), 64));
    auto mk = crypto::cpace::derive_mac_key(v["sid"], isk);
    EXPECT_EQ(to_hex(*m2.confirm), to_hex(crypto::cpace::confirmation_tag(mk, v["Yb"], v["ADb"])));
    auto f3 = feed(ini, f2);
    auto m3 = decode_one(f3);
    ASSERT_TRUE(m3.confirm);
    EXPECT_EQ(to_hex(*m3.confirm), to_hex(crypto::cpace::confirmation_tag(mk, v["Ya"], v["ADa"])));
    feed(res, f3);
    auto ev_i = ini.poll_event();
    auto ev_r = res.poll_event();
    ASSERT_TRUE(ev_i && ev_r);
    ASSERT_EQ(ev_i->what, event::kind::succeeded);
    ASSERT_EQ(ev_r->what, event::kind::succeeded);
    auto expected = crypto::cpace::derive_key(isk, session_key_label);
    EXPECT_EQ(to_hex(ev_i->key.bytes()), to_hex(expected.bytes()));
    EXPECT_EQ(to_hex(ev_r->key.bytes()), to_hex(expected.bytes()));
}

TEST(attempt_limiter, burns_after_max_failures)
{
    attempt_limiter l; // default 3
    EXPECT_EQ(l.max_failures(), 3);
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(l.burned());
        ASSERT_TRUE(l.allow());
        l.record_failure();
    }
    EXPECT_TRUE(l.burned());
    EXPECT_FALSE(l.allow());
    EXPECT_EQ(l.failures(), 3);
}

TEST(attempt_limiter, concurrent_attempts_are_reserved)
{
    attempt_limiter l(2);
    ASSERT_TRUE(l.allow());
    ASSERT_TRUE(l.allow());
    EXPECT_FALSE(l.allow()); // two running exchanges could both be wrong guesses
    l.release();             // one ended without costing an attempt
    ASSERT_TRUE(l.allow());
    l.record_failure();
    EXPECT_FALSE(l.allow());
    l.record_failure();
    EXPECT_TRUE(l.burned());
    l.release(); // a stray release does not underflow
    EXPECT_FALSE(l.allow());
}

TEST(attempt_limiter, failures_without_allow_and_bad_limits)
{
    attempt_limiter l(1);
    l.record_failure();
    EXPECT_TRUE(l.burned());
    attempt_limiter z(0); // clamped to 1
    EXPECT_EQ(z.max_failures(), 1);
    EXPECT_TRUE(z.allow());
}

} // namespace
} // namespace pcp::p2p::pake
