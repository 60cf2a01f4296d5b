// SPDX-License-Identifier: MIT
#include "cli/app.hpp"

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "cli/dht_command.hpp"
#include "cli/loopback_demo.hpp"
#include "cli/node_command.hpp"
#include "cli/transfer_command.hpp"
#include "engine/core_pool.hpp"
#include "engine/uring_probe.hpp"

namespace pcp::cli {
namespace {

int cmd_doctor(bool json)
{
    auto f = engine::probe_uring();
    if (json) {
        std::printf("{\"event\":\"doctor\",\"kernel\":\"%s\",\"io_uring\":%s,\"built_with_io_uring\":%s,"
                    "\"send_zc\":%s,\"multishot_accept\":%s,\"buffer_rings\":%s,\"registered_buffers\":%s}\n",
                    f.kernel.c_str(), f.available ? "true" : "false", engine::built_with_io_uring() ? "true" : "false",
                    f.send_zc ? "true" : "false", f.multishot_accept ? "true" : "false",
                    f.buffer_rings ? "true" : "false", f.registered_buffers ? "true" : "false");
    } else {
        std::printf("kernel %s\nbackend: %s\nio_uring: %s\n", f.kernel.c_str(),
                    engine::built_with_io_uring() ? "io_uring" : "epoll",
                    f.available ? "available" : ("unavailable: " + f.error).c_str());
        std::printf("  SEND_ZC %s, multishot accept %s, buffer rings %s, registered buffers %s\n",
                    f.send_zc ? "yes" : "no", f.multishot_accept ? "yes" : "no", f.buffer_rings ? "yes" : "no",
                    f.registered_buffers ? "yes" : "no");
    }
    return f.available || !engine::built_with_io_uring() ? exit_ok : exit_error;
}

void add_dht_options(CLI::App* sub, dht_cli_options& o)
{
    sub->add_option("--bootstrap", o.bootstrap,
                    "DHT bootstrap peer, repeatable (a multiaddr ending in /p2p/<id>); replaces the public list "
                    "and makes the DHT private (private and loopback addresses allowed)")
        ->allow_extra_args(false); // one value per flag: `--bootstrap A FILE` must not eat FILE
    sub->add_flag("--private-dht", o.private_net, "A private DHT even without --bootstrap (no public bootstrap list)");
    sub->add_option("--dns-server", o.dns_servers, "DNS server IP[:PORT] for /dnsaddr and /dns* (repeatable; default: the system's)")
        ->allow_extra_args(false);
}

/// Runs a command on the engine. A core whose io_uring could not be set up (the pool's
/// constructor throws) or that failed later (it stopped the pool) fails the command: exit 1.
template <class F>
int on_engine(F&& command)
{
    try {
        int rc = command();
        return engine::engine_failed() ? exit_error : rc;
    } catch (const engine::engine_setup_error& e) {
        std::fprintf(stderr, "pcp: %s\n", e.what());
        return exit_error;
    }
}

/// The io_uring build cannot fall back at run time: check before any io_context exists.
bool engine_usable()
{
    if (!engine::built_with_io_uring()) {
        return true;
    }
    auto f = engine::probe_uring();
    if (!f.available) {
        std::fprintf(stderr, "pcp: %s\n", engine::uring_unavailable_message(f).c_str());
        return false;
    }
    return true;
}

} // namespace

int run(int argc, char** argv)
{
    // PCP_LOG=debug|info|warn|error|off: library log level on stderr (default: warnings). spdlog's
    // default logger writes to stdout, where it would corrupt --json output.
    spdlog::set_default_logger(spdlog::stderr_color_mt("pcp"));
    spdlog::set_level(spdlog::level::warn);
    if (const char* level = std::getenv("PCP_LOG")) {
        spdlog::set_level(spdlog::level::from_str(level));
    }
    CLI::App app{"pcp — copy files between computers with a short code, over libp2p"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("pcp ") + PCP_VERSION);

    bool json = false;
    auto* doctor = app.add_subcommand("doctor", "Report what this kernel offers the engine (io_uring features)");
    doctor->add_flag("--json", json, "One JSON object on stdout");

    auto* selftest = app.add_subcommand("selftest", "Engine self-tests that need no peer");
    selftest->require_subcommand(1);
    loopback_options lo;
    auto* loop = selftest->add_subcommand("loopback", "Stream bytes over TCP 127.0.0.1 through the engine and print the rate");
    loop->add_option("--bytes", lo.bytes, "Bytes to send")->capture_default_str();
    loop->add_option("--chunk", lo.chunk, "Write size")->capture_default_str();
    loop->add_flag("--json", lo.json, "One JSON object on stdout");

    node_options node_opts;
    auto* node = app.add_subcommand("node", "Run a plain libp2p node until SIGINT/SIGTERM; prints its peer ID and addresses");
    node->add_option("--listen", node_opts.listen, "Listen multiaddr (repeatable), e.g. /ip4/0.0.0.0/tcp/4001")->allow_extra_args(false);
    node->add_flag("--json", node_opts.json, "JSON lines on stdout: listening, peer_identified");
    node->add_flag("--no-mdns", node_opts.no_mdns, "Do not announce this node on mDNS (_p2p._udp.local)");
    node->add_flag("--dht-server", node_opts.dht.server, "Serve the Kademlia DHT (/ipfs/kad/1.0.0)");
    node->add_option("--max-connections", node_opts.max_connections, "Live connections at most; more inbound ones are refused at once")
        ->check(CLI::Range(std::size_t{1}, std::size_t{65536}))
        ->capture_default_str();
    node->add_option("--max-streams", node_opts.max_streams, "Inbound streams per connection at most; more are reset")
        ->check(CLI::Range(std::size_t{1}, std::size_t{65536}))
        ->capture_default_str();
    add_dht_options(node, node_opts.dht);

    ping_options ping_opts;
    auto* ping = app.add_subcommand("ping", "libp2p ping a peer (diagnostics)");
    ping->add_option("MULTIADDR", ping_opts.target, "Peer address ending in /p2p/<peer ID>")->required();
    ping->add_option("-c,--count", ping_opts.count, "Number of pings")->capture_default_str();
    ping->add_option("--timeout", ping_opts.timeout_seconds, "Seconds to wait for the connection and for each pong")->capture_default_str();
    ping->add_flag("--json", ping_opts.json, "JSON lines on stdout: pong, done, error");

    send_command_options send_opts;
    auto* send = app.add_subcommand("send", "Send files and folders: prints a code for the receiver");
    send->add_option("PATH", send_opts.paths, "Files and directories to send")->required();
    send->add_option("-w,--words", send_opts.words, "Number of code words (at least 3)")->capture_default_str();
    send->add_option("--code", send_opts.code, "Use this code instead of fresh words (visible in the process list!)");
    send->add_option("--attempts", send_opts.attempts, "Wrong codes accepted before the code is burned")->capture_default_str();

    receive_command_options recv_opts;
    auto* receive = app.add_subcommand("receive", "Receive with the code the sender printed");
    receive->add_option("WORDS", recv_opts.code,
                        "The code; also read from PCP_WORDS, or asked for when omitted (an argument is visible in the "
                        "process list)");
    receive->add_flag("-y,--yes", recv_opts.yes, "Accept the offer without asking");
    receive->add_option("-o,--output", recv_opts.output, "Directory to write into")->capture_default_str();
    receive->add_flag("--overwrite", recv_opts.overwrite, "Replace files that already exist");
    receive->add_flag("--no-sync", recv_opts.no_sync, "Do not syncfs before reporting success");
    receive->add_option("--timeout", recv_opts.timeout_seconds, "Seconds to look for the sender")->capture_default_str();

    dht_command_options dht_opts;
    auto* dht = app.add_subcommand("dht", "Use the Kademlia DHT directly (diagnostics, interop)");
    dht->require_subcommand(1);
    auto* provide = dht->add_subcommand("provide", "Announce this node as a provider of CID, then keep serving");
    provide->add_option("CID", dht_opts.target, "Content ID (its multihash is the provider key)")->required();
    provide->add_option("--stay", dht_opts.stay_seconds, "Seconds to keep serving after providing (-1: until a signal)")
        ->capture_default_str();
    auto* find_providers = dht->add_subcommand("find-providers", "Look up providers of CID");
    find_providers->add_option("CID", dht_opts.target, "Content ID")->required();
    find_providers->add_option("-n,--count", dht_opts.count, "Stop after this many providers")->capture_default_str();
    auto* find_peer = dht->add_subcommand("find-peer", "Look up the addresses of a peer");
    find_peer->add_option("PEER_ID", dht_opts.target, "Peer ID")->required();
    for (auto* sub : {provide, find_providers, find_peer}) {
        add_dht_options(sub, dht_opts.dht);
        sub->add_flag("--server", dht_opts.dht.server, "Serve the DHT while running");
        sub->add_option("--listen", dht_opts.listen, "Listen multiaddr (repeatable)")->allow_extra_args(false);
        sub->add_option("--timeout", dht_opts.timeout_seconds, "Seconds for bootstrap and the lookup")->capture_default_str();
        sub->add_flag("--json", dht_opts.json, "One JSON event per line on stdout");
        sub->add_flag_function("-v,--verbose", [&dht_opts](std::int64_t) { dht_opts.verbosity = 1; }, "More detail");
    }

    for (auto* sub : {send, receive}) {
        auto& common = sub == send ? static_cast<common_transfer_options&>(send_opts) : static_cast<common_transfer_options&>(recv_opts);
        sub->add_flag("--json", common.json, "One JSON event per line on stdout (docs/cli.md)");
        sub->add_flag("--no-mdns", common.no_mdns, "Do not use mDNS on the local network");
        sub->add_flag("--no-dht", common.no_dht, "Do not use the DHT (the IPFS Kademlia DHT finds peers beyond the LAN)");
        add_dht_options(sub, common.dht);
        sub->add_option("--listen", common.listen, "Listen multiaddr (repeatable)")->allow_extra_args(false);
        sub->add_flag_function("-q,--quiet", [&common](std::int64_t) { common.verbosity = -1; }, "Only errors");
        sub->add_flag_function("-v,--verbose", [&common](std::int64_t) { common.verbosity = 1; }, "More detail");
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? exit_ok : exit_usage;
    }

    if (doctor->parsed()) {
        return cmd_doctor(json);
    }
    if (!engine_usable()) {
        return exit_error;
    }
    if (loop->parsed()) {
        return on_engine([&] { return run_loopback_demo(lo); });
    }
    if (node->parsed()) {
        return on_engine([&] { return run_node(node_opts); });
    }
    if (ping->parsed()) {
        return on_engine([&] { return run_ping(ping_opts); });
    }
    if (dht->parsed()) {
        dht_opts.what = provide->parsed()          ? dht_command_options::action::provide
                        : find_providers->parsed() ? dht_command_options::action::find_providers
                                                   : dht_command_options::action::find_peer;
        return on_engine([&] { return run_dht_command(dht_opts); });
    }
    if (send->parsed()) {
        return on_engine([&] { return run_send(send_opts); });
    }
    if (receive->parsed()) {
        return on_engine([&] { return run_receive(std::move(recv_opts)); });
    }
    return exit_usage;
}

} // namespace pcp::cli
