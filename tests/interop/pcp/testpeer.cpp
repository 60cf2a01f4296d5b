// SPDX-License-Identifier: MIT
// pcp_testpeer: the pcp side of the js interop data tests. It is the same host, Noise, yamux and
// multistream code as `pcp`, plus the three test protocols of tests/interop/js/peer.mjs, with the
// same command line and JSON output:
//   pcp_testpeer listen [--listen MA]...
//   pcp_testpeer dial MA [--ping N] [--identify] [--echo B] [--sink B] [--source B] [--streams K]
//                        [--seed S] [--timeout SECONDS]
// Exit: 0 when every check passed, 1 otherwise, 2 usage.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "crypto/sha256.hpp"
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "engine/signals.hpp"
#include "p2p/host/host.hpp"
#include "p2p/ping/service.hpp"

namespace {

using namespace pcp;
using json = nlohmann::ordered_json;

constexpr std::string_view echo_protocol = "/pcp-test/echo/1.0.0";
constexpr std::string_view sink_protocol = "/pcp-test/sink/1.0.0";
constexpr std::string_view source_protocol = "/pcp-test/source/1.0.0";

void emit(const json& j)
{
    std::cout << j.dump() << std::endl;
}

/// xorshift64* byte generator shared with peer.mjs (tests/interop/js/README.md).
class byte_gen {
public:
    explicit byte_gen(std::uint64_t seed) : s_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
    void fill(std::span<std::byte> out)
    {
        for (auto& b : out) {
            if (avail_ == 0) {
                s_ ^= s_ >> 12;
                s_ ^= s_ << 25;
                s_ ^= s_ >> 27;
                cur_ = s_ * 0x2545F4914F6CDD1Dull;
                avail_ = 8;
            }
            b = static_cast<std::byte>(cur_ & 0xff);
            cur_ >>= 8;
            --avail_;
        }
    }

private:
    std::uint64_t s_;
    std::uint64_t cur_ = 0;
    int avail_ = 0;
};

std::string hex(const crypto::sha256_digest& d)
{
    return to_hex(bytes_view(d.data(), d.size()));
}

struct hashed {
    std::uint64_t bytes = 0;
    std::string sha256;
};

task<result<hashed>> read_all_hashed(transport::stream& s)
{
    crypto::sha256_hasher h;
    std::vector<std::byte> buf(64 * 1024);
    hashed out;
    for (;;) {
        PCP_CO_TRY(auto n, co_await s.read_some(buf));
        if (n == 0) {
            break;
        }
        h.update(bytes_view(buf.data(), n));
        out.bytes += n;
    }
    out.sha256 = hex(h.finish());
    co_return out;
}

task<result<std::string>> write_generated(transport::stream& s, std::uint64_t n, std::uint64_t seed, bool close)
{
    byte_gen gen(seed);
    crypto::sha256_hasher h;
    std::vector<std::byte> buf(64 * 1024);
    while (n > 0) {
        auto len = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
        gen.fill(std::span(buf.data(), len));
        h.update(bytes_view(buf.data(), len));
        PCP_CO_TRY(co_await s.write_all(bytes_view(buf.data(), len)));
        n -= len;
    }
    if (close) {
        PCP_CO_TRY(co_await s.close_write());
    }
    co_return hex(h.finish());
}

task<result<std::string>> read_line(transport::stream& s, std::size_t max)
{
    std::string line;
    std::byte c{};
    while (line.size() < max) {
        PCP_CO_TRY(auto n, co_await s.read_some(std::span(&c, 1)));
        if (n == 0 || c == std::byte{'\n'}) {
            co_return line;
        }
        line.push_back(static_cast<char>(c));
    }
    co_return make_error_code(boost::system::errc::message_size);
}

// ---- listener side -------------------------------------------------------------------------

task<void> serve_echo(std::shared_ptr<p2p::host::connection> c, std::unique_ptr<transport::stream> s)
{
    std::vector<std::byte> buf(64 * 1024);
    std::uint64_t total = 0;
    std::string error;
    for (;;) {
        auto n = co_await s->read_some(buf);
        if (!n) {
            error = n.error().message();
            break;
        }
        if (n.value() == 0) {
            break;
        }
        total += n.value();
        auto w = co_await s->write_all(bytes_view(buf.data(), n.value()));
        if (!w) {
            error = w.error().message();
            break;
        }
    }
    auto cw = co_await s->close_write();
    (void)cw;
    json j{{"event", "echo"}, {"peer", c->remote_peer().to_string()}, {"bytes", total}};
    if (!error.empty()) {
        j["error"] = error;
    }
    emit(j);
}

task<void> serve_sink(std::shared_ptr<p2p::host::connection> c, std::unique_ptr<transport::stream> s)
{
    auto r = co_await read_all_hashed(*s);
    if (!r) {
        emit({{"event", "sink"}, {"peer", c->remote_peer().to_string()}, {"error", r.error().message()}});
        co_return;
    }
    std::string line = json{{"bytes", r.value().bytes}, {"sha256", r.value().sha256}}.dump() + "\n";
    auto w = co_await s->write_all(as_bytes(line));
    auto cw = co_await s->close_write();
    (void)w;
    (void)cw;
    emit({{"event", "sink"}, {"peer", c->remote_peer().to_string()}, {"bytes", r.value().bytes}, {"sha256", r.value().sha256}});
}

task<void> serve_source(std::shared_ptr<p2p::host::connection> c, std::unique_ptr<transport::stream> s)
{
    auto line = co_await read_line(*s, 4096);
    json req = line ? json::parse(line.value(), nullptr, false) : json();
    if (!req.is_object() || !req.contains("bytes") || !req.contains("seed")) {
        emit({{"event", "source"}, {"peer", c->remote_peer().to_string()}, {"error", "bad request"}});
        s->abort();
        co_return;
    }
    auto n = req["bytes"].get<std::uint64_t>();
    auto seed = req["seed"].get<std::uint64_t>();
    auto r = co_await write_generated(*s, n, seed, true);
    json j{{"event", "source"}, {"peer", c->remote_peer().to_string()}, {"bytes", n}, {"seed", seed}};
    if (r) {
        j["sha256"] = r.value();
    } else {
        j["error"] = r.error().message();
    }
    emit(j);
}


task<void> stop_on_signal(engine::core_pool& pool, p2p::host::host& h)
{
    auto sig = co_await engine::wait_for_shutdown_signal();
    emit({{"event", "stopped"}, {"reason", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
    h.stop();
    co_await engine::sleep_for(std::chrono::milliseconds(100));
    pool.stop();
}

int run_listen(const std::vector<std::string>& listen)
{
    p2p::host::host_config cfg;
    for (const auto& l : listen.empty() ? std::vector<std::string>{"/ip4/127.0.0.1/tcp/0"} : listen) {
        auto ma = p2p::peer::multiaddr::from_string(l);
        if (!ma) {
            std::fprintf(stderr, "bad --listen %s\n", l.c_str());
            return 2;
        }
        cfg.listen.push_back(ma.value());
    }
    engine::core_pool pool(engine::core_pool_options{});
    p2p::host::host h(pool, p2p::peer::ed25519_keypair::generate(), cfg);
    h.handle(std::string(echo_protocol), &serve_echo);
    h.handle(std::string(sink_protocol), &serve_sink);
    h.handle(std::string(source_protocol), &serve_source);
    h.on_identified = [](p2p::host::connection& c) {
        json j{{"event", "identify"}, {"peer", c.remote_peer().to_string()}};
        if (auto* m = c.identify_value()) {
            j["protocols"] = m->protocols;
            j["agent"] = m->agent_version.value_or("");
            if (m->observed_addr) {
                auto o = p2p::peer::multiaddr::from_bytes(*m->observed_addr);
                j["observed_addr"] = o ? o.value().to_string() : "(invalid)";
            }
        } else {
            j["error"] = c.identify_error().message();
        }
        emit(j);
    };
    if (auto s = h.start(); !s) {
        std::fprintf(stderr, "listen failed: %s\n", s.error().message().c_str());
        return 1;
    }
    std::vector<std::string> addrs;
    for (const auto& a : h.listen_addrs()) {
        addrs.push_back(a.with_peer(h.id()).value().to_string());
    }
    emit({{"event", "listening"}, {"peer_id", h.id().to_string()}, {"key_type", "ed25519"}, {"addrs", addrs}});
    asio::co_spawn(pool.executor(0), stop_on_signal(pool, h), asio::detached);
    pool.run();
    pool.join();
    return 0;
}

// ---- dialer side ---------------------------------------------------------------------------

struct dial_opts {
    std::string target;
    int ping = 0;
    bool identify = false;
    std::uint64_t echo = 0, sink = 0, source = 0;
    int streams = 1;
    std::uint64_t seed = 1;
    double timeout = 60;
};

struct dial_state {
    bool ok = true;
    int exit = 1;
};

task<bool> one_stream(std::shared_ptr<p2p::host::connection> c, std::string kind, std::uint64_t bytes, std::uint64_t seed, int index)
{
    std::string proto = kind == "echo" ? std::string(echo_protocol) : kind == "sink" ? std::string(sink_protocol) : std::string(source_protocol);
    std::vector<std::string> protos{proto};
    auto opened = co_await c->open_stream(std::move(protos));
    json j{{"event", kind}, {"stream", index}, {"bytes", bytes}, {"seed", seed}};
    if (!opened) {
        j["ok"] = false;
        j["error"] = opened.error().message();
        emit(j);
        co_return false;
    }
    auto& s = *opened.value().stream;
    bool ok = false;
    if (kind == "echo") {
        auto both = write_generated(s, bytes, seed, true) && read_all_hashed(s);
        auto [sent, got] = co_await std::move(both);
        ok = sent && got && got.value().bytes == bytes && got.value().sha256 == sent.value();
        if (got) {
            j["sha256"] = got.value().sha256;
        }
    } else if (kind == "sink") {
        auto sent = co_await write_generated(s, bytes, seed, true);
        auto line = co_await read_line(s, 4096);
        json reply = line ? json::parse(line.value(), nullptr, false) : json();
        ok = sent && reply.is_object() && reply.value("bytes", std::uint64_t{0}) == bytes &&
             reply.value("sha256", std::string()) == sent.value();
        if (sent) {
            j["sha256"] = sent.value();
        }
    } else {
        std::string req = json{{"bytes", bytes}, {"seed", seed}}.dump() + "\n";
        auto w = co_await s.write_all(as_bytes(req));
        auto cw = co_await s.close_write();
        auto got = co_await read_all_hashed(s);
        // The expected digest, computed locally from the same generator.
        byte_gen gen(seed);
        crypto::sha256_hasher h;
        std::vector<std::byte> buf(64 * 1024);
        for (std::uint64_t left = bytes; left > 0;) {
            auto len = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
            gen.fill(std::span(buf.data(), len));
            h.update(bytes_view(buf.data(), len));
            left -= len;
        }
        auto want = hex(h.finish());
        ok = w && cw && got && got.value().bytes == bytes && got.value().sha256 == want;
        if (got) {
            j["sha256"] = got.value().sha256;
        }
    }
    j["ok"] = ok;
    emit(j);
    co_return ok;
}

task<void> run_kind(std::shared_ptr<p2p::host::connection> c, std::string kind, std::uint64_t bytes, const dial_opts& o, dial_state& st)
{
    auto ex = co_await asio::this_coro::executor;
    auto t0 = steady::now();
    std::vector<decltype(asio::co_spawn(ex, one_stream(c, kind, bytes, 0, 0), asio::deferred))> ops;
    for (int i = 0; i < o.streams; ++i) {
        ops.push_back(asio::co_spawn(ex, one_stream(c, kind, bytes, o.seed + static_cast<std::uint64_t>(i), i), asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(ops));
    auto [order, errors, oks] = co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    bool all = true;
    for (std::size_t i = 0; i < oks.size(); ++i) {
        all = all && !errors[i] && oks[i];
    }
    double ms = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
    double total = static_cast<double>(bytes) * o.streams;
    emit({{"event", kind + "_total"}, {"streams", o.streams}, {"bytes", total}, {"ms", ms},
          {"mib_per_s", total / (1 << 20) / (ms / 1000)}, {"ok", all}});
    st.ok = st.ok && all;
}

task<void> dial_main(engine::core_pool& pool, p2p::host::host& h, dial_opts o, dial_state& st)
{
    auto target = p2p::peer::multiaddr::from_string(o.target);
    if (!target) {
        emit({{"event", "error"}, {"error", target.error().message()}});
        pool.stop();
        co_return;
    }
    auto t0 = steady::now();
    std::vector<p2p::peer::multiaddr> addrs{target.value()};
    auto dial = h.connect(std::move(addrs));
    auto c = co_await engine::with_timeout(std::move(dial), std::chrono::seconds(10));
    if (!c) {
        emit({{"event", "error"}, {"error", "connect: " + c.error().message()}});
        pool.stop();
        co_return;
    }
    auto conn = c.value();
    emit({{"event", "connected"}, {"peer", conn->remote_peer().to_string()}, {"remote_addr", conn->remote_addr().to_string()},
          {"ms", std::chrono::duration<double, std::milli>(steady::now() - t0).count()}});
    if (o.identify) {
        auto id = co_await conn->remote_identify(std::chrono::seconds(5));
        json j{{"event", "identify"}, {"peer", conn->remote_peer().to_string()}, {"ok", bool(id)}};
        if (id) {
            j["protocols"] = id.value().protocols;
            j["agent"] = id.value().agent_version.value_or("");
            j["protocol_version"] = id.value().protocol_version.value_or("");
            if (id.value().observed_addr) {
                auto oa = p2p::peer::multiaddr::from_bytes(*id.value().observed_addr);
                j["observed_addr"] = oa ? oa.value().to_string() : "(invalid)";
            }
            std::vector<std::string> la;
            for (const auto& b : id.value().listen_addrs) {
                auto m = p2p::peer::multiaddr::from_bytes(b);
                la.push_back(m ? m.value().to_string() : "(invalid)");
            }
            j["listen_addrs"] = la;
        } else {
            j["error"] = id.error().message();
        }
        emit(j);
        st.ok = st.ok && bool(id);
    }
    if (o.ping > 0) {
        std::vector<std::string> protos{std::string(p2p::ping::protocol_id)};
        auto s = co_await conn->open_stream(std::move(protos));
        for (int i = 0; s && i < o.ping; ++i) {
            auto r = co_await p2p::ping::request(*s.value().stream, 1);
            emit({{"event", "ping"}, {"seq", i + 1}, {"ok", bool(r)},
                  {"rtt_ms", r ? std::chrono::duration<double, std::milli>(r.value().front()).count() : -1.0}});
            st.ok = st.ok && bool(r);
        }
        if (!s) {
            emit({{"event", "ping"}, {"ok", false}, {"error", s.error().message()}});
            st.ok = false;
        } else {
            auto cw = co_await s.value().stream->close_write();
            (void)cw;
        }
    }
    if (o.echo) {
        co_await run_kind(conn, "echo", o.echo, o, st);
    }
    if (o.sink) {
        co_await run_kind(conn, "sink", o.sink, o, st);
    }
    if (o.source) {
        co_await run_kind(conn, "source", o.source, o, st);
    }
    emit({{"event", "done"}, {"ok", st.ok}, {"ms", std::chrono::duration<double, std::milli>(steady::now() - t0).count()}});
    st.exit = st.ok ? 0 : 1;
    conn->close();
    co_await engine::sleep_for(std::chrono::milliseconds(50));
    pool.stop();
}

task<void> dial_deadline(engine::core_pool& pool, double seconds)
{
    co_await engine::sleep_for(std::chrono::duration_cast<duration>(std::chrono::duration<double>(seconds)));
    emit({{"event", "error"}, {"error", "timeout"}});
    pool.stop();
}

int run_dial(const dial_opts& o)
{
    engine::core_pool pool(engine::core_pool_options{});
    p2p::host::host h(pool, p2p::peer::ed25519_keypair::generate(), {});
    dial_state st;
    asio::co_spawn(pool.executor(0), dial_main(pool, h, o, st), asio::detached);
    asio::co_spawn(pool.executor(0), dial_deadline(pool, o.timeout), asio::detached);
    pool.run();
    pool.join();
    return st.exit;
}

} // namespace

int main(int argc, char** argv)
{
    if (const char* l = std::getenv("PCP_LOG")) {
        spdlog::set_level(spdlog::level::from_str(l));
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::fprintf(stderr, "usage: pcp_testpeer listen|dial ...\n");
        return 2;
    }
    auto num = [&](std::size_t& i) -> std::string {
        if (i + 1 >= args.size()) {
            std::fprintf(stderr, "missing value for %s\n", args[i].c_str());
            std::exit(2);
        }
        return args[++i];
    };
    if (args[0] == "listen") {
        std::vector<std::string> listen;
        for (std::size_t i = 1; i < args.size(); ++i) {
            if (args[i] == "--listen") {
                listen.push_back(num(i));
            } else {
                std::fprintf(stderr, "unknown option %s\n", args[i].c_str());
                return 2;
            }
        }
        return run_listen(listen);
    }
    if (args[0] == "dial" && args.size() >= 2) {
        dial_opts o;
        o.target = args[1];
        for (std::size_t i = 2; i < args.size(); ++i) {
            const auto& a = args[i];
            if (a == "--ping") {
                o.ping = std::stoi(num(i));
            } else if (a == "--identify") {
                o.identify = true;
            } else if (a == "--echo") {
                o.echo = std::stoull(num(i));
            } else if (a == "--sink") {
                o.sink = std::stoull(num(i));
            } else if (a == "--source") {
                o.source = std::stoull(num(i));
            } else if (a == "--streams") {
                o.streams = std::stoi(num(i));
            } else if (a == "--seed") {
                o.seed = std::stoull(num(i));
            } else if (a == "--timeout") {
                o.timeout = std::stod(num(i));
            } else {
                std::fprintf(stderr, "unknown option %s\n", a.c_str());
                return 2;
            }
        }
        return run_dial(o);
    }
    std::fprintf(stderr, "usage: pcp_testpeer listen|dial ...\n");
    return 2;
}
