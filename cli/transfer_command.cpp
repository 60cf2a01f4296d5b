// SPDX-License-Identifier: MIT
#include "cli/transfer_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/app.hpp"
#include "cli/dht_setup.hpp"
#include "cli/progress.hpp"
#include "cli/reporter.hpp"
#include "cli/words/code.hpp"
#include "cli/words/discovery.hpp"
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "engine/errc.hpp"
#include "engine/signals.hpp"
#include "p2p/host/host.hpp"
#include "p2p/kad/service.hpp"
#include "p2p/mdns/service.hpp"
#include "p2p/noise/errc.hpp"
#include "p2p/pake/service.hpp"
#include "p2p/transfer/service.hpp"

namespace pcp::cli {
namespace {

namespace words = cli::words;
namespace transfer = p2p::transfer;
namespace pake = p2p::pake;
using json = reporter::json;

constexpr std::string_view transfer_protocol = "/pcp/transfer/1.0.0";

std::int64_t now_nanos()
{
    return words::unix_nanos(std::chrono::system_clock::now());
}

/// The mDNS service name for a discovery ID (`<label>._pcp._udp.local`).
std::string mdns_service_for(const std::string& discovery_id)
{
    auto name = p2p::mdns::pcp_service_name(words::mdns_name(discovery_id));
    return name ? name.value() : std::string();
}

result<std::vector<p2p::peer::multiaddr>> parse_listen(const std::vector<std::string>& listen)
{
    std::vector<p2p::peer::multiaddr> out;
    std::vector<std::string> texts = listen;
    if (texts.empty()) {
        texts = {"/ip4/0.0.0.0/tcp/0", "/ip6/::/tcp/0"};
    }
    for (const auto& t : texts) {
        auto ma = p2p::peer::multiaddr::from_string(t);
        if (!ma) {
            return ma.error();
        }
        if (!p2p::host::to_endpoint(ma.value())) {
            return make_error_code(boost::system::errc::address_family_not_supported);
        }
        out.push_back(ma.value());
    }
    return out;
}

/// PCP_BENCH_SINK=discard: the receiver hashes and drops the data (benchmarks).
bool discard_sink()
{
    const char* sink = std::getenv("PCP_BENCH_SINK");
    return sink && std::string_view(sink) == "discard";
}

int transfer_exit_code(const error_code& ec)
{
    if (ec == make_error_code(transfer::errc::rejected) || ec == make_error_code(transfer::errc::declined)) {
        return exit_rejected;
    }
    if (ec == make_error_code(transfer::errc::interrupted) || ec == make_error_code(transfer::errc::integrity) ||
        ec == make_error_code(transfer::errc::peer_aborted) || ec == make_error_code(transfer::errc::cancelled)) {
        return exit_interrupted_transfer;
    }
    return exit_error;
}

/// The error line of a failed transfer; `receiving` adds what happened to incomplete files.
std::string transfer_message(const error_code& ec, const reporter& rep, bool receiving)
{
    std::string m;
    if (ec == make_error_code(transfer::errc::rejected)) {
        m = "the receiver declined the transfer";
    } else if (ec == make_error_code(transfer::errc::declined)) {
        m = "transfer declined";
    } else if (ec == make_error_code(transfer::errc::interrupted)) {
        m = receiving ? "the transfer was interrupted; incomplete files were removed" : "the transfer was interrupted";
    } else if (ec.category() != transfer::transfer_category() && !rep.last_error_detail().empty()) {
        return rep.last_error_detail(); // a local error: names the file and ends in the system's message
    } else if (ec == make_error_code(transfer::errc::conflicts)) {
        m = "files already exist in the output directory (use --overwrite to replace them)";
    } else {
        m = ec.message();
    }
    if (!rep.last_error_detail().empty()) {
        m += ": " + rep.last_error_detail();
    }
    return m;
}

// ---------------------------------------------------------------------------------------------
// send

struct sender_state {
    sender_state(engine::core_pool& p, reporter& r, const send_command_options& o, words::secret_string pw)
        : pool(p), rep(r), opts(o), password(std::move(pw)), limiter(o.attempts), done(p.executor(0))
    {
    }
    engine::core_pool& pool;
    reporter& rep;
    const send_command_options& opts;
    words::secret_string password;
    pake::attempt_limiter limiter;
    std::weak_ptr<p2p::host::connection> authenticated;
    bool transfer_started = false;
    bool finished = false;
    int exit = exit_error;
    engine::notifier done;
    p2p::host::host* host = nullptr;
    p2p::kad::dht* dht = nullptr;
    std::vector<p2p::peer::multiaddr> bootstrap;
};

void finish(sender_state& st, int code)
{
    if (!st.finished) {
        st.finished = true;
        st.exit = code;
        st.done.notify();
    }
}

// Handlers run on the connection's core; the send pool has one core, so state needs no lock.
task<void> sender_pake(sender_state& st, std::shared_ptr<p2p::host::connection> c, std::unique_ptr<transport::stream> s)
{
    if (st.finished || st.transfer_started || !st.limiter.allow()) {
        s->abort();
        co_return;
    }
    const auto& self = st.host->id().bytes();
    const auto& remote = c->remote_peer().bytes();
    auto r = co_await pake::run(*s, pake::role::responder, st.password.bytes(), remote, self, c->handshake_hash(),
                                std::chrono::seconds(30));
    if (r) {
        st.limiter.release();
        st.authenticated = c;
        st.rep.event({{"event", "authenticated"}, {"peer_id", c->remote_peer().to_string()}});
        st.rep.say(fmt::format("Authenticated {} ({})", c->remote_peer().to_string(), c->remote_addr().to_string()));
        co_return;
    }
    if (pake::counts_as_attempt(r.error())) {
        st.limiter.record_failure();
        st.rep.warning(fmt::format("a receiver at {} used a wrong code ({} of {} attempts)", c->remote_addr().to_string(),
                                   st.limiter.failures(), st.limiter.max_failures()));
        if (st.limiter.burned()) {
            st.rep.error(fmt::format("{} wrong codes: this code is burned; start pcp send again for a new code",
                                     st.limiter.failures()),
                         exit_auth_failed);
            finish(st, exit_auth_failed);
        }
    } else {
        st.limiter.release();
        st.rep.detail(fmt::format("authentication with {} failed: {}", c->remote_peer().to_string(), r.error().message()));
    }
}

task<void> sender_transfer(sender_state& st, std::shared_ptr<p2p::host::connection> c, std::unique_ptr<transport::stream> s)
{
    auto authed = st.authenticated.lock();
    if (st.finished || st.transfer_started || authed != c) {
        s->abort(); // only the authenticated connection may ask for the files, and only once
        co_return;
    }
    st.transfer_started = true;
    transfer::send_options o;
    o.paths = st.opts.paths;
    o.agent = "pcp/" PCP_VERSION;
    auto t0 = steady::now();
    auto r = co_await transfer::send(*s, o, st.rep);
    st.rep.finish_progress();
    if (!r) {
        st.rep.error(transfer_message(r.error(), st.rep, false), transfer_exit_code(r.error()));
        finish(st, transfer_exit_code(r.error()));
        co_return;
    }
    double secs = std::chrono::duration<double>(steady::now() - t0).count();
    const auto& sum = r.value();
    st.rep.event({{"event", "done"}, {"files", sum.files}, {"directories", sum.directories}, {"bytes", sum.bytes},
                  {"seconds", secs}, {"receiver_synced", sum.receiver_synced}});
    st.rep.say(fmt::format("Sent {} file{} ({}) in {:.2f} s, {}/s", sum.files, sum.files == 1 ? "" : "s",
                           human_bytes(sum.bytes), secs, human_bytes(static_cast<std::uint64_t>(secs > 0 ? sum.bytes / secs : 0))));
    finish(st, exit_ok);
}

task<void> advertise_loop(p2p::mdns::mdns_service& mdns, sender_state& st, std::uint32_t channel)
{
    std::string current;
    std::string previous;
    for (;;) {
        auto now = now_nanos();
        auto name = mdns_service_for(words::current_discovery_id(now, channel));
        if (name != current) {
            auto addrs = st.host->listen_addrs();
            auto a = mdns.advertise(name, st.host->id(), addrs);
            if (!a) {
                st.rep.warning("mDNS advertise failed: " + a.error().message());
            }
            // Keep answering for the previous slot's name for one more slot (receivers search the
            // current and the previous slot); withdraw the one before it.
            if (!previous.empty()) {
                mdns.unadvertise(previous);
            }
            previous = current;
            current = name;
        }
        auto next = words::next_slot_start_nanos(now);
        auto wait = std::chrono::nanoseconds(std::max<std::int64_t>(next - now, 1'000'000));
        if (co_await engine::sleep_for(std::chrono::duration_cast<duration>(wait))) {
            co_return; // cancelled
        }
    }
}

/// Join the DHT and provide the current slot's key, again at every slot roll-over (DESIGN §4).
task<void> provide_loop(sender_state& st, std::uint32_t channel)
{
    auto n = co_await start_dht(*st.dht, st.opts.dht, std::move(st.bootstrap), st.rep, std::chrono::seconds(30));
    if (!n) {
        if (st.opts.no_mdns) {
            st.rep.error("DHT unavailable (" + n.error().message() + ") and mDNS is off: no receiver can find this sender", exit_not_found);
            finish(st, exit_not_found);
            co_return;
        }
        st.rep.warning("DHT unavailable (" + n.error().message() + "): only receivers on this network can find the sender");
        co_return;
    }
    std::string current;
    for (;;) {
        auto now = now_nanos();
        auto id = words::current_discovery_id(now, channel);
        if (id != current) {
            auto p = co_await st.dht->provide(p2p::kad::discovery_key(id), st.host->listen_addrs());
            if (!p) {
                st.rep.event({{"event", "dht_provide"}, {"ok", false}, {"message", p.error().message()}});
                st.rep.warning("DHT provide failed: " + p.error().message() +
                               (p.error() == make_error_code(p2p::kad::dht_errc::no_addresses)
                                    ? " (no public address; receivers on other networks cannot find this sender)"
                                    : ""));
                if (p.error() == make_error_code(p2p::kad::dht_errc::no_addresses)) {
                    if (st.opts.no_mdns) {
                        st.rep.error("no public address to announce in the DHT and mDNS is off: no receiver can find this sender",
                                     exit_not_found);
                        finish(st, exit_not_found);
                    }
                    co_return;
                }
            } else {
                st.rep.event({{"event", "dht_provide"}, {"ok", true}, {"key", discovery_cid(id)}, {"peers", p.value()}});
                st.rep.detail(fmt::format("DHT: announced to {} peer{}", p.value(), p.value() == 1 ? "" : "s"));
                current = id;
            }
        }
        auto next = words::next_slot_start_nanos(now);
        auto wait = std::chrono::nanoseconds(std::max<std::int64_t>(next - now, 1'000'000));
        // A failed provide is retried after a few seconds, a good one at the next slot.
        auto pause = id == current ? std::chrono::duration_cast<duration>(wait) : std::chrono::seconds(5);
        if (co_await engine::sleep_for(pause)) {
            co_return; // cancelled
        }
    }
}

task<void> sender_main(sender_state& st, std::uint32_t channel)
{
    if (st.dht) {
        // Ends when the transfer is over (the || cancels it).
        asio::co_spawn(st.pool.executor(0), provide_loop(st, channel) || st.done.wait(), asio::detached);
    }
    std::unique_ptr<p2p::mdns::mdns_service> mdns;
    if (!st.opts.no_mdns) {
        auto m = p2p::mdns::mdns_service::open(st.pool.executor(0));
        if (!m) {
            st.rep.warning("mDNS unavailable: " + m.error().message());
        } else {
            mdns = std::move(m.value());
        }
    }
    if (mdns) {
        // run() is stopped by stop() below, not by cancellation: it must keep answering until then.
        asio::co_spawn(st.pool.executor(0), mdns->run(), asio::detached);
        auto work = advertise_loop(*mdns, st, channel) || st.done.wait();
        co_await std::move(work);
        mdns->stop();
    }
    while (!st.finished) {
        if (!co_await st.done.wait()) {
            break;
        }
    }
    st.host->stop();
    co_await engine::sleep_for(std::chrono::milliseconds(100)); // let the last frames go out
    st.pool.stop();
}

task<void> on_signal(engine::core_pool& pool, reporter& rep, int& exit_out, bool& stopped, bool receiving)
{
    int sig = co_await engine::wait_for_shutdown_signal();
    if (sig == 0) {
        co_return;
    }
    rep.finish_progress();
    std::string what = sig == SIGINT ? "interrupted" : "terminated";
    rep.error(receiving ? what + "; incomplete files were removed" : what, engine::exit_code_for_signal(sig));
    rep.silence();
    exit_out = engine::exit_code_for_signal(sig);
    stopped = true;
    pool.stop();
}

} // namespace

int run_send(const send_command_options& opts)
{
    reporter rep(opts.json, opts.verbosity, "send");
    for (const auto& p : opts.paths) {
        std::error_code ec;
        auto st = std::filesystem::symlink_status(p, ec);
        if (ec || !std::filesystem::exists(st)) {
            rep.error(fmt::format("{}: no such file or directory", p), exit_usage);
            return exit_usage;
        }
    }
    words::code code;
    if (opts.code) {
        words::parse_error detail;
        auto c = words::parse(*opts.code, &detail);
        if (!c) {
            rep.error("--code: " + detail.message(), exit_usage);
            return exit_usage;
        }
        code = std::move(c.value());
    } else {
        auto c = words::generate(opts.words);
        if (!c) {
            rep.error(fmt::format("--words {}: {}", opts.words, c.error().message()), exit_usage);
            return exit_usage;
        }
        code = std::move(c.value());
    }
    auto listen = parse_listen(opts.listen);
    if (!listen) {
        rep.error("--listen: " + listen.error().message(), exit_usage);
        return exit_usage;
    }
    auto phrase = words::phrase(code);
    auto channel = words::channel_id(code);
    std::vector<p2p::peer::multiaddr> bootstrap;
    if (!opts.no_dht) {
        auto b = bootstrap_or_report(opts.dht, rep);
        if (!b) {
            return exit_usage;
        }
        bootstrap = std::move(*b);
    }
    if (opts.no_mdns && (opts.no_dht || (bootstrap.empty() && private_dht(opts.dht)))) {
        rep.error("--no-mdns and no DHT: receivers would have no way to find this sender", exit_usage);
        return exit_usage;
    }

    engine::core_pool pool(engine::core_pool_options{.cores = 1});
    p2p::host::host_config cfg;
    cfg.listen = listen.value();
    cfg.agent_version = "pcp/" PCP_VERSION;
    cfg.idle_timeout = duration::zero();
    p2p::host::host h(pool, p2p::peer::ed25519_keypair::generate(), cfg);
    sender_state st(pool, rep, opts, words::password(code));
    st.host = &h;
    std::unique_ptr<p2p::kad::dht> dht;
    if (!opts.no_dht) {
        dht = make_dht(h, opts.dht); // a client: pcp send does not serve the DHT (DESIGN §4)
        st.dht = dht.get();
        st.bootstrap = std::move(bootstrap);
    }
    // Plain (non-coroutine) lambdas that hand the state to named coroutines as a parameter.
    h.handle(std::string(pake::protocol_id), [&st](std::shared_ptr<p2p::host::connection> c, std::unique_ptr<transport::stream> s) {
        return sender_pake(st, std::move(c), std::move(s));
    });
    h.handle(std::string(transfer_protocol), [&st](std::shared_ptr<p2p::host::connection> c, std::unique_ptr<transport::stream> s) {
        return sender_transfer(st, std::move(c), std::move(s));
    });
    if (auto s = h.start(); !s) {
        rep.error("cannot listen: " + s.error().message(), exit_error);
        return exit_error;
    }
    std::vector<std::string> addrs;
    for (const auto& a : h.listen_addrs()) {
        addrs.push_back(a.to_string());
    }
    if (rep.json_mode()) {
        rep.event({{"event", "code"}, {"words", std::string(phrase.view())}});
        rep.event({{"event", "listening"}, {"peer_id", h.id().to_string()}, {"addrs", addrs}});
    } else if (opts.verbosity < 0) {
        std::fprintf(stderr, "%s\n", std::string(phrase.view()).c_str()); // -q: the code alone, still needed
    } else {
        std::fprintf(stderr, "Code is: %s\nOn the other machine, run:\n\n\tpcp receive %s\n\n", std::string(phrase.view()).c_str(),
                     std::string(phrase.view()).c_str());
        rep.detail("Peer ID: " + h.id().to_string());
        for (const auto& a : addrs) {
            rep.detail("Listening on " + a);
        }
    }
    int signal_exit = 0;
    bool signalled = false;
    asio::co_spawn(pool.executor(0), sender_main(st, channel), asio::detached);
    asio::co_spawn(pool.executor(0), on_signal(pool, rep, signal_exit, signalled, false), asio::detached);
    pool.run();
    pool.join();
    return signalled ? signal_exit : st.exit;
}

// ---------------------------------------------------------------------------------------------
// receive

namespace {

/// A sender candidate from mDNS or the DHT.
struct candidate {
    p2p::peer::peer_id id;
    std::vector<p2p::peer::multiaddr> addrs;
    const char* via = "";
};

struct receiver_state {
    engine::core_pool& pool;
    reporter& rep;
    const receive_command_options& opts;
    words::secret_string password;
    std::uint32_t channel;
    p2p::host::host& host;
    p2p::kad::dht* dht = nullptr;
    std::vector<p2p::peer::multiaddr> bootstrap;
    int exit = exit_error;
    // Discovery hands candidates to the main loop through this queue.
    std::deque<candidate> found;
    std::vector<p2p::peer::peer_id> seen;
    std::unique_ptr<engine::notifier> wake;
    int methods_alive = 0; ///< discovery methods still searching
};

void offer_candidate(receiver_state& st, candidate c)
{
    if (std::find(st.seen.begin(), st.seen.end(), c.id) != st.seen.end()) {
        return;
    }
    st.seen.push_back(c.id);
    st.found.push_back(std::move(c));
    st.wake->notify();
}

/// A discovery method that gave up: the main loop stops early once none is left.
void method_gone(receiver_state& st)
{
    --st.methods_alive;
    st.wake->notify();
}

class cli_prompt final : public transfer::prompt {
public:
    explicit cli_prompt(bool yes) : yes_(yes) {}
    /// Asks on the controlling terminal (stdin when there is none) without blocking the event loop:
    /// yamux keepalives and window updates keep flowing while the user thinks.
    task<bool> confirm(const transfer::offer&) override
    {
        if (yes_) {
            co_return true;
        }
        int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
        bool tty = fd >= 0;
        if (!tty) {
            fd = ::dup(STDIN_FILENO);
        }
        if (fd < 0) {
            co_return false;
        }
        const std::string question = "Accept the transfer? [y/N] ";
        if (tty) {
            auto w = ::write(fd, question.data(), question.size());
            (void)w;
        } else {
            std::fprintf(stderr, "%s", question.c_str());
            std::fflush(stderr);
        }
        asio::posix::stream_descriptor in(co_await asio::this_coro::executor, fd);
        std::string answer;
        char buf[64];
        while (answer.size() < 64 && answer.find('\n') == std::string::npos) {
            auto [ec, n] = co_await in.async_read_some(asio::buffer(buf), use_task);
            if (ec || n == 0) {
                break; // EOF or error: no
            }
            answer.append(buf, n);
        }
        answer = answer.substr(0, answer.find('\n'));
        while (!answer.empty() && (answer.back() == '\r' || answer.back() == ' ')) {
            answer.pop_back();
        }
        for (auto& c : answer) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        co_return answer == "y" || answer == "yes";
    }

private:
    bool yes_;
};

/// Connect to one found peer, authenticate, and receive. Returns the exit code, or nullopt when
/// this peer did not work out and the next one may be tried.
task<std::optional<int>> try_peer(receiver_state& st, candidate peer)
{
    spdlog::debug("receive: found {} via {} ({} addresses)", peer.id.to_string(), peer.via, peer.addrs.size());
    // LAN addresses first, loopback last: loopback only helps when both ends share a host.
    std::stable_partition(peer.addrs.begin(), peer.addrs.end(), [](const p2p::peer::multiaddr& a) {
        auto ep = p2p::host::to_endpoint(a.without_peer());
        return ep && !ep->address().is_loopback();
    });
    auto dial = st.host.connect(peer.addrs, peer.id);
    auto c = co_await engine::with_timeout(std::move(dial), std::chrono::seconds(10));
    if (!c) {
        st.rep.detail(fmt::format("cannot connect to {}: {}", peer.id.to_string(), c.error().message()));
        co_return std::nullopt;
    }
    auto conn = c.value();
    st.rep.event({{"event", "peer_found"}, {"peer_id", conn->remote_peer().to_string()}, {"addr", conn->remote_addr().to_string()},
                  {"via", peer.via}});
    st.rep.detail(fmt::format("Connected to {} at {}", conn->remote_peer().to_string(), conn->remote_addr().to_string()));
    spdlog::debug("receive: connected to {}", conn->remote_addr().to_string());
    std::vector<std::string> pake_protos{std::string(pake::protocol_id)};
    auto ps = co_await conn->open_stream(std::move(pake_protos));
    if (!ps) {
        st.rep.detail(fmt::format("{} does not speak {}: {}", conn->remote_peer().to_string(), pake::protocol_id, ps.error().message()));
        conn->close();
        co_return std::nullopt;
    }
    const auto& self = st.host.id().bytes();
    const auto& remote = conn->remote_peer().bytes();
    auto key = co_await pake::run(*ps.value().stream, pake::role::initiator, st.password.bytes(), self, remote,
                                  conn->handshake_hash(), std::chrono::seconds(30));
    if (!key) {
        if (key.error() == make_error_code(pake::errc::wrong_code)) {
            st.rep.error("wrong code: the sender did not accept it (check the words and try again)", exit_auth_failed);
            conn->close();
            co_return exit_auth_failed;
        }
        st.rep.detail(fmt::format("authentication with {} failed: {}", conn->remote_peer().to_string(), key.error().message()));
        conn->close();
        co_return std::nullopt;
    }
    st.rep.event({{"event", "authenticated"}, {"peer_id", conn->remote_peer().to_string()}});
    spdlog::debug("receive: authenticated");
    std::vector<std::string> tprotos{std::string(transfer_protocol)};
    auto ts = co_await conn->open_stream(std::move(tprotos));
    if (!ts) {
        st.rep.error("the sender refused the transfer stream: " + ts.error().message(), exit_error);
        co_return exit_error;
    }
    transfer::receive_options o;
    o.output_dir = st.opts.output;
    o.overwrite = st.opts.overwrite;
    o.sync = !st.opts.no_sync;
    o.agent = "pcp/" PCP_VERSION;
    o.discard_data = discard_sink();
    cli_prompt ask(st.opts.yes);
    auto t0 = steady::now();
    auto r = co_await transfer::receive(*ts.value().stream, o, ask, st.rep);
    st.rep.finish_progress();
    if (!r) {
        auto code = r.error() == make_error_code(transfer::errc::conflicts) ? exit_error : transfer_exit_code(r.error());
        st.rep.error(transfer_message(r.error(), st.rep, true), code);
        conn->close();
        co_return code;
    }
    double secs = std::chrono::duration<double>(steady::now() - t0).count();
    const auto& sum = r.value();
    spdlog::debug("receive: transfer done");
    st.rep.event({{"event", "done"}, {"files", sum.files}, {"directories", sum.directories}, {"bytes", sum.bytes},
                  {"seconds", secs}, {"synced", sum.synced}});
    st.rep.say(fmt::format("Received {} file{} ({}) in {:.2f} s, {}/s into {}", sum.files, sum.files == 1 ? "" : "s",
                           human_bytes(sum.bytes), secs, human_bytes(static_cast<std::uint64_t>(secs > 0 ? sum.bytes / secs : 0)),
                           st.opts.output));
    conn->close();
    co_return exit_ok;
}

/// mDNS: ask for the current and the previous slot's name, over and over.
task<void> mdns_search(receiver_state& st, p2p::mdns::mdns_service& mdns)
{
    for (;;) {
        auto round_start = steady::now();
        auto ids = words::search_discovery_ids(now_nanos(), st.channel);
        for (const auto& id : ids) {
            if (auto cs = co_await asio::this_coro::cancellation_state; cs.cancelled() != asio::cancellation_type::none) {
                co_return;
            }
            auto found = co_await mdns.find(mdns_service_for(id), std::chrono::milliseconds(500));
            if (!found) {
                if (found.error() == asio::error::operation_aborted) {
                    co_return;
                }
                continue;
            }
            for (auto& p : found.value()) {
                offer_candidate(st, candidate{std::move(p.id), std::move(p.addrs), "mdns"});
            }
        }
        // find() answers from its cache without suspending. Once every searched name is cached
        // (after a slot roll-over the sender answers for both) an unpaced loop never yields and
        // starves the transfer on this core: pace the rounds.
        auto left = round_start + std::chrono::milliseconds(500) - steady::now();
        if (left > duration::zero() && co_await engine::sleep_for(left)) {
            co_return; // cancelled
        }
    }
}

/// The DHT: bootstrap, then GET_PROVIDERS for the current and the previous slot, repeated with
/// backoff until the sender shows up (DESIGN §4).
task<void> dht_search(receiver_state& st)
{
    auto n = co_await start_dht(*st.dht, st.opts.dht, std::move(st.bootstrap), st.rep, std::chrono::seconds(30));
    if (!n) {
        st.rep.warning("DHT unavailable: " + n.error().message());
        method_gone(st);
        co_return;
    }
    receiver_state* stp = &st;
    auto found = [stp](const p2p::kad::peer_info& p) { offer_candidate(*stp, candidate{p.id, p.addrs, "dht"}); };
    auto pause = std::chrono::milliseconds(500);
    for (int round = 1;; ++round) {
        auto ids = words::search_discovery_ids(now_nanos(), st.channel);
        for (const auto& id : ids) {
            if (auto cs = co_await asio::this_coro::cancellation_state; cs.cancelled() != asio::cancellation_type::none) {
                co_return;
            }
            st.rep.event({{"event", "dht_lookup"}, {"key", discovery_cid(id)}, {"round", round}});
            auto r = co_await st.dht->find_providers(p2p::kad::discovery_key(id), 4, found);
            if (!r) {
                spdlog::debug("receive: DHT lookup failed: {}", r.error().message());
                if (r.error() == make_error_code(boost::system::errc::operation_canceled)) {
                    co_return;
                }
            }
        }
        if (co_await engine::sleep_for(pause)) {
            co_return; // cancelled
        }
        pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::seconds(8));
    }
}

/// Try candidates as they come, until one works, every method gave up, or the deadline.
task<std::optional<int>> try_candidates(receiver_state& st, steady::time_point deadline)
{
    while (steady::now() < deadline) {
        while (!st.found.empty()) {
            auto c = std::move(st.found.front());
            st.found.pop_front();
            auto r = co_await try_peer(st, std::move(c));
            if (r) {
                co_return r;
            }
        }
        if (st.methods_alive <= 0) {
            co_return std::nullopt;
        }
        auto left = deadline - steady::now();
        auto race = st.wake->wait() || engine::sleep_for(std::max<duration>(left, std::chrono::milliseconds(1)));
        auto woke = co_await std::move(race);
        if (woke.index() == 0 && !std::get<0>(woke)) {
            co_return std::nullopt; // cancelled
        }
    }
    co_return std::nullopt;
}

task<void> receiver_main(receiver_state& st)
{
    auto deadline = steady::now() + std::chrono::duration_cast<duration>(std::chrono::duration<double>(st.opts.timeout_seconds));
    st.wake = std::make_unique<engine::notifier>(st.pool.executor(0));
    std::unique_ptr<p2p::mdns::mdns_service> mdns;
    if (!st.opts.no_mdns) {
        auto m = p2p::mdns::mdns_service::open(st.pool.executor(0));
        if (!m) {
            st.rep.warning("mDNS unavailable: " + m.error().message());
        } else {
            mdns = std::move(m.value());
            asio::co_spawn(st.pool.executor(0), mdns->run(), asio::detached);
        }
    }
    st.methods_alive = (mdns ? 1 : 0) + (st.dht ? 1 : 0);
    if (st.methods_alive == 0) {
        st.rep.error("no discovery method left (mDNS is off or unavailable, and the DHT is off)", exit_not_found);
        st.exit = exit_not_found;
        st.pool.stop();
        co_return;
    }
    st.rep.say(mdns && st.dht ? "Looking for the sender on the local network and in the DHT…"
               : mdns         ? "Looking for the sender on the local network…"
                              : "Looking for the sender in the DHT…");
    std::optional<int> result;
    {
        auto search = try_candidates(st, deadline);
        if (mdns && st.dht) {
            auto all = std::move(search) || (mdns_search(st, *mdns) && dht_search(st));
            auto r = co_await std::move(all);
            if (r.index() == 0) {
                result = std::get<0>(r);
            }
        } else if (mdns) {
            auto all = std::move(search) || mdns_search(st, *mdns);
            auto r = co_await std::move(all);
            if (r.index() == 0) {
                result = std::get<0>(r);
            }
        } else {
            auto all = std::move(search) || dht_search(st);
            auto r = co_await std::move(all);
            if (r.index() == 0) {
                result = std::get<0>(r);
            }
        }
    }
    if (!result) {
        if (st.methods_alive <= 0 && steady::now() < deadline) {
            st.rep.error("no sender found: every discovery method failed (see the warnings above)", exit_not_found);
        } else {
            st.rep.error(fmt::format("no sender found for this code within {:.0f} s", st.opts.timeout_seconds), exit_not_found);
        }
        result = exit_not_found;
    }
    st.exit = *result;
    if (mdns) {
        mdns->stop();
    }
    st.host.stop();
    co_await engine::sleep_for(std::chrono::milliseconds(10)); // GoAway and mDNS goodbyes out
    st.pool.stop();
}

} // namespace

int run_receive(receive_command_options opts)
{
    reporter rep(opts.json, opts.verbosity, "receive");
    std::optional<std::string> text = opts.code;
    if (!text) {
        if (const char* env = std::getenv("PCP_WORDS")) {
            text = std::string(env);
            ::unsetenv("PCP_WORDS"); // read once; do not leak it to children
        }
    }
    if (!text) {
        text = read_secret_line("Enter the code: ");
        if (!text) {
            rep.error("no code given (argument, PCP_WORDS or the prompt)", exit_usage);
            return exit_usage;
        }
    }
    words::parse_error detail;
    auto code = words::parse(*text, &detail);
    words::wipe(text->data(), text->size());
    if (opts.code) {
        words::wipe(opts.code->data(), opts.code->size());
    }
    if (!code) {
        rep.error("the code: " + detail.message(), exit_usage);
        return exit_usage;
    }
    std::error_code ec;
    if (!std::filesystem::exists(opts.output, ec)) {
        std::filesystem::create_directory(opts.output, ec); // one level, like mkdir
        if (ec) {
            rep.error(fmt::format("-o {}: cannot create it: {}", opts.output, ec.message()), exit_usage);
            return exit_usage;
        }
    }
    if (!std::filesystem::is_directory(opts.output, ec)) {
        rep.error(fmt::format("-o {}: not a directory", opts.output), exit_usage);
        return exit_usage;
    }
    // A read-only filesystem refuses every write below -o: say so before looking for the sender,
    // who can then still serve another receive. (Permissions are left to the transfer: an
    // existing subdirectory may be writable where -o itself is not.)
    if (!discard_sink() && ::access(opts.output.c_str(), W_OK) != 0 && errno == EROFS) {
        rep.error(fmt::format("-o {}: {}", opts.output, std::strerror(EROFS)), exit_error);
        return exit_error;
    }
    auto listen = parse_listen(opts.listen);
    if (!listen) {
        rep.error("--listen: " + listen.error().message(), exit_usage);
        return exit_usage;
    }
    std::vector<p2p::peer::multiaddr> bootstrap;
    if (!opts.no_dht) {
        auto b = bootstrap_or_report(opts.dht, rep);
        if (!b) {
            return exit_usage;
        }
        bootstrap = std::move(*b);
    }
    engine::core_pool pool(engine::core_pool_options{.cores = 1});
    p2p::host::host_config cfg;
    cfg.agent_version = "pcp/" PCP_VERSION;
    cfg.idle_timeout = duration::zero();
    if (!opts.listen.empty()) {
        cfg.listen = listen.value(); // the receiver dials out; listening only matters for later NAT work
    }
    p2p::host::host h(pool, p2p::peer::ed25519_keypair::generate(), cfg);
    std::unique_ptr<p2p::kad::dht> dht;
    if (!opts.no_dht) {
        dht = make_dht(h, opts.dht);
    }
    if (auto s = h.start(); !s) {
        rep.error("cannot listen: " + s.error().message(), exit_error);
        return exit_error;
    }
    receiver_state st{pool, rep, opts, words::password(code.value()), words::channel_id(code.value()), h};
    st.dht = dht.get();
    st.bootstrap = std::move(bootstrap);
    int signal_exit = 0;
    bool signalled = false;
    asio::co_spawn(pool.executor(0), receiver_main(st), asio::detached);
    asio::co_spawn(pool.executor(0), on_signal(pool, rep, signal_exit, signalled, true), asio::detached);
    pool.run();
    pool.join();
    return signalled ? signal_exit : st.exit;
}

} // namespace pcp::cli
