// SPDX-License-Identifier: MIT
#include "cli/dht_command.hpp"

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/reporter.hpp"
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "engine/signals.hpp"
#include "p2p/peer/cid.hpp"

namespace pcp::cli {
namespace {

namespace kad = p2p::kad;
using json = reporter::json;

struct dht_run {
    engine::core_pool& pool;
    p2p::host::host& host;
    kad::dht& dht;
    const dht_command_options& opts;
    const reporter& rep;
    std::vector<p2p::peer::multiaddr> bootstrap;
    byte_buffer key; ///< provider key (multihash) or peer ID bytes
    int exit = exit_error;
};

json peer_json(const kad::peer_info& p)
{
    std::vector<std::string> addrs;
    for (const auto& a : p.addrs) {
        addrs.push_back(a.to_string());
    }
    return {{"peer_id", p.id.to_string()}, {"addrs", addrs}};
}

task<void> stop_later(dht_run& r, int code)
{
    r.exit = code;
    r.host.stop();
    co_await engine::sleep_for(std::chrono::milliseconds(50));
    r.pool.stop();
}

task<int> dht_action(dht_run& r)
{
    auto deadline = std::chrono::duration_cast<duration>(std::chrono::duration<double>(r.opts.timeout_seconds));
    auto until = steady::now() + deadline;
    auto boot = co_await start_dht(r.dht, r.opts.dht, std::move(r.bootstrap), r.rep, deadline / 2);
    if (!boot && !(r.opts.dht.server && boot.error() == make_error_code(kad::dht_errc::no_peers) && r.opts.what == dht_command_options::action::provide)) {
        r.rep.error("DHT bootstrap failed: " + boot.error().message(), exit_not_found);
        co_return exit_not_found;
    }
    auto left = std::max<duration>(until - steady::now(), std::chrono::milliseconds(1));
    switch (r.opts.what) {
    case dht_command_options::action::provide: {
        auto p = co_await engine::with_timeout(r.dht.provide(r.key, r.host.listen_addrs()), left);
        if (!p) {
            r.rep.error("provide failed: " + p.error().message(), exit_not_found);
            co_return exit_not_found;
        }
        r.rep.event({{"event", "provided"}, {"key", r.opts.target}, {"peers", p.value()}});
        r.rep.say(fmt::format("Provided {} to {} peer{}", r.opts.target, p.value(), p.value() == 1 ? "" : "s"));
        if (r.opts.stay_seconds != 0) {
            auto stay = r.opts.stay_seconds < 0 ? std::chrono::hours(24 * 365)
                                                : std::chrono::duration_cast<duration>(std::chrono::duration<double>(r.opts.stay_seconds));
            (void)co_await engine::sleep_for(stay);
        }
        co_return exit_ok;
    }
    case dht_command_options::action::find_providers: {
        const reporter* rep = &r.rep;
        auto found = [rep](const kad::peer_info& p) {
            auto j = peer_json(p);
            j["event"] = "provider";
            rep->event(j);
            rep->say("provider " + p.id.to_string());
        };
        auto f = co_await engine::with_timeout(r.dht.find_providers(r.key, r.opts.count, found), left);
        if (!f) {
            r.rep.error("lookup failed: " + f.error().message(), exit_not_found);
            co_return exit_not_found;
        }
        if (f.value() == 0) {
            r.rep.error("no provider found for " + r.opts.target, exit_not_found);
            co_return exit_not_found;
        }
        r.rep.event({{"event", "done"}, {"providers", f.value()}});
        co_return exit_ok;
    }
    case dht_command_options::action::find_peer: {
        auto id = p2p::peer::peer_id::from_bytes(r.key);
        auto f = co_await engine::with_timeout(r.dht.find_peer(id.value()), left);
        if (!f) {
            r.rep.error("peer not found: " + f.error().message(), exit_not_found);
            co_return exit_not_found;
        }
        auto j = peer_json(f.value());
        j["event"] = "peer";
        r.rep.event(j);
        for (const auto& a : f.value().addrs) {
            r.rep.say(a.to_string());
        }
        co_return exit_ok;
    }
    }
    co_return exit_error;
}

task<void> dht_main(dht_run& r)
{
    auto work = dht_action(r) || engine::wait_for_shutdown_signal();
    auto v = co_await std::move(work);
    if (v.index() == 0) {
        co_await stop_later(r, std::get<0>(v));
    } else {
        co_await stop_later(r, engine::exit_code_for_signal(std::get<1>(v)));
    }
}

} // namespace

int run_dht_command(const dht_command_options& opts)
{
    reporter rep(opts.json, opts.verbosity, "dht");
    byte_buffer key;
    if (opts.what == dht_command_options::action::find_peer) {
        auto id = p2p::peer::peer_id::from_string(opts.target);
        if (!id) {
            rep.error(fmt::format("{}: not a peer ID: {}", opts.target, id.error().message()), exit_usage);
            return exit_usage;
        }
        key = id.value().bytes();
    } else {
        auto c = p2p::peer::cid::from_string(opts.target);
        if (!c) {
            rep.error(fmt::format("{}: not a CID: {}", opts.target, c.error().message()), exit_usage);
            return exit_usage;
        }
        key = c.value().multihash(); // providers are keyed by the multihash (digest §9)
    }
    auto bootstrap = bootstrap_or_report(opts.dht, rep);
    if (!bootstrap) {
        return exit_usage;
    }
    p2p::host::host_config cfg;
    cfg.agent_version = "pcp/" PCP_VERSION;
    std::vector<std::string> listen = opts.listen;
    if (listen.empty()) {
        listen = {"/ip4/0.0.0.0/tcp/0", "/ip6/::/tcp/0"};
    }
    for (const auto& t : listen) {
        auto ma = p2p::peer::multiaddr::from_string(t);
        if (!ma || !p2p::host::to_endpoint(ma.value())) {
            rep.error("--listen " + t + ": not a /ip4|ip6/…/tcp/… multiaddr", exit_usage);
            return exit_usage;
        }
        cfg.listen.push_back(ma.value());
    }
    engine::core_pool pool(engine::core_pool_options{.cores = 1});
    p2p::host::host h(pool, p2p::peer::ed25519_keypair::generate(), cfg);
    auto d = make_dht(h, opts.dht);
    if (auto s = h.start(); !s) {
        rep.error("cannot listen: " + s.error().message(), exit_error);
        return exit_error;
    }
    std::vector<std::string> addrs;
    for (const auto& a : h.listen_addrs()) {
        addrs.push_back(a.to_string());
    }
    rep.event({{"event", "listening"}, {"peer_id", h.id().to_string()}, {"addrs", addrs}});
    dht_run r{pool, h, *d, opts, rep, std::move(*bootstrap), std::move(key)};
    asio::co_spawn(pool.executor(0), dht_main(r), asio::detached);
    pool.run();
    pool.join();
    return r.exit;
}

} // namespace pcp::cli
