// SPDX-License-Identifier: MIT
// /pcp/transfer/1.0.0 codec: round trips of every message, byte-at-a-time decoding, limits at N
// and N+1, unknown frames ignored, hostile frames refused.
#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/machine.hpp"
#include "p2p/transfer/wire.hpp"
#include "p2p/peer/protobuf.hpp"
#include "p2p/peer/varint.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::transfer {
namespace {

std::vector<message> samples()
{
    std::vector<message> v;
    v.emplace_back(hello{1, {"resume", "aligned-frames"}, "pcp/0.1.0"});
    manifest_batch b;
    b.entries.push_back(entry{"dir", kind_directory, 0, 0755, 1700000000, 5});
    b.entries.push_back(entry{"dir/f\xc3\xa9.txt", kind_file, 12345, 0644, -5, 999999999});
    b.entries.push_back(entry{"dir/empty", kind_file, 0, 0, 0, 0});
    v.emplace_back(b);
    v.emplace_back(manifest_end{3, 2, 12345});
    v.emplace_back(accept{});
    v.emplace_back(accept{{{1, 4096}, {7, 1}}});
    v.emplace_back(reject{2, "3 paths exist"});
    v.emplace_back(data_header{1, 0, 262144, false});
    v.emplace_back(data_header{1, 262144, 7, true});
    v.emplace_back(file_ack{9, 0xe3069283u});
    v.emplace_back(file_ack{0, 0});
    v.emplace_back(done{2, 12345});
    v.emplace_back(finished{true});
    v.emplace_back(finished{false});
    v.emplace_back(abort{1, "disk full", 4});
    v.emplace_back(abort{4, "", std::nullopt});
    return v;
}

TEST(transfer_wire, every_message_round_trips)
{
    for (const auto& m : samples()) {
        byte_buffer out;
        encode(m, out);
        auto d = decode(out);
        ASSERT_TRUE(d) << d.error().message();
        ASSERT_TRUE(d.value().complete());
        EXPECT_EQ(d.value().consumed, out.size());
        EXPECT_EQ(*d.value().message, m) << "index " << m.index();
    }
}

TEST(transfer_wire, byte_at_a_time_through_the_frame_reader)
{
    byte_buffer all;
    auto msgs = samples();
    for (const auto& m : msgs) {
        encode(m, all);
    }
    detail::frame_reader r;
    std::vector<message> got;
    for (auto b : all) {
        std::optional<message> m;
        auto used = r.next(bytes_view(&b, 1), m);
        ASSERT_TRUE(used);
        EXPECT_EQ(used.value(), 1u);
        if (m) {
            got.push_back(std::move(*m));
        }
    }
    EXPECT_EQ(got, msgs);
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(transfer_wire, decode_never_reads_past_a_frame_and_reports_need_more)
{
    byte_buffer out;
    encode(message{done{1, 2}}, out);
    auto full = out.size();
    encode(message{finished{true}}, out);
    auto d = decode(out);
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().consumed, full);
    for (std::size_t n = 0; n < full; ++n) {
        auto p = decode(bytes_view(out).first(n));
        ASSERT_TRUE(p);
        EXPECT_FALSE(p.value().complete());
    }
}

TEST(transfer_wire, frame_size_limit_n_and_n_plus_one)
{
    // A frame whose body is exactly max_message_size: an unknown field padded to size.
    auto frame_of = [](std::size_t body_size) {
        byte_buffer body;
        // field 100, len type: key (2 bytes) + length varint (3 bytes) + payload
        std::size_t payload = body_size - 2 - 3;
        peer::pb::put_key(100, peer::pb::len_type, body);
        byte_buffer len;
        peer::encode_varint(payload, len);
        EXPECT_EQ(len.size(), 3u);
        append(body, len);
        body.resize(body.size() + payload, std::byte{0});
        byte_buffer out;
        peer::encode_varint(body.size(), out);
        append(out, body);
        return out;
    };
    auto ok_frame = frame_of(max_message_size);
    auto d = decode(ok_frame);
    ASSERT_TRUE(d);
    ASSERT_TRUE(d.value().complete());
    EXPECT_TRUE(std::holds_alternative<std::monostate>(*d.value().message)); // unknown: ignored
    auto big = frame_of(max_message_size + 1);
    auto e = decode(big);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error(), errc::message_too_large);
    // Only the prefix is needed to refuse it.
    auto p = decode(bytes_view(big).first(3));
    ASSERT_FALSE(p);
    // A 4-byte prefix is refused at once.
    byte_buffer four{std::byte{0x80}, std::byte{0x80}, std::byte{0x80}, std::byte{0x01}};
    EXPECT_FALSE(decode(four));
}

TEST(transfer_wire, zero_length_and_malformed_frames_are_refused)
{
    byte_buffer zero{std::byte{0}};
    EXPECT_EQ(decode(zero).error(), errc::malformed);
    // Two messages in one frame.
    byte_buffer body;
    byte_buffer inner;
    peer::pb::put_varint(1, 1, inner);
    peer::pb::put_bytes(8, inner, body);
    peer::pb::put_bytes(9, inner, body);
    EXPECT_EQ(decode_body(body).error(), errc::malformed);
    // A message field that is a varint, not a submessage.
    byte_buffer v;
    peer::pb::put_varint(1, 5, v);
    EXPECT_EQ(decode_body(v).error(), errc::malformed);
    // file_ack with the retired SHA-256 field and no CRC-32C; with the CRC as a varint.
    byte_buffer ack;
    byte_buffer a;
    peer::pb::put_varint(1, 0, a);
    peer::pb::put_bytes(2, byte_buffer(32), a);
    peer::pb::put_bytes(7, a, ack);
    EXPECT_EQ(decode_body(ack).error(), errc::malformed);
    byte_buffer ack2;
    byte_buffer a2;
    peer::pb::put_varint(1, 0, a2);
    peer::pb::put_varint(3, 5, a2);
    peer::pb::put_bytes(7, a2, ack2);
    EXPECT_EQ(decode_body(ack2).error(), errc::malformed);
    // finished with synced = 2.
    byte_buffer f;
    byte_buffer fi;
    peer::pb::put_varint(1, 2, fi);
    peer::pb::put_bytes(9, fi, f);
    EXPECT_EQ(decode_body(f).error(), errc::malformed);
}

TEST(transfer_wire, unknown_fields_inside_messages_are_ignored)
{
    byte_buffer inner;
    peer::pb::put_varint(1, 3, inner);
    peer::pb::put_varint(2, 4, inner);
    peer::pb::put_string(77, "future", inner);
    byte_buffer body;
    peer::pb::put_bytes(8, inner, body);
    peer::pb::put_string(99, "future message", body);
    auto m = decode_body(body);
    ASSERT_TRUE(m);
    EXPECT_EQ(std::get<done>(m.value()), (done{3, 4}));
}

TEST(transfer_wire, batch_entry_limit_n_and_n_plus_one)
{
    manifest_batch b;
    b.entries.assign(max_batch_entries, entry{"a", kind_file, 1, 0644, 1, 0});
    byte_buffer out;
    encode(message{b}, out);
    auto d = decode(out);
    ASSERT_TRUE(d);
    EXPECT_EQ(std::get<manifest_batch>(*d.value().message).entries.size(), max_batch_entries);
    b.entries.push_back(b.entries.back());
    out.clear();
    encode(message{b}, out);
    EXPECT_EQ(decode(out).error(), errc::limit_exceeded);
}

TEST(transfer_wire, string_limits_n_and_n_plus_one)
{
    entry e{std::string(max_path_size, 'a'), kind_file, 0, 0, 0, 0};
    byte_buffer out;
    encode(message{manifest_batch{{e}}}, out);
    EXPECT_TRUE(decode(out));
    e.path.push_back('a');
    out.clear();
    encode(message{manifest_batch{{e}}}, out);
    EXPECT_EQ(decode(out).error(), errc::limit_exceeded);

    hello h;
    h.capabilities.assign(max_capabilities, std::string(max_capability_size, 'c'));
    h.agent = std::string(max_agent_size, 'x');
    out.clear();
    encode(message{h}, out);
    EXPECT_TRUE(decode(out));
    auto h2 = h;
    h2.capabilities.push_back("one-more");
    out.clear();
    encode(message{h2}, out);
    EXPECT_EQ(decode(out).error(), errc::limit_exceeded);
    auto h3 = h;
    h3.capabilities[0].push_back('c');
    out.clear();
    encode(message{h3}, out);
    EXPECT_EQ(decode(out).error(), errc::limit_exceeded);
    auto h4 = h;
    h4.agent.push_back('x');
    out.clear();
    encode(message{h4}, out);
    EXPECT_EQ(decode(out).error(), errc::limit_exceeded);

    reject r{1, std::string(max_text_size, 'r')};
    out.clear();
    encode(message{r}, out);
    EXPECT_TRUE(decode(out));
    r.message.push_back('r');
    out.clear();
    encode(message{r}, out);
    EXPECT_EQ(decode(out).error(), errc::limit_exceeded);
}

TEST(transfer_wire, segment_length_limit_n_and_n_plus_one)
{
    byte_buffer out;
    encode(message{data_header{0, 0, max_segment_size, true}}, out);
    EXPECT_TRUE(decode(out));
    out.clear();
    encode(message{data_header{0, 0, max_segment_size + 1, true}}, out);
    EXPECT_EQ(decode(out).error(), errc::limit_exceeded);
}

TEST(transfer_wire, data_header_fits_the_reserved_room)
{
    byte_buffer out;
    encode(message{data_header{~0ull >> 1, ~0ull >> 1, max_segment_size, true}}, out);
    EXPECT_LE(out.size(), max_data_header_size);
}

TEST(transfer_wire, seeded_random_entries_round_trip)
{
    std::uint64_t x = 0x9e3779b97f4a7c15ull;
    auto rnd = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (int round = 0; round < 200; ++round) {
        manifest_batch b;
        auto n = rnd() % 20;
        for (std::uint64_t i = 0; i < n; ++i) {
            entry e;
            auto len = 1 + rnd() % 40;
            for (std::uint64_t k = 0; k < len; ++k) {
                e.path.push_back(static_cast<char>(rnd() & 0xff));
            }
            e.kind = static_cast<std::uint32_t>(rnd() % 4);
            e.size = rnd() >> (rnd() % 64);
            e.mode = static_cast<std::uint32_t>(rnd());
            e.mtime_sec = static_cast<std::int64_t>(rnd());
            e.mtime_nsec = static_cast<std::uint32_t>(rnd() % 1000000000);
            b.entries.push_back(std::move(e));
        }
        byte_buffer out;
        encode(message{b}, out);
        auto d = decode(out);
        ASSERT_TRUE(d);
        EXPECT_EQ(std::get<manifest_batch>(*d.value().message), b);
    }
}

} // namespace
} // namespace pcp::p2p::transfer
