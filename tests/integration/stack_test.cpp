// SPDX-License-Identifier: MIT
// The connection stack piece by piece over the in-memory stream pair: multistream-select with
// optimistic data, Noise (both directions, identity checks), and yamux streams on top.
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "p2p/host/upgrader.hpp"
#include "p2p/multistream/service.hpp"
#include "p2p/noise/service.hpp"
#include "transport/memory/memory_stream.hpp"

#include <gtest/gtest.h>

namespace pcp {
namespace {

using namespace p2p;

struct noise_result {
    bool done = false;
    std::string error;
    peer::peer_id seen_by_dialer;
    peer::peer_id seen_by_listener;
    std::optional<std::string> muxer;
    std::string echoed;
};

task<void> noise_listener(std::unique_ptr<transport::stream> s, const peer::ed25519_keypair& id, noise_result& r)
{
    noise::handshake_options opts{.side = noise::role::responder, .expected_remote = std::nullopt, .muxers = {"/yamux/1.0.0"}};
    auto sec = co_await noise::secure(std::move(s), id, opts);
    if (!sec) {
        r.error = "listener: " + sec.error().message();
        co_return;
    }
    r.seen_by_listener = sec.value()->info().remote_peer;
    std::byte buf[64];
    auto n = co_await sec.value()->read_some(buf);
    if (n && n.value() > 0) {
        auto w = co_await sec.value()->write_all(bytes_view(buf, n.value()));
        (void)w;
    }
}

task<void> noise_dialer(std::unique_ptr<transport::stream> s, const peer::ed25519_keypair& id, peer::peer_id expect,
                        noise_result& r, engine::core_pool& pool)
{
    noise::handshake_options opts{.side = noise::role::initiator, .expected_remote = expect, .muxers = {"/yamux/1.0.0"}};
    auto sec = co_await noise::secure(std::move(s), id, opts);
    if (!sec) {
        r.error = "dialer: " + sec.error().message();
        pool.stop();
        co_return;
    }
    r.seen_by_dialer = sec.value()->info().remote_peer;
    r.muxer = sec.value()->info().muxer;
    auto w = co_await sec.value()->write_all(as_bytes("hello noise"));
    std::byte buf[11];
    auto rd = co_await transport::read_exact(*sec.value(), buf);
    if (w && rd) {
        r.echoed.assign(as_chars(bytes_view(buf, 11)));
        r.done = true;
    } else {
        r.error = "dialer io failed";
    }
    pool.stop();
}

TEST(stack, noise_over_memory_pair_authenticates_both_ends)
{
    engine::core_pool pool({.cores = 2});
    auto a_id = peer::ed25519_keypair::generate();
    auto b_id = peer::ed25519_keypair::generate();
    auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(1));
    noise_result r;
    asio::co_spawn(pool.executor(1), noise_listener(std::move(b), b_id, r), asio::detached);
    asio::co_spawn(pool.executor(0), noise_dialer(std::move(a), a_id, b_id.id(), r, pool), asio::detached);
    pool.run();
    pool.join();
    ASSERT_TRUE(r.done) << r.error;
    EXPECT_EQ(r.seen_by_dialer, b_id.id());
    EXPECT_EQ(r.seen_by_listener, a_id.id());
    EXPECT_EQ(r.muxer, std::optional<std::string>("/yamux/1.0.0"));
    EXPECT_EQ(r.echoed, "hello noise");
}

TEST(stack, noise_dialer_rejects_the_wrong_peer_id)
{
    engine::core_pool pool({.cores = 1});
    auto a_id = peer::ed25519_keypair::generate();
    auto b_id = peer::ed25519_keypair::generate();
    auto someone_else = peer::ed25519_keypair::generate();
    auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(0));
    noise_result r;
    asio::co_spawn(pool.executor(0), noise_listener(std::move(b), b_id, r), asio::detached);
    asio::co_spawn(pool.executor(0), noise_dialer(std::move(a), a_id, someone_else.id(), r, pool), asio::detached);
    pool.run();
    EXPECT_FALSE(r.done);
    EXPECT_NE(r.error.find("dialer"), std::string::npos) << r.error;
}

struct ms_result {
    std::string dialer_proto;
    std::string listener_proto;
    std::string app_bytes;
    std::string error;
};

task<void> ms_listener(std::unique_ptr<transport::stream> s, ms_result& r)
{
    std::vector<std::string> protos{"/a/1", "/b/1"};
    auto n = co_await multistream::select_inbound(std::move(s), std::move(protos));
    if (!n) {
        r.error = n.error().message();
        co_return;
    }
    r.listener_proto = n.value().protocol;
    std::byte buf[5];
    auto rd = co_await transport::read_exact(*n.value().stream, buf);
    if (rd) {
        r.app_bytes.assign(as_chars(bytes_view(buf, 5)));
    }
}

task<void> ms_dialer(std::unique_ptr<transport::stream> s, ms_result& r, engine::core_pool& pool)
{
    std::vector<std::string> protos{"/c/1", "/b/1"};
    auto n = co_await multistream::select_outbound(std::move(s), std::move(protos));
    if (n) {
        r.dialer_proto = n.value().protocol;
        auto w = co_await n.value().stream->write_all(as_bytes("data!"));
        (void)w;
        co_await engine::sleep_for(std::chrono::milliseconds(20));
    } else {
        r.error = n.error().message();
    }
    pool.stop();
}

TEST(stack, multistream_falls_back_after_na_and_hands_over_the_tail)
{
    engine::core_pool pool({.cores = 1});
    auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(0));
    ms_result r;
    asio::co_spawn(pool.executor(0), ms_listener(std::move(b), r), asio::detached);
    asio::co_spawn(pool.executor(0), ms_dialer(std::move(a), r, pool), asio::detached);
    pool.run();
    EXPECT_EQ(r.dialer_proto, "/b/1") << r.error;
    EXPECT_EQ(r.listener_proto, "/b/1");
    EXPECT_EQ(r.app_bytes, "data!");
}

} // namespace
} // namespace pcp
