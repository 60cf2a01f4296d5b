// SPDX-License-Identifier: MIT
// Two Noise machines over a simulated byte-stream link under a manual clock (STYLE §F, ngtcp2's
// sim.h in miniature): each direction delivers bytes in order but in seeded random chunks after a
// seeded latency, as TCP would. The handshake must complete for every seed, leftover bytes after
// the last handshake message must reach the transport, and seeded bulk data must survive intact.
#include <deque>
#include <random>

#include <gtest/gtest.h>

#include "engine/clock.hpp"
#include "p2p/noise/machine.hpp"
#include "tests/p2p/noise/noise_test_util.hpp"

namespace pcp::p2p::noise {
namespace {

/// One direction of a stream link: in order, random chunking, random per-chunk latency.
class sim_link {
public:
    sim_link(std::mt19937_64& rng) : rng_(rng) {}
    void send(instant now, bytes_view data)
    {
        std::size_t pos = 0;
        while (pos < data.size()) {
            auto n = std::min<std::size_t>(data.size() - pos, 1 + rng_() % 3000);
            auto latency = std::chrono::microseconds(100 + rng_() % 5000);
            auto at = std::max(now + latency, last_);
            last_ = at;
            in_flight_.push_back(
                {at, byte_buffer(data.begin() + static_cast<std::ptrdiff_t>(pos),
                                 data.begin() + static_cast<std::ptrdiff_t>(pos + n))});
            pos += n;
        }
    }
    /// Bytes whose delivery time has come, appended to `out`.
    void deliver(instant now, byte_buffer& out)
    {
        while (!in_flight_.empty() && in_flight_.front().at <= now) {
            append(out, in_flight_.front().bytes);
            in_flight_.pop_front();
        }
    }
    [[nodiscard]] std::optional<instant> next() const
    {
        return in_flight_.empty() ? std::nullopt : std::optional(in_flight_.front().at);
    }

private:
    struct chunk {
        instant at;
        byte_buffer bytes;
    };
    std::mt19937_64& rng_;
    std::deque<chunk> in_flight_;
    instant last_{};
};

/// A node: a handshake machine, then transport states; received plaintext accumulates.
struct sim_node {
    handshake hs;
    std::optional<transport_state> ts;
    byte_buffer inbox; // received, not yet consumed bytes
    byte_buffer received_plaintext;

    void on_bytes(instant now, sim_link& out)
    {
        if (!ts) {
            auto used = hs.handle_input(inbox);
            ASSERT_TRUE(used) << used.error().message();
            inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(used.value()));
            byte_buffer wire;
            while (hs.poll_transmit(wire)) {
            }
            if (!wire.empty()) {
                out.send(now, wire);
            }
            if (hs.is_complete()) {
                ts.emplace(hs.split().value());
            }
        }
        if (ts) {
            std::size_t pos = 0;
            for (;;) {
                auto d = ts->recv.open_frame(std::span(inbox).subspan(pos));
                ASSERT_TRUE(d) << d.error().message();
                if (!d.value().complete()) {
                    break;
                }
                append(received_plaintext, *d.value().message);
                pos += d.value().consumed;
            }
            inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(pos));
        }
    }
};

void run_seed(std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    manual_clock clock;
    auto id_a = peer::ed25519_keypair::generate();
    auto id_b = peer::ed25519_keypair::generate();
    std::vector<std::string> mux_a =
        (seed % 3 == 0) ? std::vector<std::string>{} : std::vector<std::string>{"/yamux/1.0.0"};
    sim_node a{
        handshake(test::make_config(role::initiator, id_a, rng, mux_a, id_b.id())), {}, {}, {}};
    sim_node b{handshake(test::make_config(role::responder, id_b, rng)), {}, {}, {}};
    sim_link a_to_b(rng), b_to_a(rng);

    // The initiator sends msg 1 at time zero.
    a.on_bytes(clock.now(), a_to_b);

    // Bulk data each side sends as soon as it has transport keys (the initiator right after msg 3,
    // so its first frames typically share a chunk with msg 3).
    byte_buffer data_a(rng() % 300000), data_b(rng() % 200000);
    for (auto& x : data_a) {
        x = static_cast<std::byte>(rng());
    }
    for (auto& x : data_b) {
        x = static_cast<std::byte>(rng());
    }
    bool sent_a = false, sent_b = false;

    for (int steps = 0; steps < 100000; ++steps) {
        if (a.ts && !sent_a) {
            byte_buffer wire;
            ASSERT_TRUE(a.ts->send.seal_frames(data_a, wire));
            a_to_b.send(clock.now(), wire);
            sent_a = true;
        }
        if (b.ts && !sent_b) {
            byte_buffer wire;
            ASSERT_TRUE(b.ts->send.seal_frames(data_b, wire));
            b_to_a.send(clock.now(), wire);
            sent_b = true;
        }
        auto t1 = a_to_b.next();
        auto t2 = b_to_a.next();
        if (!t1 && !t2) {
            break;
        }
        clock.set(std::min(t1.value_or(instant::max()), t2.value_or(instant::max())));
        a_to_b.deliver(clock.now(), b.inbox);
        b_to_a.deliver(clock.now(), a.inbox);
        b.on_bytes(clock.now(), b_to_a);
        a.on_bytes(clock.now(), a_to_b);
        if (::testing::Test::HasFatalFailure()) {
            return;
        }
    }
    ASSERT_TRUE(a.hs.is_complete()) << "seed " << seed;
    ASSERT_TRUE(b.hs.is_complete()) << "seed " << seed;
    EXPECT_EQ(a.hs.handshake_hash(), b.hs.handshake_hash());
    EXPECT_EQ(a.hs.negotiated_muxer(), b.hs.negotiated_muxer());
    EXPECT_EQ(a.hs.negotiated_muxer().has_value(), !mux_a.empty());
    EXPECT_EQ(b.received_plaintext, data_a) << "seed " << seed;
    EXPECT_EQ(a.received_plaintext, data_b) << "seed " << seed;
    EXPECT_TRUE(a.inbox.empty());
    EXPECT_TRUE(b.inbox.empty());
}

TEST(noise_sim, handshake_and_bulk_over_chunked_link)
{
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        run_seed(seed);
        if (HasFatalFailure()) {
            FAIL() << "seed " << seed;
        }
    }
}

} // namespace
} // namespace pcp::p2p::noise
