// SPDX-License-Identifier: MIT
// secure_stream (p2p/noise/service.hpp) over a transport::memory pair on a one-core pool, against a
// raw end that seals and opens frames with its own cipher states: frame sizes of write_all, the
// zero-copy frames() output and its batch bound, read_view/read_some over any split of the
// ciphertext (the receive buffer's moves and frame-boundary reads), handshake leftovers, tampering,
// and EOF inside a frame.
#include "p2p/noise/service.hpp"

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "tests/transport/run_task.hpp"
#include "tests/p2p/noise/noise_test_util.hpp"
#include "transport/memory/memory_stream.hpp"

namespace pcp::p2p::noise {
namespace {

/// One secure end and one raw end of a socketpair; the raw end seals with `raw_send` and opens
/// with `raw_recv` (the secure end's keys, mirrored).
struct harness {
    engine::core_pool pool{{.cores = 1}};
    std::unique_ptr<secure_stream> secure;
    std::unique_ptr<transport::stream> raw;
    cipher_state raw_send{test::filled(2)};
    cipher_state raw_recv{test::filled(1)};

    explicit harness(byte_buffer leftover = {})
    {
        auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(0));
        transport_state keys{cipher_state(test::filled(1)), cipher_state(test::filled(2))};
        secure = std::make_unique<secure_stream>(std::move(a), std::move(keys), std::move(leftover), session_info{});
        raw = std::move(b);
    }

    /// Run `body` to completion (or 30 s, then the test fails).
    void run(task<void> body)
    {
        EXPECT_TRUE(pcp::test::run_until_done(pool, std::move(body), std::chrono::seconds(30))) << "timed out";
    }
};

byte_buffer pattern(std::size_t n, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    byte_buffer b(n);
    for (auto& x : b) {
        x = static_cast<std::byte>(rng());
    }
    return b;
}

/// Seal `plain` as frames of the given plaintext sizes (their sum is plain.size()).
byte_buffer seal_as(cipher_state& tx, bytes_view plain, const std::vector<std::size_t>& sizes)
{
    byte_buffer wire;
    for (auto n : sizes) {
        EXPECT_TRUE(tx.seal_frame(plain.first(n), wire));
        plain = plain.subspan(n);
    }
    return wire;
}

/// Read from the raw end and open frames until `want` plaintext bytes arrived; records each frame's
/// plaintext size.
task<void> raw_read_frames(harness& h, std::size_t want, byte_buffer& plain, std::vector<std::size_t>& sizes)
{
    byte_buffer wire;
    std::vector<std::byte> buf(100000);
    while (plain.size() < want) {
        auto n = co_await h.raw->read_some(buf);
        if (!n || n.value() == 0) {
            ADD_FAILURE() << "raw end: stream ended early";
            co_return;
        }
        wire.insert(wire.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n.value()));
        std::size_t used = 0;
        for (;;) {
            auto d = h.raw_recv.open_frame(mutable_bytes(wire).subspan(used));
            if (!d) {
                ADD_FAILURE() << "raw end: " << d.error().message();
                co_return;
            }
            if (!d.value().complete()) {
                break;
            }
            append(plain, *d.value().message);
            sizes.push_back(d.value().message->size());
            used += d.value().consumed;
        }
        wire.erase(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(used));
    }
}

task<void> secure_write_all(harness& h, std::vector<byte_buffer> msgs)
{
    for (auto& m : msgs) {
        auto w = co_await h.secure->write_all(m);
        EXPECT_TRUE(w) << w.error().message();
    }
}

task<void> write_and_check(harness& h, std::vector<byte_buffer> msgs, byte_buffer& got, std::vector<std::size_t>& sizes)
{
    std::size_t total = 0;
    for (auto& m : msgs) {
        total += m.size();
    }
    auto both = secure_write_all(h, std::move(msgs)) && raw_read_frames(h, total, got, sizes);
    co_await std::move(both);
}

TEST(noise_secure_stream, write_all_sends_largest_frames)
{
    harness h;
    const std::vector<std::size_t> lens{0, 1, max_plaintext_size, max_plaintext_size + 1, 4 * max_plaintext_size + 7,
                                        1 << 20};
    std::vector<byte_buffer> msgs;
    byte_buffer expected;
    std::vector<std::size_t> expected_sizes;
    for (std::size_t i = 0; i < lens.size(); ++i) {
        msgs.push_back(pattern(lens[i], static_cast<std::uint32_t>(i)));
        append(expected, msgs.back());
        for (std::size_t left = lens[i]; left > 0; left -= std::min(left, max_plaintext_size)) {
            expected_sizes.push_back(std::min(left, max_plaintext_size));
        }
    }
    byte_buffer got;
    std::vector<std::size_t> sizes;
    h.run(write_and_check(h, std::move(msgs), got, sizes));
    EXPECT_EQ(got, expected);
    EXPECT_EQ(sizes, expected_sizes);
}

task<void> use_frames(harness& h, byte_buffer& got, std::vector<std::size_t>& sizes)
{
    transport::frame_output* out = h.secure->frames();
    if (out == nullptr) {
        ADD_FAILURE() << "secure_stream must offer frames()";
        co_return;
    }
    // Whole largest frames until the batch is full: exactly send_batch_size / max_frame_size.
    std::size_t frames = 0;
    for (auto room = out->frame_room(); !room.empty(); room = out->frame_room()) {
        EXPECT_EQ(room.size(), max_plaintext_size);
        std::fill(room.begin(), room.end(), static_cast<std::byte>(frames));
        EXPECT_TRUE(out->commit_frame(frames == 0 ? 10 : max_plaintext_size));
        EXPECT_TRUE(out->commit_frame(0)); // nothing
        ++frames;
    }
    EXPECT_EQ(frames, send_batch_size / max_frame_size);
    auto f = co_await out->flush_frames();
    EXPECT_TRUE(f);
    // After the flush the batch is free again.
    auto room = out->frame_room();
    if (room.size() != max_plaintext_size) {
        ADD_FAILURE() << "no room after the flush";
        co_return;
    }
    std::fill_n(room.begin(), 3, std::byte{0xee});
    EXPECT_TRUE(out->commit_frame(3));
    f = co_await out->flush_frames();
    EXPECT_TRUE(f);
    const std::size_t want = 10 + (frames - 1) * max_plaintext_size + 3;
    co_await raw_read_frames(h, want, got, sizes);
}

TEST(noise_secure_stream, frames_are_sealed_in_place_and_batched)
{
    harness h;
    byte_buffer got;
    std::vector<std::size_t> sizes;
    h.run(use_frames(h, got, sizes));
    const std::size_t frames = send_batch_size / max_frame_size;
    std::vector<std::size_t> expected_sizes{10};
    byte_buffer expected(10, std::byte{0});
    for (std::size_t i = 1; i < frames; ++i) {
        expected_sizes.push_back(max_plaintext_size);
        expected.insert(expected.end(), max_plaintext_size, static_cast<std::byte>(i));
    }
    expected_sizes.push_back(3);
    expected.insert(expected.end(), 3, std::byte{0xee});
    EXPECT_EQ(sizes, expected_sizes);
    EXPECT_EQ(got, expected);
}

/// Write `wire` from the raw end in pieces of random size (1 byte up to 150 000), then FIN.
task<void> raw_write_pieces(harness& h, byte_buffer wire, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::size_t pos = 0;
    while (pos < wire.size()) {
        const std::size_t pick = rng() % 4 == 0 ? 1 + rng() % 3 : 1 + rng() % 150000;
        const std::size_t n = std::min(pick, wire.size() - pos);
        auto w = co_await h.raw->write_all(bytes_view(wire).subspan(pos, n));
        if (!w) {
            ADD_FAILURE() << "raw write: " << w.error().message();
            co_return;
        }
        pos += n;
        auto y = co_await engine::sleep_for(duration::zero()); // let the reader run
        (void)y;
    }
    auto c = co_await h.raw->close_write();
    EXPECT_TRUE(c);
}

/// Read to EOF alternating read_view and read_some (with small and large buffers).
task<void> secure_read_all(harness& h, byte_buffer& got, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::vector<std::byte> buf(70000);
    for (;;) {
        if (rng() % 2 == 0) {
            auto v = co_await h.secure->read_view(buf);
            if (!v) {
                ADD_FAILURE() << v.error().message();
                co_return;
            }
            if (v.value().empty()) {
                co_return;
            }
            append(got, v.value());
        } else {
            const std::size_t size = 1 + rng() % buf.size();
            auto n = co_await h.secure->read_some(std::span(buf).first(size));
            if (!n) {
                ADD_FAILURE() << n.error().message();
                co_return;
            }
            if (n.value() == 0) {
                co_return;
            }
            append(got, bytes_view(buf).first(n.value()));
        }
    }
}

task<void> pieces_both_ways(harness& h, byte_buffer wire, byte_buffer& got, std::uint32_t seed)
{
    auto both = raw_write_pieces(h, std::move(wire), seed) && secure_read_all(h, got, seed + 1);
    co_await std::move(both);
}

TEST(noise_secure_stream, reads_reassemble_frames_from_any_split)
{
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        SCOPED_TRACE(seed);
        // Frame sizes: largest, empty, tiny and random, so frames end everywhere in the buffer.
        std::mt19937 rng(seed);
        std::vector<std::size_t> sizes;
        std::size_t total = 0;
        for (int i = 0; i < 60; ++i) {
            const unsigned kind = rng() % 4;
            const std::size_t n =
                kind == 0 ? max_plaintext_size : (kind == 1 ? rng() % 3 : rng() % (max_plaintext_size + 1));
            sizes.push_back(n);
            total += n;
        }
        harness h;
        auto plain = pattern(total, seed);
        auto wire = seal_as(h.raw_send, plain, sizes);
        byte_buffer got;
        h.run(pieces_both_ways(h, std::move(wire), got, seed));
        EXPECT_EQ(got, plain);
    }
}

TEST(noise_secure_stream, handshake_leftover_is_read_first)
{
    // Leftover of one and a half frames (the rest follows on the socket), and a leftover larger
    // than the receive buffer (the buffer grows to hold it).
    for (std::size_t frames : {std::size_t{3}, receive_buffer_size / max_frame_size + 2}) {
        SCOPED_TRACE(frames);
        cipher_state tx{test::filled(2)};
        std::vector<std::size_t> sizes(frames, max_plaintext_size);
        auto plain = pattern(frames * max_plaintext_size, 9);
        auto wire = seal_as(tx, plain, sizes);
        const std::size_t cut = frames == 3 ? max_frame_size + max_frame_size / 2 : wire.size() - 5;
        harness h(byte_buffer(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(cut)));
        byte_buffer got;
        h.run(pieces_both_ways(h, byte_buffer(wire.begin() + static_cast<std::ptrdiff_t>(cut), wire.end()), got, 5));
        EXPECT_EQ(got, plain);
    }
}

task<void> read_until_error(harness& h, byte_buffer wire, std::size_t good_bytes, error_code expected)
{
    auto w = co_await h.raw->write_all(wire);
    auto c = co_await h.raw->close_write();
    EXPECT_TRUE(w && c);
    std::size_t got = 0;
    std::vector<std::byte> buf(1000);
    for (;;) {
        auto v = co_await h.secure->read_view(buf);
        if (!v) {
            EXPECT_EQ(v.error(), expected);
            break;
        }
        if (v.value().empty()) {
            ADD_FAILURE() << "EOF instead of an error";
            break;
        }
        got += v.value().size();
    }
    EXPECT_EQ(got, good_bytes);
    // The stream is dead from now on.
    auto again = co_await h.secure->read_some(buf);
    EXPECT_FALSE(again);
}

TEST(noise_secure_stream, tampered_frame_fails_the_stream)
{
    harness h;
    byte_buffer wire;
    ASSERT_TRUE(h.raw_send.seal_frame(as_bytes("first frame"), wire));
    const std::size_t first = wire.size();
    ASSERT_TRUE(h.raw_send.seal_frame(as_bytes("second frame"), wire));
    wire[first + 5] ^= std::byte{1};
    h.run(read_until_error(h, std::move(wire), 11, make_error_code(errc::decrypt_failed)));
}

TEST(noise_secure_stream, eof_inside_a_frame_is_truncated)
{
    harness h;
    byte_buffer wire;
    ASSERT_TRUE(h.raw_send.seal_frame(as_bytes("whole"), wire));
    ASSERT_TRUE(h.raw_send.seal_frame(as_bytes("cut short"), wire));
    wire.resize(wire.size() - 4);
    h.run(read_until_error(h, std::move(wire), 5, make_error_code(errc::truncated)));
}

} // namespace
} // namespace pcp::p2p::noise
