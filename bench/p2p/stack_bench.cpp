// SPDX-License-Identifier: MIT
// The libp2p stack's cost: Noise transport frames (seal+open per frame size), yamux framing, the
// zero-copy Noise+yamux data path in memory (one core), and end to end Noise+yamux throughput over
// loopback TCP between two in-process hosts (two cores).
#include "crypto/crc32c.hpp"
#include "crypto/sha256.hpp"
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "p2p/host/host.hpp"
#include "p2p/noise/machine.hpp"
#include "p2p/transfer/wire.hpp"
#include "p2p/yamux/machine.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {
using namespace pcp;
using namespace pcp::p2p;

void bm_noise_seal_open(benchmark::State& state)
{
    const auto len = static_cast<std::size_t>(state.range(0));
    std::array<std::byte, 32> key{};
    key[0] = std::byte{1};
    noise::cipher_state tx(key), rx(key);
    std::vector<std::byte> plain(len, std::byte{7});
    std::vector<std::byte> frame(len + noise::frame_header_size + noise::tag_size);
    for (auto _ : state) {
        std::copy(plain.begin(), plain.end(), frame.begin() + noise::frame_header_size);
        auto n = tx.seal_in_place(frame, len);
        auto body = std::span(frame).subspan(noise::frame_header_size, len + noise::tag_size);
        auto m = rx.open_in_place(body);
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(m);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * len));
}
BENCHMARK(bm_noise_seal_open)->Arg(1024)->Arg(16384)->Arg(65519);

// The per-file check of the transfer: CRC-32C (what it uses) against SHA-256 (what it used).
void bm_file_check_crc32c(benchmark::State& state)
{
    std::vector<std::byte> data(static_cast<std::size_t>(state.range(0)), std::byte{7});
    for (auto _ : state) {
        crypto::crc32c c;
        c.update(data);
        benchmark::DoNotOptimize(c.value());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
    state.SetLabel(crypto::crc32c_hardware() ? "sse4.2" : "table");
}
BENCHMARK(bm_file_check_crc32c)->Arg(65536);

void bm_file_check_sha256(benchmark::State& state)
{
    std::vector<std::byte> data(static_cast<std::size_t>(state.range(0)), std::byte{7});
    for (auto _ : state) {
        benchmark::DoNotOptimize(crypto::sha256(data));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(bm_file_check_sha256)->Arg(65536);

// The manifest codec: one full batch (1024 entries with paths like a source tree's) encoded and
// decoded; entries per second is what 10,000 small files cost in manifest work.
void bm_manifest_codec(benchmark::State& state)
{
    transfer::manifest_batch batch;
    for (std::uint32_t i = 0; i < transfer::max_batch_entries; ++i) {
        batch.entries.push_back(transfer::entry{"project/src/module" + std::to_string(i % 37) + "/file_" + std::to_string(i) + ".cpp",
                                                transfer::kind_file, 1024u + i * 7u, 0644, 1764000000 + i, i * 1000u});
    }
    const transfer::message msg{batch};
    byte_buffer out;
    std::size_t bytes = 0;
    for (auto _ : state) {
        out.clear();
        transfer::encode(msg, out);
        auto d = transfer::decode(out);
        benchmark::DoNotOptimize(d);
        bytes += out.size();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.entries.size()));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(bm_manifest_codec);

void bm_yamux_frames(benchmark::State& state)
{
    const std::size_t chunk = 64 * 1024;
    yamux::config cfg;
    cfg.measure_rtt = false;
    std::vector<std::byte> data(chunk, std::byte{3});
    std::vector<std::byte> sink(chunk);
    for (auto _ : state) {
        auto now = steady::now();
        yamux::session a(yamux::role::client, cfg, now), b(yamux::role::server, cfg, now);
        auto id = a.open_stream().value();
        std::size_t moved = 0;
        byte_buffer wire;
        while (moved < (16u << 20)) {
            auto n = a.send(id, data);
            wire.clear();
            while (a.poll_transmit(wire)) {
            }
            auto in = b.handle_input(wire, now);
            benchmark::DoNotOptimize(in);
            while (auto ev = b.poll_event()) {
                if (ev->type == yamux::event_type::stream_readable) {
                    for (;;) {
                        auto r = b.read(ev->id, sink);
                        if (!r || r.value() == 0) {
                            break;
                        }
                    }
                }
            }
            wire.clear();
            while (b.poll_transmit(wire)) {
            }
            auto back = a.handle_input(wire, now);
            benchmark::DoNotOptimize(back);
            moved += n ? n.value() : 0;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (16u << 20)));
}
BENCHMARK(bm_yamux_frames)->Unit(benchmark::kMillisecond);

/// The user-space data path of one stream without sockets or coroutines, on one core, as the
/// services run it: the writer's bytes are lent to yamux, poll_transmit writes frames into Noise
/// frame rooms of a send batch, each frame is sealed in place; the receiver opens each frame in
/// place and feeds the plaintext to yamux, which copies Data payload straight into the reader's
/// lent buffer. Window updates go back unencrypted. Arg: the writer's write size.
void bm_noise_yamux_framing(benchmark::State& state)
{
    const auto write_size = static_cast<std::size_t>(state.range(0));
    const std::size_t total = 64u << 20;
    yamux::config cfg;
    cfg.measure_rtt = false;
    std::array<std::byte, 32> k{};
    k[0] = std::byte{1};
    std::vector<std::byte> data(write_size, std::byte{7});
    std::vector<std::byte> sink(256 * 1024);
    std::vector<std::byte> batch(4 * noise::max_frame_size);
    byte_buffer back;
    for (auto _ : state) {
        const auto now = steady::now();
        noise::cipher_state seal(k);
        noise::cipher_state open(k);
        yamux::session a(yamux::role::client, cfg, now);
        yamux::session b(yamux::role::server, cfg, now);
        const auto id = a.open_stream().value();
        std::size_t received = 0;
        std::size_t sent = 0;
        while (received < total) {
            if (sent < total && !a.info(id)->lent) {
                (void)a.take_back(id);
                (void)a.lend(id, data);
                sent += data.size();
            }
            // Sender: fill one batch of Noise frames.
            std::size_t used = 0;
            while (batch.size() - used >= noise::max_frame_size) {
                auto room = std::span(batch).subspan(used + noise::frame_header_size, noise::max_plaintext_size);
                const std::size_t n = a.poll_transmit(room);
                if (n == 0) {
                    break;
                }
                used += seal.seal_in_place(std::span(batch).subspan(used), n).value();
            }
            // Receiver: open in place, feed yamux, take what landed in the lent buffer.
            (void)b.lend_read(id, sink);
            for (std::size_t pos = 0; pos < used;) {
                auto d = open.open_frame(std::span(batch).subspan(pos, used - pos)).value();
                (void)b.handle_input(*d.message, now);
                pos += d.consumed;
            }
            received += b.take_read(id);
            for (std::size_t r; (r = b.read(id, sink).value()) > 0;) {
                received += r;
            }
            while (b.poll_event()) {
            }
            back.clear();
            while (b.poll_transmit(back)) {
            }
            (void)a.handle_input(back, now);
            while (a.poll_event()) {
            }
        }
        benchmark::DoNotOptimize(received);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total));
}
BENCHMARK(bm_noise_yamux_framing)->Arg(16 * 1024)->Arg(64 * 1024)->Arg(256 * 1024)->Unit(benchmark::kMillisecond);

constexpr std::string_view sink_protocol = "/pcp-bench/sink/1.0.0";

task<void> sink_impl(std::unique_ptr<transport::stream> s)
{
    std::vector<std::byte> buf(256 * 1024);
    for (;;) {
        auto n = co_await s->read_some(buf);
        if (!n || n.value() == 0) {
            break;
        }
    }
    auto c = co_await s->close_write();
    (void)c;
}

task<void> sink_handler(std::shared_ptr<host::connection>, std::unique_ptr<transport::stream> s)
{
    return sink_impl(std::move(s));
}

struct run_result {
    bool ok = false;
};

task<void> send_bytes(host::host& client, peer::multiaddr target, std::uint64_t bytes, std::size_t write_size,
                      run_result& r, engine::core_pool& pool)
{
    std::vector<peer::multiaddr> addrs{target};
    auto c = co_await client.connect(std::move(addrs));
    if (c) {
        std::vector<std::string> protos{std::string(sink_protocol)};
        auto s = co_await c.value()->open_stream(std::move(protos));
        if (s) {
            std::vector<std::byte> buf(write_size, std::byte{9});
            std::uint64_t sent = 0;
            bool ok = true;
            while (ok && sent < bytes) {
                ok = bool(co_await s.value().stream->write_all(buf));
                sent += buf.size();
            }
            auto cw = co_await s.value().stream->close_write();
            std::byte b[1];
            auto end = co_await s.value().stream->read_some(b); // wait for the sink's FIN
            r.ok = ok && cw && end && end.value() == 0;
        }
        c.value()->close();
    }
    pool.stop();
}

void bm_noise_yamux_loopback(benchmark::State& state)
{
    const std::uint64_t bytes = 512ull << 20;
    const auto write_size = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        engine::core_pool pool({.cores = 2});
        host::host_config cfg;
        cfg.listen.push_back(peer::multiaddr::from_string("/ip4/127.0.0.1/tcp/0").value());
        host::host server(pool, peer::ed25519_keypair::generate(), cfg);
        server.handle(std::string(sink_protocol), &sink_handler);
        if (!server.start()) {
            state.SkipWithError("listen failed");
            return;
        }
        host::host client(pool, peer::ed25519_keypair::generate(), {});
        run_result r;
        auto target = server.listen_addrs()[0].with_peer(server.id()).value();
        // The client runs on core 1 so that sender and receiver use different cores.
        asio::co_spawn(pool.executor(1), send_bytes(client, target, bytes, write_size, r, pool), asio::detached);
        pool.run();
        pool.join();
        if (!r.ok) {
            state.SkipWithError("transfer failed");
            return;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(bm_noise_yamux_loopback)->Arg(64 * 1024)->Arg(256 * 1024)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
