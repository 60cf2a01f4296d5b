// SPDX-License-Identifier: MIT
// pcp_loadgen: many concurrent libp2p connections against one node (issue 7, load test).
// Each connection is a separate pcp host with its own Ed25519 identity (so nothing is deduplicated)
// dialing the target over TCP → multistream → Noise XX → yamux; identify runs both ways as with
// any peer. Once every dial has finished, every connection pings the node over one
// /ipfs/ping/1.0.0 stream for --duration seconds, then closes (GoAway). All of it runs on a small
// core_pool (--cores, default 2).
//   pcp_loadgen --target /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW… [-n 1000] [--duration 5]
//               [--interval 0.2] [--dial-concurrency 64] [--timeout 10] [--cores 2]
// JSON lines on stdout: {"event":"established",…} once the dial phase is over (this is the moment
// the node holds every connection), then {"event":"done",…} with the summary. Failures are counted
// by kind, never retried. Exit 0 when the run completed (the caller judges the numbers), 2 usage.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "engine/notify.hpp"
#include "p2p/host/host.hpp"
#include "p2p/ping/service.hpp"

namespace {

using namespace pcp;
using json = nlohmann::ordered_json;

struct options {
    std::string target;
    std::size_t connections = 1000;
    double duration_s = 5.0;
    double interval_s = 0.2;
    std::size_t dial_concurrency = 64;
    double timeout_s = 10.0;
    std::size_t cores = 2;
};

/// One client connection. Written only by the coroutines on its connection's core; read on core 0
/// once that phase has been joined (the join is a post to core 0, so the writes are visible).
struct slot {
    std::unique_ptr<p2p::host::host> host;
    std::shared_ptr<p2p::host::connection> conn;
    std::unique_ptr<transport::stream> ping_stream;
    std::optional<duration> handshake;    ///< TCP connect → yamux session ready
    std::optional<duration> failed_after; ///< dial start → failure, when the dial failed
    std::string error;                    ///< "<stage>: <message>" for the first failure
    std::vector<duration> rtts;
    bool pinged = false; ///< every ping of this connection answered, none failed
};

struct run_state {
    options opt;
    engine::core_pool& pool;
    p2p::peer::multiaddr target;
    std::vector<slot> slots;
    std::atomic<std::size_t> next_dial{0};
    // Joins, on core 0 only: tasks on any core post their completion there.
    engine::notifier joined;
    std::size_t finished = 0;
    instant ping_until{};

    run_state(options o, engine::core_pool& p, p2p::peer::multiaddr t)
        : opt(std::move(o)), pool(p), target(std::move(t)), slots(opt.connections), joined(p.executor(0))
    {
    }
    [[nodiscard]] duration timeout() const
    {
        return std::chrono::duration_cast<duration>(std::chrono::duration<double>(opt.timeout_s));
    }
};

void emit(const json& j)
{
    std::cout << j.dump() << std::endl;
}

/// Tell core 0 that one task finished (called from any core).
void report_finished(run_state& g)
{
    asio::post(g.pool.executor(0), [&g] {
        ++g.finished;
        g.joined.notify();
    });
}

/// On core 0: wait until `count` tasks reported.
task<void> join(run_state& g, std::size_t count)
{
    while (g.finished < count) {
        bool woken = co_await g.joined.wait();
        if (!woken) {
            co_return;
        }
    }
    g.finished = 0;
}

double ms(duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

json percentiles(std::vector<duration> v)
{
    if (v.empty()) {
        return json{{"count", 0}};
    }
    std::sort(v.begin(), v.end());
    auto at = [&v](double q) {
        auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
        return ms(v[std::min(i, v.size() - 1)]);
    };
    return json{{"count", v.size()}, {"p50", at(0.50)}, {"p99", at(0.99)}, {"max", ms(v.back())}};
}

double cpu_seconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/// Dial the next connections until none is left; each lives on this worker's core.
task<void> dial_worker(run_state& g)
{
    for (;;) {
        auto i = g.next_dial.fetch_add(1);
        if (i >= g.slots.size()) {
            break;
        }
        auto& s = g.slots[i];
        auto t0 = steady::now();
        std::vector<p2p::peer::multiaddr> addrs{g.target};
        auto dial = s.host->connect(std::move(addrs));
        auto c = co_await engine::with_timeout(std::move(dial), g.timeout());
        if (!c) {
            s.failed_after = steady::now() - t0;
            s.error = "dial: " + c.error().message();
            continue;
        }
        s.handshake = steady::now() - t0;
        s.conn = c.value();
        std::vector<std::string> protos{std::string(p2p::ping::protocol_id)};
        auto open = s.conn->open_stream(std::move(protos));
        auto st = co_await engine::with_timeout(std::move(open), g.timeout());
        if (!st) {
            s.error = "open ping stream: " + st.error().message();
            s.conn->close();
            s.conn.reset();
            continue;
        }
        s.ping_stream = std::move(st.value().stream);
    }
    report_finished(g);
}

/// Ping over the connection's stream every interval until ping_until, then close the connection.
task<void> ping_loop(run_state& g, std::size_t i)
{
    auto& s = g.slots[i];
    auto interval = std::chrono::duration_cast<duration>(std::chrono::duration<double>(g.opt.interval_s));
    // Spread the first pings over one interval so that the node sees a steady rate.
    auto offset =
        interval * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(std::max<std::size_t>(g.slots.size(), 1));
    auto first = co_await engine::sleep_for(offset);
    (void)first;
    bool failed = false;
    while (steady::now() < g.ping_until) {
        auto r = co_await p2p::ping::request(*s.ping_stream, 1, g.timeout());
        if (!r) {
            s.error = "ping: " + r.error().message();
            failed = true;
            break;
        }
        s.rtts.push_back(r.value().front());
        auto pause = co_await engine::sleep_for(interval);
        (void)pause;
    }
    s.pinged = !failed && !s.rtts.empty();
    auto cw = co_await s.ping_stream->close_write();
    (void)cw;
    s.ping_stream.reset();
    s.conn->close();
    s.conn.reset();
    report_finished(g);
}

std::size_t live_connections(run_state& g)
{
    std::size_t n = 0;
    for (auto& s : g.slots) {
        n += s.host->connection_count();
    }
    return n;
}

task<void> run_load(run_state& g, int& exit_code)
{
    auto t_start = steady::now();
    double cpu0 = cpu_seconds();
    // Phase 1: dial every connection, dial_concurrency at a time, spread over the cores.
    std::size_t workers = std::max<std::size_t>(g.opt.dial_concurrency, 1);
    for (std::size_t w = 0; w < workers; ++w) {
        asio::co_spawn(g.pool.executor(w % g.pool.size()), dial_worker(g), asio::detached);
    }
    co_await join(g, workers);
    auto t_established = steady::now();
    std::vector<duration> handshakes;
    std::vector<duration> failures;
    std::map<std::string, std::size_t> errors;
    std::size_t ok = 0;
    for (auto& s : g.slots) {
        if (s.handshake) {
            handshakes.push_back(*s.handshake);
        }
        if (s.failed_after) {
            failures.push_back(*s.failed_after);
        }
        if (s.ping_stream) {
            ++ok;
        } else {
            ++errors[s.error];
        }
    }
    emit(json{{"event", "established"},
              {"connections", g.slots.size()},
              {"established", ok},
              {"failed", g.slots.size() - ok},
              {"elapsed_s", std::chrono::duration<double>(t_established - t_start).count()},
              {"handshake_ms", percentiles(handshakes)},
              {"failed_after_ms", percentiles(failures)},
              {"errors", errors},
              {"cpu_s", cpu_seconds() - cpu0}});

    // Phase 2: ping on every established connection, then close it.
    g.ping_until =
        steady::now() + std::chrono::duration_cast<duration>(std::chrono::duration<double>(g.opt.duration_s));
    std::size_t pinging = 0;
    for (std::size_t i = 0; i < g.slots.size(); ++i) {
        if (g.slots[i].ping_stream) {
            asio::co_spawn(g.slots[i].conn->executor(), ping_loop(g, i), asio::detached);
            ++pinging;
        }
    }
    co_await join(g, pinging);

    // Phase 3: every connection is closed on our side once the node has answered the GoAway or
    // closed the socket; bounded wait.
    auto close_deadline = steady::now() + g.timeout();
    while (live_connections(g) > 0 && steady::now() < close_deadline) {
        auto w = co_await engine::sleep_for(std::chrono::milliseconds(20));
        (void)w;
    }
    std::vector<duration> rtts;
    std::size_t pinged = 0;
    std::size_t pings = 0;
    errors.clear();
    for (auto& s : g.slots) {
        rtts.insert(rtts.end(), s.rtts.begin(), s.rtts.end());
        pings += s.rtts.size();
        if (s.pinged) {
            ++pinged;
        } else {
            ++errors[s.error.empty() ? std::string("no ping answered") : s.error];
        }
    }
    auto live = live_connections(g);
    emit(json{{"event", "done"},
              {"connections", g.slots.size()},
              {"established", ok},
              {"pinged", pinged},
              {"pings", pings},
              {"rtt_ms", percentiles(std::move(rtts))},
              {"errors", errors},
              {"still_open_after_close", live},
              {"elapsed_s", std::chrono::duration<double>(steady::now() - t_start).count()},
              {"cpu_s", cpu_seconds() - cpu0}});
    exit_code = 0;
    g.pool.stop();
}

} // namespace

int main(int argc, char** argv)
{
    options opt;
    CLI::App app{"pcp_loadgen: N concurrent libp2p connections that ping one node"};
    app.add_option("--target", opt.target, "Node multiaddr with /p2p/<peer ID>")->required();
    app.add_option("-n,--connections", opt.connections, "Concurrent connections")->check(CLI::Range(1, 1 << 20));
    app.add_option("--duration", opt.duration_s, "Seconds of pinging once every dial finished")
        ->check(CLI::Range(0.0, 3600.0));
    app.add_option("--interval", opt.interval_s, "Seconds between pings on one connection")
        ->check(CLI::Range(0.001, 60.0));
    app.add_option("--dial-concurrency", opt.dial_concurrency, "Dials in flight at once")
        ->check(CLI::Range(1, 1 << 16));
    app.add_option("--timeout", opt.timeout_s, "Per dial / stream open / ping timeout, seconds")
        ->check(CLI::Range(0.1, 600.0));
    app.add_option("--cores", opt.cores, "Engine cores")->check(CLI::Range(1, 64));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (const char* l = std::getenv("PCP_LOG")) {
        spdlog::set_level(spdlog::level::from_str(l));
    } else {
        spdlog::set_level(spdlog::level::warn);
    }
    auto target = p2p::peer::multiaddr::from_string(opt.target);
    if (!target || !target.value().peer()) {
        std::fprintf(stderr, "pcp_loadgen: --target must be a multiaddr ending in /p2p/<peer ID>\n");
        return 2;
    }

    engine::core_pool pool({.cores = opt.cores});
    int exit_code = 1;
    {
        run_state g(opt, pool, target.value());
        p2p::host::host_config cfg;
        cfg.idle_timeout = duration::zero(); // the node decides; we close when done
        for (auto& s : g.slots) {
            s.host = std::make_unique<p2p::host::host>(pool, p2p::peer::ed25519_keypair::generate(), cfg);
        }
        asio::co_spawn(pool.executor(0), run_load(g, exit_code), asio::detached);
        pool.run();
        pool.join();
        // Hosts go after the engine stopped: their destructors drain what is left.
        for (auto& s : g.slots) {
            s.ping_stream.reset();
            s.conn.reset();
        }
        g.slots.clear();
    }
    return exit_code;
}
