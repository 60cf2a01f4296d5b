// SPDX-License-Identifier: MIT
// mDNS wire codec: hand-built libp2p query and responses (libp2p-digest §10), compression
// pointers, pointer loops, truncation at every byte, and every limit at N and N+1.
#include "p2p/mdns/wire.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::mdns {
namespace {

// Hand-assembly helpers (independent of the encoder).
void u8(byte_buffer& b, unsigned v) { b.push_back(static_cast<std::byte>(v)); }
void u16(byte_buffer& b, unsigned v)
{
    u8(b, (v >> 8) & 0xFF);
    u8(b, v & 0xFF);
}
void u32(byte_buffer& b, std::uint32_t v)
{
    u16(b, v >> 16);
    u16(b, v & 0xFFFF);
}
void name(byte_buffer& b, std::initializer_list<std::string_view> labels)
{
    for (auto l : labels) {
        u8(b, static_cast<unsigned>(l.size()));
        append(b, l);
    }
    u8(b, 0);
}
void header(byte_buffer& b, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
    u16(b, id);
    u16(b, flags);
    u16(b, qd);
    u16(b, an);
    u16(b, ns);
    u16(b, ar);
}

const std::string peer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
const std::string peer_name = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0";

// The query js-libp2p and go-libp2p send: one question `_p2p._udp.local PTR IN`, id 0, flags 0.
byte_buffer libp2p_query()
{
    byte_buffer b;
    header(b, 0, 0, 1, 0, 0, 0);
    name(b, {"_p2p", "_udp", "local"});
    u16(b, 12);
    u16(b, 1);
    return b;
}

// A js-libp2p @libp2p/mdns 11 response: PTR and one TXT per address in answers, TTL 120,
// flags QR|AA, uncompressed names (as dns-packet writes them without a compression table).
byte_buffer js_response()
{
    byte_buffer b;
    header(b, 0, 0x8400, 0, 3, 0, 0);
    name(b, {"_p2p", "_udp", "local"});
    u16(b, 12);
    u16(b, 1);
    u32(b, 120);
    byte_buffer target;
    name(target, {peer_name, "_p2p", "_udp", "local"});
    u16(b, static_cast<unsigned>(target.size()));
    append(b, target);
    for (std::string addr : {"/ip4/127.0.0.1/tcp/4001/p2p/" + peer, "/ip4/10.0.0.2/tcp/4001/p2p/" + peer}) {
        name(b, {peer_name, "_p2p", "_udp", "local"});
        u16(b, 16);
        u16(b, 1);
        u32(b, 120);
        std::string s = "dnsaddr=" + addr;
        u16(b, static_cast<unsigned>(s.size() + 1));
        u8(b, static_cast<unsigned>(s.size()));
        append(b, s);
    }
    return b;
}

TEST(MdnsWire, Libp2pQueryDecodesAndReencodesByteForByte)
{
    auto q = libp2p_query();
    auto m = decode(q);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_FALSE(m.value().is_response());
    ASSERT_EQ(m.value().questions.size(), 1u);
    EXPECT_EQ(m.value().questions[0].name, "_p2p._udp.local");
    EXPECT_EQ(m.value().questions[0].type, rr::ptr);
    EXPECT_EQ(m.value().questions[0].qclass, class_in);
    EXPECT_FALSE(m.value().questions[0].unicast_response);
    auto e = encode(m.value());
    ASSERT_TRUE(e);
    EXPECT_EQ(to_hex(e.value()), to_hex(q));
    EXPECT_EQ(to_hex(q), "000000000001000000000000045f703270045f756470056c6f63616c00000c0001");
}

TEST(MdnsWire, JsResponseDecodes)
{
    auto m = decode(js_response());
    ASSERT_TRUE(m) << m.error().message();
    const auto& r = m.value();
    EXPECT_TRUE(r.is_response());
    EXPECT_EQ(r.flags, 0x8400);
    ASSERT_EQ(r.answers.size(), 3u);
    EXPECT_EQ(r.answers[0].type, rr::ptr);
    EXPECT_EQ(r.answers[0].name, "_p2p._udp.local");
    EXPECT_EQ(r.answers[0].target, peer_name + "._p2p._udp.local");
    EXPECT_EQ(r.answers[0].ttl, 120u);
    EXPECT_EQ(r.answers[1].type, rr::txt);
    ASSERT_EQ(r.answers[1].txt.size(), 1u);
    EXPECT_EQ(r.answers[1].txt[0], "dnsaddr=/ip4/127.0.0.1/tcp/4001/p2p/" + peer);
    EXPECT_EQ(r.answers[2].txt[0], "dnsaddr=/ip4/10.0.0.2/tcp/4001/p2p/" + peer);
    // Our encoder compresses: smaller, and decodes to the same message.
    auto e = encode(r);
    ASSERT_TRUE(e);
    EXPECT_LT(e.value().size(), js_response().size());
    auto again = decode(e.value());
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value(), r);
}

TEST(MdnsWire, FullResponseWithAllTypesRoundTrips)
{
    message m;
    m.flags = flag_response | flag_authoritative;
    const std::string inst = peer_name + "._p2p._udp.local";
    m.answers.push_back(make_ptr("_p2p._udp.local", inst, 120));
    m.additionals.push_back(make_txt(inst, {"dnsaddr=/ip4/127.0.0.1/tcp/1/p2p/" + peer, "dnsaddr=/ip6/::1/tcp/1/p2p/" + peer}, 120));
    m.additionals.push_back(make_srv(inst, peer_name + ".local", 4001, 120));
    m.additionals.push_back(make_a(peer_name + ".local", {std::byte{127}, std::byte{0}, std::byte{0}, std::byte{1}}, 120));
    std::array<std::byte, 16> v6{};
    v6[15] = std::byte{1};
    m.additionals.push_back(make_aaaa(peer_name + ".local", v6, 120));
    for (auto& r : m.additionals) {
        r.cache_flush = true;
    }
    auto e = encode(m);
    ASSERT_TRUE(e);
    auto d = decode(e.value());
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(d.value(), m);
    EXPECT_EQ(d.value().additionals[1].port, 4001);
    EXPECT_TRUE(d.value().additionals[0].cache_flush);
    EXPECT_EQ(d.value().additionals[0].rclass, class_in);
}

TEST(MdnsWire, CompressionPointersInNamesAndRdata)
{
    byte_buffer b;
    header(b, 7, 0x8400, 1, 1, 0, 0);
    name(b, {"_p2p", "_udp", "local"}); // offset 12
    u16(b, 12);
    u16(b, 0x8001); // QU bit
    u16(b, 0xC00C); // answer owner: pointer to offset 12
    u16(b, 12);
    u16(b, 0x8001); // cache-flush bit
    u32(b, 120);
    u16(b, 6);
    u8(b, 3);
    append(b, std::string_view("abc"));
    u16(b, 0xC00C);
    auto m = decode(b);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_TRUE(m.value().questions[0].unicast_response);
    EXPECT_EQ(m.value().questions[0].qclass, 1);
    EXPECT_EQ(m.value().answers[0].name, "_p2p._udp.local");
    EXPECT_TRUE(m.value().answers[0].cache_flush);
    EXPECT_EQ(m.value().answers[0].target, "abc._p2p._udp.local");
    EXPECT_EQ(m.value().id, 7);
}

byte_buffer one_question_with_name_bytes(const byte_buffer& nm)
{
    byte_buffer b;
    header(b, 0, 0, 1, 0, 0, 0);
    append(b, nm);
    u16(b, 12);
    u16(b, 1);
    return b;
}

TEST(MdnsWire, PointerLoopsAreRejected)
{
    // A pointer to itself.
    byte_buffer self;
    u16(self, 0xC00C);
    EXPECT_EQ(decode(one_question_with_name_bytes(self)).error(), make_error_code(errc::malformed));
    // A forward pointer.
    byte_buffer fwd;
    u16(fwd, 0xC00E);
    u8(fwd, 0);
    EXPECT_EQ(decode(one_question_with_name_bytes(fwd)).error(), make_error_code(errc::malformed));
    // label "a" then a pointer back to the label: a loop with a backward pointer.
    byte_buffer loop;
    u8(loop, 1);
    append(loop, std::string_view("a"));
    u16(loop, 0xC00C);
    EXPECT_EQ(decode(one_question_with_name_bytes(loop)).error(), make_error_code(errc::malformed));
    // Two names pointing at each other (second question points at the first's pointer).
    byte_buffer b;
    header(b, 0, 0, 2, 0, 0, 0);
    u16(b, 0xC012); // offset 12 → 18 (forward)
    u16(b, 12);
    u16(b, 1);
    u16(b, 0xC00C); // offset 18 → 12
    u16(b, 12);
    u16(b, 1);
    EXPECT_FALSE(decode(b));
    // A pointer into the header is allowed by the rules but must stay bounded (it reads labels).
    byte_buffer h;
    header(h, 0, 0, 1, 0, 0, 0);
    u16(h, 0xC000);
    u16(h, 12);
    u16(h, 1);
    auto r = decode(h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().questions[0].name, "");
}

// A chain of `hops` pointers, each to the previous one, ending at the root, inside an unknown
// record's RDATA; the second record's owner name points at the last pointer.
byte_buffer pointer_chain(std::size_t hops)
{
    byte_buffer b;
    header(b, 0, 0x8400, 0, 2, 0, 0);
    u8(b, 0);      // owner: root
    u16(b, 99);    // unknown type
    u16(b, 1);
    u32(b, 0);
    u16(b, static_cast<unsigned>(1 + 2 * (hops - 1)));
    std::size_t prev = b.size();
    u8(b, 0); // root
    for (std::size_t i = 1; i < hops; ++i) {
        std::size_t here = b.size();
        u16(b, 0xC000 | static_cast<unsigned>(prev));
        prev = here;
    }
    u16(b, 0xC000 | static_cast<unsigned>(prev)); // owner of record 2: the hops-th pointer
    u16(b, 16);
    u16(b, 1);
    u32(b, 0);
    u16(b, 1);
    u8(b, 0);
    return b;
}

TEST(MdnsWire, PointerHopLimit)
{
    auto ok32 = decode(pointer_chain(max_pointer_hops));
    ASSERT_TRUE(ok32) << ok32.error().message();
    EXPECT_EQ(ok32.value().skipped, 1u);
    EXPECT_EQ(ok32.value().answers.size(), 1u);
    EXPECT_EQ(decode(pointer_chain(max_pointer_hops + 1)).error(), make_error_code(errc::limit_exceeded));
}

TEST(MdnsWire, TruncationAtEveryByteFails)
{
    for (const auto& full : {libp2p_query(), js_response()}) {
        for (std::size_t n = 0; n < full.size(); ++n) {
            auto r = decode(bytes_view(full).first(n));
            EXPECT_FALSE(r) << "prefix " << n;
        }
        byte_buffer extra = full;
        u8(extra, 0);
        EXPECT_EQ(decode(extra).error(), make_error_code(errc::malformed));
    }
}

TEST(MdnsWire, PacketSizeLimit)
{
    // A TXT record padded so the packet is exactly max_packet_size, then one byte more.
    auto make = [](std::size_t total) {
        byte_buffer b;
        header(b, 0, 0x8400, 0, 1, 0, 0);
        u8(b, 0);
        u16(b, 99);
        u16(b, 1);
        u32(b, 0);
        std::size_t rd = total - b.size() - 2;
        u16(b, static_cast<unsigned>(rd));
        b.resize(total, std::byte{0});
        return b;
    };
    EXPECT_TRUE(decode(make(max_packet_size)));
    EXPECT_EQ(decode(make(max_packet_size + 1)).error(), make_error_code(errc::too_large));
}

TEST(MdnsWire, QuestionAndRecordCountLimits)
{
    auto questions = [](std::size_t n) {
        byte_buffer b;
        header(b, 0, 0, static_cast<unsigned>(n), 0, 0, 0);
        name(b, {"a"});
        u16(b, 12);
        u16(b, 1);
        for (std::size_t i = 1; i < n; ++i) {
            u16(b, 0xC00C);
            u16(b, 12);
            u16(b, 1);
        }
        return b;
    };
    EXPECT_TRUE(decode(questions(max_questions)));
    EXPECT_EQ(decode(questions(max_questions + 1)).error(), make_error_code(errc::limit_exceeded));
    auto records = [](std::size_t n) {
        byte_buffer b;
        header(b, 0, 0x8400, 0, static_cast<unsigned>(n / 2), 0, static_cast<unsigned>(n - n / 2));
        for (std::size_t i = 0; i < n; ++i) {
            u8(b, 0);
            u16(b, 1);
            u16(b, 1);
            u32(b, 1);
            u16(b, 4);
            u32(b, 0x7F000001);
        }
        return b;
    };
    auto ok = decode(records(max_records));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok.value().answers.size() + ok.value().additionals.size(), max_records);
    EXPECT_EQ(decode(records(max_records + 1)).error(), make_error_code(errc::limit_exceeded));

    message m;
    m.questions.resize(max_questions, question{"a", rr::ptr, class_in, false});
    EXPECT_TRUE(encode(m));
    m.questions.emplace_back();
    EXPECT_EQ(encode(m).error(), make_error_code(errc::limit_exceeded));
}

TEST(MdnsWire, NameAndLabelLimits)
{
    // 63-byte label ok; 64 is not a length (top bits 01) on the wire, and refused by the encoder.
    std::string l63(63, 'x');
    std::string l64(64, 'x');
    byte_buffer n63;
    name(n63, {l63});
    auto r = decode(one_question_with_name_bytes(n63));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().questions[0].name, l63);
    byte_buffer n64;
    name(n64, {l64});
    EXPECT_FALSE(decode(one_question_with_name_bytes(n64)));
    EXPECT_TRUE(split_name(l63));
    EXPECT_EQ(split_name(l64).error(), make_error_code(errc::bad_name));

    // Wire length 255 (3×63 + 61 + 4 length bytes + root) ok, 256 not.
    std::string l61(61, 'y');
    std::string l62(62, 'y');
    byte_buffer w255;
    name(w255, {l63, l63, l63, l61});
    byte_buffer w256;
    name(w256, {l63, l63, l63, l62});
    EXPECT_EQ(w255.size(), 255u);
    EXPECT_TRUE(decode(one_question_with_name_bytes(w255)));
    EXPECT_EQ(decode(one_question_with_name_bytes(w256)).error(), make_error_code(errc::bad_name));
    EXPECT_TRUE(split_name(l63 + "." + l63 + "." + l63 + "." + l61));
    EXPECT_EQ(split_name(l63 + "." + l63 + "." + l63 + "." + l62).error(), make_error_code(errc::bad_name));

    EXPECT_FALSE(split_name("a..b"));
    EXPECT_FALSE(split_name(".a"));
    EXPECT_FALSE(split_name("a\\b"));
    EXPECT_EQ(split_name("a.b.").value().size(), 2u);
    EXPECT_TRUE(split_name("").value().empty());
}

TEST(MdnsWire, TxtStringLimits)
{
    message m;
    m.flags = flag_response;
    m.answers.push_back(make_txt("x.local", {std::string(255, 'a')}, 1));
    auto e = encode(m);
    ASSERT_TRUE(e);
    EXPECT_EQ(decode(e.value()).value().answers[0].txt[0].size(), 255u);
    m.answers[0].txt[0].push_back('a');
    EXPECT_EQ(encode(m).error(), make_error_code(errc::limit_exceeded));
    m.answers[0].txt.assign(max_txt_strings, "s");
    EXPECT_TRUE(encode(m));
    m.answers[0].txt.push_back("s");
    EXPECT_EQ(encode(m).error(), make_error_code(errc::limit_exceeded));
    // Empty TXT RDATA decodes to no strings; our encoder writes one empty string for it.
    m.answers[0].txt.clear();
    auto e2 = encode(m);
    ASSERT_TRUE(e2);
    EXPECT_EQ(decode(e2.value()).value().answers[0].txt, std::vector<std::string>{""});
}

TEST(MdnsWire, BadRdataLengths)
{
    auto rec = [](unsigned type, byte_buffer rdata) {
        byte_buffer b;
        header(b, 0, 0x8400, 0, 1, 0, 0);
        u8(b, 0);
        u16(b, type);
        u16(b, 1);
        u32(b, 1);
        u16(b, static_cast<unsigned>(rdata.size()));
        append(b, rdata);
        return b;
    };
    EXPECT_EQ(decode(rec(rr::a, byte_buffer(3))).error(), make_error_code(errc::malformed));
    EXPECT_EQ(decode(rec(rr::aaaa, byte_buffer(4))).error(), make_error_code(errc::malformed));
    EXPECT_TRUE(decode(rec(rr::aaaa, byte_buffer(16))));
    byte_buffer ptr_extra;
    name(ptr_extra, {"a"});
    u8(ptr_extra, 0);
    EXPECT_EQ(decode(rec(rr::ptr, ptr_extra)).error(), make_error_code(errc::malformed));
    byte_buffer ptr_short; // the label runs past RDATA
    u8(ptr_short, 5);
    append(ptr_short, std::string_view("ab"));
    EXPECT_FALSE(decode(rec(rr::ptr, ptr_short)));
    byte_buffer txt_over;
    u8(txt_over, 9);
    append(txt_over, std::string_view("abc"));
    EXPECT_EQ(decode(rec(rr::txt, txt_over)).error(), make_error_code(errc::malformed));
    EXPECT_EQ(decode(rec(rr::srv, byte_buffer(6))).error(), make_error_code(errc::malformed));
    byte_buffer ext;
    header(ext, 0, 0, 1, 0, 0, 0);
    u8(ext, 0x41); // extended label type
    u8(ext, 0);
    EXPECT_EQ(decode(ext).error(), make_error_code(errc::malformed));
}

TEST(MdnsWire, NamesWithDotsAndCase)
{
    EXPECT_TRUE(same_name("_P2P._udp.LOCAL", "_p2p._udp.local"));
    EXPECT_FALSE(same_name("_p2p._udp.local", "_p2p._udp.locals"));
    byte_buffer nm;
    name(nm, {"My.Printer", "_ipp", "local"});
    auto r = decode(one_question_with_name_bytes(nm));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().questions[0].name, "My\\.Printer._ipp.local");
    auto e = encode(r.value());
    ASSERT_TRUE(e);
    EXPECT_EQ(to_hex(e.value()), to_hex(one_question_with_name_bytes(nm)));
}

TEST(MdnsWire, UnknownTypesAreSkippedAndCounted)
{
    byte_buffer b;
    header(b, 0, 0x8400, 0, 1, 0, 2);
    name(b, {"x", "local"});
    u16(b, 12);
    u16(b, 1);
    u32(b, 1);
    u16(b, 2);
    u16(b, 0xC00C);
    u8(b, 0); // OPT pseudo-record
    u16(b, 41);
    u16(b, 1440);
    u32(b, 0);
    u16(b, 0);
    u16(b, 0xC00C); // NSEC
    u16(b, 47);
    u16(b, 0x8001);
    u32(b, 120);
    u16(b, 3);
    u8(b, 0);
    u8(b, 0);
    u8(b, 0);
    auto m = decode(b);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m.value().skipped, 2u);
    EXPECT_EQ(m.value().answers.size(), 1u);
    EXPECT_TRUE(m.value().additionals.empty());
    EXPECT_EQ(m.value().answers[0].target, "x.local");
}

} // namespace
} // namespace pcp::p2p::mdns
