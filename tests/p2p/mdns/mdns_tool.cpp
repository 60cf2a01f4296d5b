// SPDX-License-Identifier: MIT
// pcp_mdns_tool: the pcp mDNS service as a command-line program for interop tests (js-libp2p
// @libp2p/mdns, tests/interop/js/mdns_interop.sh). Refuses to run in the host's network namespace.
//   pcp_mdns_tool advertise --peer ID --addr MA [--addr MA]... [--name NAME]... [--seconds N]
//       answers queries for each NAME (default _p2p._udp.local) until SIGINT/SIGTERM or N s
//       (default 60); first line {"event":"advertising","peer_name":…,"names":[…]}
//   pcp_mdns_tool find [--name NAME] [--timeout SECONDS]
//       {"event":"found","peer":…,"addrs":[…],"ms":…} per peer, exit 0; {"event":"not_found"} exit 3
// Exit 2 usage, 3 not found, 4 refused (host namespace), 1 other errors.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "engine/signals.hpp"
#include "p2p/mdns/service.hpp"

namespace {

using namespace pcp;
using namespace pcp::p2p;
using json = nlohmann::ordered_json;

void emit(const json& j)
{
    std::printf("%s\n", j.dump().c_str());
    std::fflush(stdout);
}

int usage()
{
    std::fprintf(stderr, "usage: pcp_mdns_tool advertise --peer ID --addr MA... [--name NAME]... [--seconds N]\n"
                         "       pcp_mdns_tool find [--name NAME] [--timeout SECONDS]\n");
    return 2;
}

bool in_host_namespace()
{
    std::error_code e1;
    std::error_code e2;
    auto self = std::filesystem::read_symlink("/proc/self/ns/net", e1);
    auto init = std::filesystem::read_symlink("/proc/1/ns/net", e2);
    return !e1 && !e2 && self == init;
}

task<void> run_service(mdns::mdns_service* s) { co_await s->run(); }

task<void> advertise_until(mdns::mdns_service* s, int seconds)
{
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::seconds(seconds));
    auto race = engine::wait_for_shutdown_signal() || t.async_wait(use_task);
    auto r = co_await std::move(race);
    (void)r;
    s->stop();
}

task<void> find_once(mdns::mdns_service* s, std::string name, int seconds, int* rc)
{
    const auto t0 = steady::now();
    auto r = co_await s->find(name, std::chrono::seconds(seconds));
    const double ms = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
    if (!r) {
        emit({{"event", "error"}, {"error", r.error().message()}});
        *rc = 1;
    } else if (r.value().empty()) {
        emit({{"event", "not_found"}, {"name", name}, {"ms", ms}});
        *rc = 3;
    } else {
        for (const auto& p : r.value()) {
            json addrs = json::array();
            for (const auto& a : p.addrs) {
                addrs.push_back(a.to_string());
            }
            emit({{"event", "found"}, {"name", name}, {"peer", p.id.to_string()}, {"addrs", addrs}, {"ms", ms}});
        }
        *rc = 0;
    }
    s->stop();
}

} // namespace

int main(int argc, char** argv)
{
    if (const char* l = std::getenv("PCP_LOG")) {
        spdlog::set_level(spdlog::level::from_str(l));
    }
    if (argc < 2) {
        return usage();
    }
    const std::string mode = argv[1];
    std::vector<std::string> names;
    std::vector<peer::multiaddr> addrs;
    std::optional<peer::peer_id> id;
    int seconds = 60;
    int timeout = 10;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) {
            return usage();
        }
        std::string v = argv[++i];
        if (a == "--name") {
            names.push_back(v);
        } else if (a == "--peer") {
            auto p = peer::peer_id::from_string(v);
            if (!p) {
                std::fprintf(stderr, "bad peer ID: %s\n", p.error().message().c_str());
                return 2;
            }
            id = p.value();
        } else if (a == "--addr") {
            auto m = peer::multiaddr::from_string(v);
            if (!m) {
                std::fprintf(stderr, "bad multiaddr: %s\n", m.error().message().c_str());
                return 2;
            }
            addrs.push_back(m.value().without_peer());
        } else if (a == "--seconds") {
            seconds = std::atoi(v.c_str());
        } else if (a == "--timeout") {
            timeout = std::atoi(v.c_str());
        } else {
            return usage();
        }
    }
    if (names.empty()) {
        names.emplace_back(mdns::libp2p_service);
    }
    if (in_host_namespace()) {
        emit({{"event", "error"}, {"error", "refusing to run in the host network namespace"}});
        return 4;
    }
    asio::io_context ctx;
    auto svc = mdns::mdns_service::open(ctx.get_executor());
    if (!svc) {
        emit({{"event", "error"}, {"error", svc.error().message()}});
        return 1;
    }
    auto* s = svc.value().get();
    int rc = 0;
    if (mode == "advertise") {
        if (!id || addrs.empty()) {
            return usage();
        }
        json js = json::array();
        for (const auto& n : names) {
            if (auto r = s->advertise(n, *id, addrs); !r) {
                emit({{"event", "error"}, {"error", r.error().message()}});
                return 1;
            }
            js.push_back(n);
        }
        emit({{"event", "advertising"}, {"peer_name", s->peer_name()}, {"names", js}});
        asio::co_spawn(ctx, advertise_until(s, seconds), asio::detached);
    } else if (mode == "find") {
        asio::co_spawn(ctx, find_once(s, names.front(), timeout, &rc), asio::detached);
    } else {
        return usage();
    }
    asio::co_spawn(ctx, run_service(s), asio::detached);
    ctx.run();
    return rc;
}
