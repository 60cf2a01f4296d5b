// SPDX-License-Identifier: MIT
// /pcp/pake/1.0.0 service (p2p/pake/service.hpp) over a transport::memory pair on a two-core
// engine::core_pool: right code, wrong code, a silent peer (timeout) and a peer that leaves after
// the responder's share (abandoned).
#include "p2p/pake/service.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "transport/memory/memory_stream.hpp"

namespace pcp::p2p::pake {
namespace {

const byte_buffer initiator_id = to_buffer("12D3KooW-receiver");
const byte_buffer responder_id = to_buffer("12D3KooW-sender");
const byte_buffer hh = byte_buffer(32, std::byte{0x33});

struct side_result {
    bool done = false;
    std::optional<session_key> key;
    error_code error;
};

/// Both ends finished: stop the pool.
struct finish_line {
    int remaining = 2;
    engine::core_pool* pool = nullptr;
    void arrive()
    {
        // Each side runs on its own core; post to core 0 so the counter is touched by one thread.
        asio::post(pool->executor(0), [this] {
            if (--remaining == 0) {
                pool->stop();
            }
        });
    }
};

task<void> run_side(std::unique_ptr<transport::stream> s, role side, std::string password, duration timeout,
                    side_result& out, finish_line& fin)
{
    const secret pw{std::string_view(password)};
    auto r = co_await run(*s, side, pw, initiator_id, responder_id, hh, timeout);
    if (r) {
        out.key.emplace(std::move(r.value()));
    } else {
        out.error = r.error();
    }
    out.done = true;
    fin.arrive();
}

/// A peer that sends `script` (if any), then waits `linger` and closes.
task<void> scripted_peer(std::unique_ptr<transport::stream> s, byte_buffer script, duration linger, finish_line& fin)
{
    if (!script.empty()) {
        auto w = co_await s->write_all(script);
        (void)w;
    }
    auto ec = co_await engine::sleep_for(linger);
    (void)ec;
    s->abort();
    fin.arrive();
}

struct pair_result {
    side_result initiator;
    side_result responder;
};

pair_result run_pair(const std::string& pw_initiator, const std::string& pw_responder)
{
    engine::core_pool pool({.cores = 2});
    auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(1));
    pair_result r;
    finish_line fin{2, &pool};
    asio::co_spawn(pool.executor(1),
                   run_side(std::move(b), role::responder, pw_responder, std::chrono::seconds(10), r.responder, fin),
                   asio::detached);
    asio::co_spawn(pool.executor(0),
                   run_side(std::move(a), role::initiator, pw_initiator, std::chrono::seconds(10), r.initiator, fin),
                   asio::detached);
    pool.run();
    pool.join();
    return r;
}

TEST(pake_service, right_code_gives_equal_keys)
{
    auto r = run_pair("4-orbit-maple-tunnel", "4-orbit-maple-tunnel");
    ASSERT_TRUE(r.initiator.done && r.responder.done);
    ASSERT_TRUE(r.initiator.key) << r.initiator.error.message();
    ASSERT_TRUE(r.responder.key) << r.responder.error.message();
    EXPECT_TRUE(r.initiator.key->equals(r.responder.key->bytes()));
}

TEST(pake_service, wrong_code_fails_on_both_sides)
{
    auto r = run_pair("4-orbit-maple-tunnel", "4-orbit-maple-funnel");
    ASSERT_TRUE(r.initiator.done && r.responder.done);
    EXPECT_FALSE(r.initiator.key);
    EXPECT_FALSE(r.responder.key);
    EXPECT_EQ(r.initiator.error, errc::wrong_code) << r.initiator.error.message();
    EXPECT_EQ(r.responder.error, errc::wrong_code) << r.responder.error.message();
    EXPECT_TRUE(counts_as_attempt(r.responder.error));
}

TEST(pake_service, silent_peer_times_out)
{
    engine::core_pool pool({.cores = 2});
    auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(1));
    side_result res;
    finish_line fin{2, &pool};
    asio::co_spawn(pool.executor(1),
                   run_side(std::move(b), role::responder, "pw-1234", std::chrono::milliseconds(200), res, fin),
                   asio::detached);
    asio::co_spawn(pool.executor(0), scripted_peer(std::move(a), {}, std::chrono::milliseconds(600), fin),
                   asio::detached);
    pool.run();
    pool.join();
    ASSERT_TRUE(res.done);
    EXPECT_EQ(res.error, pcp::errc::timed_out) << res.error.message();
    EXPECT_FALSE(counts_as_attempt(res.error));
}

TEST(pake_service, peer_leaving_after_the_share_costs_an_attempt)
{
    // A hostile initiator: sends a valid message 1, reads message 2 (and could test one guess),
    // then goes silent and finally disconnects.
    config cfg;
    cfg.role = role::initiator;
    cfg.password = as_bytes("a guess");
    cfg.initiator_peer = initiator_id;
    cfg.responder_peer = responder_id;
    cfg.session_id = hh;
    cfg.scalar_random.fill(std::byte{9});
    machine guesser(cfg);
    byte_buffer msg1;
    while (guesser.poll_transmit(msg1)) {
    }

    for (auto linger : {std::chrono::milliseconds(600), std::chrono::milliseconds(0)}) {
        engine::core_pool pool({.cores = 2});
        auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(1));
        side_result res;
        finish_line fin{2, &pool};
        asio::co_spawn(
            pool.executor(1),
            run_side(std::move(b), role::responder, "the-real-code", std::chrono::milliseconds(200), res, fin),
            asio::detached);
        asio::co_spawn(pool.executor(0), scripted_peer(std::move(a), msg1, linger, fin), asio::detached);
        pool.run();
        pool.join();
        ASSERT_TRUE(res.done);
        EXPECT_EQ(res.error, errc::abandoned) << res.error.message();
        EXPECT_TRUE(counts_as_attempt(res.error));
    }
}

} // namespace
} // namespace pcp::p2p::pake
