// SPDX-License-Identifier: MIT
#include "cli/node_command.hpp"

#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/reporter.hpp"
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "engine/signals.hpp"
#include "p2p/host/host.hpp"
#include "p2p/mdns/service.hpp"
#include "p2p/noise/errc.hpp"
#include "p2p/ping/service.hpp"

namespace pcp::cli {
namespace {

using json = nlohmann::ordered_json;

void print_json(const json& j)
{
    std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
}

std::vector<std::string> addr_strings(const std::vector<p2p::peer::multiaddr>& addrs, const p2p::peer::peer_id* with_id)
{
    std::vector<std::string> out;
    for (const auto& a : addrs) {
        if (with_id) {
            auto full = a.with_peer(*with_id);
            out.push_back(full ? full.value().to_string() : a.to_string());
        } else {
            out.push_back(a.to_string());
        }
    }
    return out;
}

std::string maybe_addr(const std::optional<byte_buffer>& b)
{
    if (!b) {
        return {};
    }
    auto m = p2p::peer::multiaddr::from_bytes(*b);
    return m ? m.value().to_string() : std::string("(invalid)");
}

/// `dht_routing_table` events (JSON only) whenever the table's size changed, checked twice a
/// second: a node operator (and the interop test) sees the table fill after the bootstrap.
task<void> watch_routing_table(p2p::kad::dht& d, const reporter& rep)
{
    std::size_t last = d.routing_table_size();
    for (;;) {
        auto ec = co_await engine::sleep_for(std::chrono::milliseconds(500));
        if (ec) {
            co_return; // cancelled: the node is stopping
        }
        const std::size_t now = d.routing_table_size();
        if (now != last) {
            last = now;
            rep.event({{"event", "dht_routing_table"}, {"size", now}});
        }
    }
}

/// Join the DHT, then keep the routing table fresh (server nodes) until cancelled.
task<void> node_dht(p2p::kad::dht& d, const dht_cli_options& o, std::vector<p2p::peer::multiaddr> bootstrap, const reporter& rep)
{
    if (!bootstrap.empty()) {
        auto n = co_await start_dht(d, o, std::move(bootstrap), rep, std::chrono::seconds(30));
        if (!n) {
            rep.warning("DHT bootstrap failed: " + n.error().message() + " (serving anyway; peers that connect join the table)");
        }
    } else {
        rep.event({{"event", "dht_bootstrap"}, {"ok", true}, {"routing_table", 0}, {"message", "no bootstrap peers: a new private DHT"}});
    }
    auto both = d.refresh_loop(d.options().cfg.refresh_interval) && watch_routing_table(d, rep);
    co_await std::move(both);
}

task<void> node_main(engine::core_pool& pool, p2p::host::host& h, bool json_out, int& signal_out,
                     p2p::mdns::mdns_service* mdns, p2p::kad::dht* d, const dht_cli_options& o,
                     std::vector<p2p::peer::multiaddr> bootstrap, const reporter& rep)
{
    if (d) {
        auto both = engine::wait_for_shutdown_signal() || node_dht(*d, o, std::move(bootstrap), rep);
        auto v = co_await std::move(both);
        signal_out = v.index() == 0 ? std::get<0>(v) : SIGTERM;
    } else {
        signal_out = co_await engine::wait_for_shutdown_signal();
    }
    if (mdns) {
        mdns->stop();
    }
    if (!json_out) {
        std::fprintf(stderr, "pcp node: stopping (%s)\n", signal_out == SIGINT ? "SIGINT" : "SIGTERM");
    }
    h.stop();
    co_await engine::sleep_for(std::chrono::milliseconds(200)); // let GoAway frames go out
    pool.stop();
}

} // namespace

int run_node(const node_options& opts)
{
    p2p::host::host_config cfg;
    cfg.max_connections = opts.max_connections;
    cfg.yamux.max_inbound_streams = opts.max_streams;
    std::vector<std::string> listen = opts.listen;
    if (listen.empty()) {
        listen = {"/ip4/0.0.0.0/tcp/0", "/ip6/::/tcp/0"};
    }
    for (const auto& text : listen) {
        auto ma = p2p::peer::multiaddr::from_string(text);
        if (!ma || !p2p::host::to_endpoint(ma.value())) {
            std::fprintf(stderr, "pcp node: --listen %s: not a /ip4|ip6/…/tcp/… multiaddr%s%s\n", text.c_str(),
                         ma ? "" : ": ", ma ? "" : ma.error().message().c_str());
            return exit_usage;
        }
        cfg.listen.push_back(ma.value());
    }
    std::string bad;
    auto bootstrap = parse_bootstrap(opts.dht, bad);
    if (!bootstrap) {
        std::fprintf(stderr, "pcp node: --bootstrap %s: %s (a multiaddr ending in /p2p/<peer ID>)\n", bad.c_str(),
                     bootstrap.error().message().c_str());
        return exit_usage;
    }
    const bool with_dht = opts.dht.server || private_dht(opts.dht);
    engine::core_pool pool(engine::core_pool_options{});
    p2p::host::host h(pool, p2p::peer::ed25519_keypair::generate(), cfg);
    h.on_identified = [json_out = opts.json](p2p::host::connection& c) {
        // Runs on the connection's core; stdout lines are written whole.
        json j{{"event", "peer_identified"}, {"peer_id", c.remote_peer().to_string()}, {"addr", c.remote_addr().to_string()}};
        auto* m = c.identify_value();
        if (m) {
            j["agent"] = m->agent_version.value_or("");
            j["protocols"] = m->protocols;
            j["observed_addr"] = maybe_addr(m->observed_addr);
        } else {
            j["error"] = c.identify_error().message();
        }
        if (json_out) {
            print_json(j);
        } else {
            std::fprintf(stderr, "peer %s connected from %s (%s)\n", c.remote_peer().to_string().c_str(),
                         c.remote_addr().to_string().c_str(), m ? m->agent_version.value_or("?").c_str() : "identify failed");
        }
    };
    reporter rep(opts.json, 0, "node");
    std::unique_ptr<p2p::kad::dht> dht;
    if (with_dht) {
        dht = make_dht(h, opts.dht); // before start(): a server registers the protocol
    }
    if (auto s = h.start(); !s) {
        std::fprintf(stderr, "pcp node: cannot listen: %s\n", s.error().message().c_str());
        return exit_error;
    }
    auto addrs = h.listen_addrs();
    if (opts.json) {
        print_json({{"event", "listening"}, {"peer_id", h.id().to_string()}, {"addrs", addr_strings(addrs, &h.id())}});
    } else {
        std::printf("Peer ID: %s\nListening on:\n", h.id().to_string().c_str());
        for (const auto& a : addr_strings(addrs, &h.id())) {
            std::printf("  %s\n", a.c_str());
        }
        std::fflush(stdout);
    }
    // An ordinary libp2p mDNS peer: js-libp2p and go-libp2p nodes on the LAN discover us.
    std::unique_ptr<p2p::mdns::mdns_service> mdns;
    if (!opts.no_mdns) {
        auto m = p2p::mdns::mdns_service::open(pool.executor(0));
        if (!m) {
            std::fprintf(stderr, "pcp node: mDNS unavailable: %s\n", m.error().message().c_str());
        } else {
            mdns = std::move(m.value());
            if (auto a = mdns->advertise(std::string(p2p::mdns::libp2p_service), h.id(), addrs); !a) {
                std::fprintf(stderr, "pcp node: mDNS advertise failed: %s\n", a.error().message().c_str());
            }
            asio::co_spawn(pool.executor(0), mdns->run(), asio::detached);
        }
    }
    int sig = 0;
    asio::co_spawn(pool.executor(0),
                   node_main(pool, h, opts.json, sig, mdns.get(), dht.get(), opts.dht,
                             with_dht ? std::move(bootstrap.value()) : std::vector<p2p::peer::multiaddr>{}, rep),
                   asio::detached);
    pool.run();
    pool.join();
    return sig ? engine::exit_code_for_signal(sig) : exit_ok; // 130 SIGINT, 143 SIGTERM (DESIGN §6)
}

namespace {

struct ping_state {
    int exit = exit_error;
};

task<void> ping_main(engine::core_pool& pool, p2p::host::host& h, const ping_options& opts,
                     const p2p::peer::multiaddr& target, ping_state& st)
{
    auto timeout = std::chrono::duration_cast<duration>(std::chrono::duration<double>(opts.timeout_seconds));
    std::vector<p2p::peer::multiaddr> addrs{target};
    auto dial = h.connect(std::move(addrs));
    auto c = co_await engine::with_timeout(std::move(dial), timeout);
    if (!c) {
        if (opts.json) {
            print_json({{"event", "error"}, {"stage", "connect"}, {"message", c.error().message()}});
        } else {
            std::fprintf(stderr, "pcp ping: cannot connect to %s: %s\n", target.to_string().c_str(), c.error().message().c_str());
        }
        // The peer answered but is not who the address says (or failed to prove it): exit 4.
        bool auth = c.error() == make_error_code(p2p::noise::errc::peer_id_mismatch) ||
                    c.error() == make_error_code(p2p::noise::errc::bad_signature) ||
                    c.error() == make_error_code(p2p::noise::errc::missing_identity) ||
                    c.error() == make_error_code(p2p::noise::errc::bad_identity_key);
        st.exit = auth ? exit_auth_failed : exit_not_found;
        pool.stop();
        co_return;
    }
    auto conn = c.value();
    if (!opts.json) {
        std::printf("PING %s (%s)\n", conn->remote_peer().to_string().c_str(), conn->remote_addr().to_string().c_str());
    }
    std::vector<std::string> protos{std::string(p2p::ping::protocol_id)};
    auto s = co_await conn->open_stream(std::move(protos));
    if (!s) {
        if (opts.json) {
            print_json({{"event", "error"}, {"stage", "negotiate"}, {"message", s.error().message()}});
        } else {
            std::fprintf(stderr, "pcp ping: %s does not speak %s: %s\n", conn->remote_peer().to_string().c_str(),
                         std::string(p2p::ping::protocol_id).c_str(), s.error().message().c_str());
        }
        conn->close();
        pool.stop();
        co_return;
    }
    int answered = 0;
    for (int i = 0; i < opts.count; ++i) {
        auto r = co_await p2p::ping::request(*s.value().stream, 1, timeout);
        if (!r) {
            if (opts.json) {
                print_json({{"event", "error"}, {"stage", "ping"}, {"seq", i + 1}, {"message", r.error().message()}});
            } else {
                std::fprintf(stderr, "pcp ping: ping %d failed: %s\n", i + 1, r.error().message().c_str());
            }
            break;
        }
        double ms = std::chrono::duration<double, std::milli>(r.value().front()).count();
        ++answered;
        if (opts.json) {
            print_json({{"event", "pong"}, {"seq", i + 1}, {"peer_id", conn->remote_peer().to_string()}, {"rtt_ms", ms}});
        } else {
            std::printf("pong %d from %s: time=%.3f ms\n", i + 1, conn->remote_peer().to_string().c_str(), ms);
        }
        if (i + 1 < opts.count) {
            co_await engine::sleep_for(std::chrono::milliseconds(200));
        }
    }
    auto close = co_await s.value().stream->close_write();
    (void)close;
    if (opts.json) {
        print_json({{"event", "done"}, {"sent", opts.count}, {"answered", answered}});
    } else {
        std::printf("%d pings, %d answered\n", opts.count, answered);
    }
    st.exit = answered == opts.count ? exit_ok : exit_error;
    conn->close();
    co_await engine::sleep_for(std::chrono::milliseconds(50));
    pool.stop();
}

task<void> stop_on_signal(engine::core_pool& pool, ping_state& st)
{
    if (int sig = co_await engine::wait_for_shutdown_signal(); sig != 0) {
        st.exit = engine::exit_code_for_signal(sig);
        pool.stop();
    }
}

} // namespace

int run_ping(const ping_options& opts)
{
    auto target = p2p::peer::multiaddr::from_string(opts.target);
    if (!target) {
        std::fprintf(stderr, "pcp ping: %s: %s\n", opts.target.c_str(), target.error().message().c_str());
        return exit_usage;
    }
    if (!target.value().peer()) {
        std::fprintf(stderr, "pcp ping: %s: the address must end in /p2p/<peer ID> (we only talk to the peer we expect)\n",
                     opts.target.c_str());
        return exit_usage;
    }
    if (opts.count < 1) {
        std::fprintf(stderr, "pcp ping: -c must be at least 1\n");
        return exit_usage;
    }
    engine::core_pool pool({.cores = 1});
    p2p::host::host h(pool, p2p::peer::ed25519_keypair::generate(), {});
    ping_state st;
    asio::co_spawn(pool.executor(0), ping_main(pool, h, opts, target.value(), st), asio::detached);
    asio::co_spawn(pool.executor(0), stop_on_signal(pool, st), asio::detached);
    pool.run();
    pool.join();
    return st.exit;
}

} // namespace pcp::cli
