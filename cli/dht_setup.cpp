// SPDX-License-Identifier: MIT
#include "cli/dht_setup.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "cli/app.hpp"
#include "engine/cancel.hpp"
#include "p2p/dnsaddr/service.hpp"
#include "p2p/peer/cid.hpp"
#include "p2p/peer/errc.hpp"
#include "transport/dns/resolver.hpp"

namespace pcp::cli {

namespace kad = p2p::kad;
using p2p::peer::multiaddr;

const std::vector<std::string>& default_bootstrap()
{
    // kubo's well-known list (libp2p-digest §9); the /dnsaddr entries resolve through DNS TXT.
    static const std::vector<std::string> list{
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb",
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt",
        "/dnsaddr/va1.bootstrap.libp2p.io/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8",
        "/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ",
    };
    return list;
}

result<std::vector<multiaddr>> parse_bootstrap(const dht_cli_options& o, std::string& bad)
{
    static const std::vector<std::string> none;
    const auto& texts = !o.bootstrap.empty() ? o.bootstrap : (o.private_net ? none : default_bootstrap());
    std::vector<multiaddr> out;
    for (const auto& t : texts) {
        auto ma = multiaddr::from_string(t);
        if (!ma) {
            bad = t;
            return ma.error();
        }
        if (!ma.value().peer()) {
            bad = t;
            return make_error_code(p2p::peer::errc::bad_multiaddr);
        }
        out.push_back(std::move(ma.value()));
    }
    return out;
}

std::optional<std::vector<multiaddr>> bootstrap_or_report(const dht_cli_options& o, const reporter& rep)
{
    std::string bad;
    auto b = parse_bootstrap(o, bad);
    if (!b) {
        rep.error(fmt::format("--bootstrap {}: {} (a multiaddr ending in /p2p/<peer ID>)", bad, b.error().message()), exit_usage);
        return std::nullopt;
    }
    return std::move(b.value());
}

std::unique_ptr<kad::dht> make_dht(p2p::host::host& h, const dht_cli_options& o)
{
    kad::dht_options opts;
    opts.server = o.server;
    opts.allow_private = private_dht(o);
    auto d = std::make_unique<kad::dht>(h, std::move(opts));
    d->install();
    return d;
}

std::string discovery_cid(std::string_view discovery_id)
{
    auto mh = kad::discovery_key(discovery_id);
    auto c = p2p::peer::cid::v1(p2p::peer::codec_raw, mh);
    return c ? c.value().to_string() : std::string();
}

namespace {

bool needs_dns(const multiaddr& a)
{
    using namespace p2p::peer;
    return a.has(proto::dnsaddr) || a.has(proto::dns) || a.has(proto::dns4) || a.has(proto::dns6);
}

/// Resolve /dnsaddr and /dns* bootstrap addresses; what fails is reported and left out.
task<std::vector<multiaddr>> resolve_names(std::vector<multiaddr> named, const std::vector<std::string>& servers,
                                           const reporter& rep, duration budget)
{
    transport::dns::resolver_config rc;
    rc.servers = servers;
    auto r = transport::dns::resolver::create(co_await asio::this_coro::executor, rc);
    if (!r) {
        rep.warning("DNS unavailable: " + r.error().message() + "; /dnsaddr and /dns bootstrap addresses skipped");
        co_return std::vector<multiaddr>{};
    }
    auto list = co_await p2p::dnsaddr::resolve_all(*r.value(), std::move(named), budget);
    // One line per distinct error (offline makes every name fail the same way).
    std::vector<std::pair<std::string, std::vector<std::string>>> by_error;
    for (const auto& f : list.failures) {
        auto msg = f.error.message();
        auto it = std::find_if(by_error.begin(), by_error.end(), [&](const auto& e) { return e.first == msg; });
        if (it == by_error.end()) {
            by_error.emplace_back(msg, std::vector<std::string>{});
            it = std::prev(by_error.end());
        }
        std::string host;
        for (const auto& c : f.addr.components()) {
            if (c.code == p2p::peer::proto::dnsaddr || c.code == p2p::peer::proto::dns || c.code == p2p::peer::proto::dns4 ||
                c.code == p2p::peer::proto::dns6) {
                host = c.value_string();
                break;
            }
        }
        if (host.empty()) {
            host = f.addr.to_string();
        }
        if (std::find(it->second.begin(), it->second.end(), host) == it->second.end()) {
            it->second.push_back(host);
        }
    }
    for (const auto& [msg, hosts] : by_error) {
        rep.warning(fmt::format("cannot resolve {}: {}", fmt::join(hosts, ", "), msg));
    }
    rep.detail(fmt::format("DNS: {} bootstrap address{} resolved", list.addresses.size(), list.addresses.size() == 1 ? "" : "es"));
    co_return std::move(list.addresses);
}

} // namespace

task<result<std::size_t>> start_dht(kad::dht& d, const dht_cli_options& o, std::vector<multiaddr> bootstrap, const reporter& rep,
                                    duration deadline)
{
    auto until = steady::now() + deadline;
    std::vector<multiaddr> direct;
    std::vector<multiaddr> named;
    for (auto& a : bootstrap) {
        (needs_dns(a) ? named : direct).push_back(std::move(a));
    }
    if (!named.empty()) {
        auto resolved = co_await resolve_names(std::move(named), o.dns_servers, rep, until - steady::now());
        for (auto& a : resolved) {
            direct.push_back(std::move(a));
        }
    }
    rep.detail(fmt::format("DHT: bootstrapping from {} address{}", direct.size(), direct.size() == 1 ? "" : "es"));
    d.on_event = [&rep](const kad::dht_event& e) {
        using k = kad::dht_event::kind;
        switch (e.what) {
        case k::bootstrap_peer:
            rep.event({{"event", "dht_bootstrap_peer"}, {"peer_id", e.peer->to_string()}});
            spdlog::debug("dht: bootstrap peer {} answered", e.peer->to_string());
            break;
        case k::bootstrap_failed:
            spdlog::debug("dht: bootstrap peer {} failed: {}", e.peer->to_string(), e.detail);
            break;
        default:
            break;
        }
    };
    auto n = co_await d.bootstrap(std::move(direct), std::max<duration>(until - steady::now(), std::chrono::milliseconds(1)));
    if (!n) {
        rep.event({{"event", "dht_bootstrap"}, {"ok", false}, {"message", n.error().message()}});
        co_return n.error();
    }
    rep.event({{"event", "dht_bootstrap"}, {"ok", true}, {"routing_table", n.value()}});
    rep.detail(fmt::format("DHT: {} peer{} in the routing table", n.value(), n.value() == 1 ? "" : "s"));
    co_return n.value();
}

} // namespace pcp::cli
