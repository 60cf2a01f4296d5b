// SPDX-License-Identifier: MIT
#include "p2p/host/host.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/cancel.hpp"
#include "engine/errc.hpp"
#include "p2p/identify/errc.hpp"
#include "p2p/identify/service.hpp"
#include "p2p/ping/service.hpp"

namespace pcp::p2p::host {

namespace {

task<void> serve_ping(std::shared_ptr<connection> c, std::unique_ptr<transport::stream> s)
{
    auto r = co_await ping::serve(*s);
    if (!r) {
        spdlog::debug("ping: {}: {}", c->remote_peer().to_string(), r.error().message());
    }
}

/// Return free heap pages to the OS once a wave of closing connections has had time to free its
/// buffers. Holds no reference to the host (it may be gone by then).
task<void> release_freed_memory(std::shared_ptr<std::atomic<bool>> pending)
{
    auto slept = co_await engine::sleep_for(std::chrono::milliseconds(500));
    pending->store(false);
    if (slept) {
        co_return; // cancelled: the engine is stopping
    }
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

} // namespace

peer::multiaddr to_multiaddr(const asio::ip::tcp::endpoint& ep)
{
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
        addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    }
    auto text = fmt::format("/{}/{}/tcp/{}", addr.is_v4() ? "ip4" : "ip6", addr.to_string(), ep.port());
    auto ma = peer::multiaddr::from_string(text);
    return ma ? ma.value() : peer::multiaddr{};
}

std::optional<asio::ip::tcp::endpoint> to_endpoint(const peer::multiaddr& ma)
{
    auto ip = ma.ip_port();
    if (!ip || ip->proto != peer::ip_endpoint::transport::tcp) {
        return std::nullopt;
    }
    error_code ec;
    auto addr = asio::ip::make_address(ip->ip_string(), ec);
    if (ec) {
        return std::nullopt;
    }
    return asio::ip::tcp::endpoint(addr, ip->port);
}

// ---------------------------------------------------------------------------------------------
// connection

connection::connection(host& h, upgraded up, peer::multiaddr local, peer::multiaddr remote, bool outbound,
                       asio::any_io_executor ex)
    : host_(h), mux_(std::move(up.mux)), info_(std::move(up.info)), local_(std::move(local)), remote_(std::move(remote)),
      outbound_(outbound), ex_(ex), identified_(ex)
{
}

task<result<multistream::negotiated>> connection::open_stream(std::vector<std::string> protocols)
{
    PCP_CO_TRY(auto s, co_await mux_->open_stream());
    auto negotiation = multistream::select_outbound(std::move(s), std::move(protocols));
    co_return co_await engine::with_timeout(std::move(negotiation), host_.cfg_.negotiation_timeout);
}

task<result<identify::message>> connection::remote_identify(duration timeout)
{
    auto deadline = steady::now() + timeout;
    while (!identify_ && !identify_error_) {
        if (steady::now() >= deadline || closed()) {
            co_return make_error_code(pcp::errc::timed_out);
        }
        asio::steady_timer t(ex_, deadline);
        auto wait = identified_.wait() || t.async_wait(use_task);
        co_await std::move(wait);
    }
    if (identify_error_) {
        co_return identify_error_;
    }
    co_return *identify_;
}

// ---------------------------------------------------------------------------------------------
// host

host::host(engine::core_pool& pool, peer::ed25519_keypair identity, host_config cfg)
    : pool_(pool), identity_(std::move(identity)), id_(identity_.id()), cfg_(std::move(cfg))
{
    handle(std::string(identify::protocol_id), nullptr); // served by route() itself
    handle(std::string(identify::push_protocol_id), nullptr);
    handle(std::string(ping::protocol_id), &serve_ping);
}

host::~host()
{
    stop();
    // If the engine has already stopped, run the closes posted by stop() and the completions of
    // the operations they cancel now, while this host (which those coroutines use) still exists.
    pool_.drain();
}

void host::handle(std::string protocol, stream_handler h)
{
    if (!handlers_.contains(protocol)) {
        protocol_order_.push_back(protocol);
    }
    handlers_[std::move(protocol)] = std::move(h);
}

std::vector<std::string> host::protocols() const
{
    return protocol_order_;
}

result<void> host::start()
{
    for (const auto& ma : cfg_.listen) {
        auto ep = to_endpoint(ma);
        if (!ep) {
            return make_error_code(boost::system::errc::address_family_not_supported);
        }
        PCP_TRY(auto l, transport::tcp::listener::open(pool_.executor(0), *ep));
        auto bound = l.local_endpoint();
        listeners_.push_back(std::make_unique<transport::tcp::listener>(std::move(l)));
        bound_.push_back(to_multiaddr(bound));
    }
    for (std::size_t i = 0; i < listeners_.size(); ++i) {
        asio::co_spawn(pool_.executor(0), accept_loop(i), asio::detached);
    }
    return ok();
}

std::vector<peer::multiaddr> host::listen_addrs() const
{
    std::vector<peer::multiaddr> out;
    ifaddrs* ifs = nullptr;
    if (getifaddrs(&ifs) != 0) {
        ifs = nullptr;
    }
    for (const auto& b : bound_) {
        auto ep = to_endpoint(b);
        if (!ep || !ep->address().is_unspecified()) {
            out.push_back(b);
            continue;
        }
        bool v6 = ep->address().is_v6();
        for (auto* i = ifs; i; i = i->ifa_next) {
            if (!i->ifa_addr || !(i->ifa_flags & IFF_UP)) {
                continue;
            }
            asio::ip::address a;
            if (!v6 && i->ifa_addr->sa_family == AF_INET) {
                auto* sin = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
                a = asio::ip::address_v4(ntohl(sin->sin_addr.s_addr));
            } else if (v6 && i->ifa_addr->sa_family == AF_INET6) {
                auto* sin6 = reinterpret_cast<sockaddr_in6*>(i->ifa_addr);
                asio::ip::address_v6::bytes_type bytes;
                std::copy_n(reinterpret_cast<const unsigned char*>(&sin6->sin6_addr), 16, bytes.begin());
                auto a6 = asio::ip::address_v6(bytes);
                if (a6.is_link_local()) {
                    continue; // would need an ip6zone; not dialable from elsewhere anyway
                }
                a = a6;
            } else {
                continue;
            }
            out.push_back(to_multiaddr({a, ep->port()}));
        }
    }
    if (ifs) {
        freeifaddrs(ifs);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void host::stop()
{
    std::vector<std::shared_ptr<connection>> conns;
    {
        std::lock_guard lock(mu_);
        if (stopped_) {
            return;
        }
        stopped_ = true;
        conns = conns_;
    }
    for (auto& l : listeners_) {
        asio::post(pool_.executor(0), [l = l.get()] { l->close(); });
    }
    for (auto& c : conns) {
        asio::post(c->executor(), [c] { c->close(); });
    }
}

std::size_t host::connection_count() const
{
    std::lock_guard lock(mu_);
    return conns_.size();
}

std::vector<std::shared_ptr<connection>> host::connections() const
{
    std::lock_guard lock(mu_);
    return conns_;
}

void host::remove(const connection* c)
{
    bool release = false;
    {
        std::lock_guard lock(mu_);
        std::erase_if(conns_, [c](const auto& p) { return p.get() == c; });
        auto closed = conns_peak_ - std::min(conns_peak_, conns_.size());
        if (cfg_.release_memory_after > 0 && !stopped_ && closed >= cfg_.release_memory_after &&
            conns_.size() <= conns_peak_ / 2) {
            conns_peak_ = conns_.size();
            release = !release_pending_->exchange(true);
        }
    }
    if (release) {
        asio::co_spawn(pool_.executor(0), release_freed_memory(release_pending_), asio::detached);
    }
}

void host::note_added_locked()
{
    conns_peak_ = std::max(conns_peak_, conns_.size());
}

identify::message host::identify_for(const connection& c) const
{
    identify::message m;
    m.protocol_version = "ipfs/0.1.0";
    m.agent_version = cfg_.agent_version;
    m.public_key = identity_.public_key().to_protobuf();
    for (const auto& a : listen_addrs()) {
        m.listen_addrs.push_back(a.bytes());
    }
    m.observed_addr = c.remote_addr().bytes();
    m.protocols = protocol_order_;
    return m;
}

task<void> host::accept_loop(std::size_t index)
{
    auto& l = *listeners_[index];
    for (;;) {
        auto core = pool_.least_loaded_core();
        engine::core_pool::load_guard load(pool_, core);
        auto s = co_await l.accept(pool_.context(core));
        if (!s) {
            if (s.error() == asio::error::operation_aborted || s.error() == asio::error::bad_descriptor) {
                co_return; // listener closed
            }
            spdlog::warn("host: accept failed: {}", s.error().message());
            co_await engine::sleep_for(std::chrono::milliseconds(50)); // e.g. EMFILE: back off
            continue;
        }
        bool admit = false;
        {
            std::lock_guard lock(mu_);
            if (!stopped_ && conns_.size() + pending_handshakes_ < cfg_.max_connections &&
                pending_handshakes_ < cfg_.max_pending_handshakes) {
                ++pending_handshakes_;
                admit = true;
            }
        }
        if (!admit) {
            spdlog::info("host: refusing inbound connection from {}: connection limit",
                         s.value().remote_endpoint().address().to_string());
            s.value().abort();
            continue;
        }
        asio::co_spawn(pool_.executor(core), inbound(std::move(s.value()), std::move(load)), asio::detached);
    }
}

task<void> host::inbound(transport::tcp::tcp_stream s, engine::core_pool::load_guard load)
{
    auto ex = co_await asio::this_coro::executor;
    auto local = to_multiaddr(s.local_endpoint());
    auto remote = to_multiaddr(s.remote_endpoint());
    auto up = upgrade(std::make_unique<transport::tcp::tcp_stream>(std::move(s)), false, identity_, std::nullopt, cfg_.yamux);
    auto r = co_await engine::with_timeout(std::move(up), cfg_.handshake_timeout);
    std::shared_ptr<connection> c;
    {
        std::lock_guard lock(mu_);
        --pending_handshakes_;
        if (r && !stopped_) {
            c = std::make_shared<connection>(*this, std::move(r.value()), local, remote, false, ex);
            conns_.push_back(c);
            note_added_locked();
        }
    }
    if (!r) {
        spdlog::info("host: inbound handshake from {} failed: {}", remote.to_string(), r.error().message());
        co_return;
    }
    if (!c) {
        r.value().mux->abort();
        co_return;
    }
    spdlog::debug("host: inbound connection from {} at {}", c->remote_peer().to_string(), remote.to_string());
    co_await serve(c);
}

void host::start_serving(const std::shared_ptr<connection>& c)
{
    asio::co_spawn(c->executor(), serve(c), asio::detached);
}

task<void> host::serve(std::shared_ptr<connection> c)
{
    asio::co_spawn(c->executor(), identify_remote(c), asio::detached);
    auto streams = accept_streams(c) || idle_watch(c);
    auto all = c->mux_->run() && std::move(streams);
    co_await std::move(all);
    remove(c.get());
    c->identified_.notify();
    spdlog::debug("host: connection to {} closed: {}", c->remote_peer().to_string(), c->mux_->close_reason().message());
}

task<void> host::accept_streams(std::shared_ptr<connection> c)
{
    for (;;) {
        auto s = co_await c->mux_->accept_stream();
        if (!s) {
            co_return;
        }
        asio::co_spawn(c->executor(), route(c, std::move(s.value())), asio::detached);
    }
}

task<void> host::idle_watch(std::shared_ptr<connection> c)
{
    if (cfg_.idle_timeout == duration::zero()) {
        co_await engine::sleep_for(duration::max() / 4);
        co_return;
    }
    auto idle_since = steady::now();
    for (;;) {
        auto ec = co_await engine::sleep_for(std::max<duration>(cfg_.idle_timeout / 4, std::chrono::milliseconds(50)));
        if (ec || c->closed()) {
            co_return;
        }
        auto now = steady::now();
        if (c->mux_->stream_count() > 0) {
            idle_since = now;
        } else if (now - idle_since >= cfg_.idle_timeout) {
            spdlog::debug("host: closing idle connection to {}", c->remote_peer().to_string());
            c->close();
            co_return;
        }
    }
}

task<void> host::identify_remote(std::shared_ptr<connection> c)
{
    std::vector<std::string> protos{std::string(identify::protocol_id)};
    auto opened = co_await c->open_stream(std::move(protos));
    spdlog::debug("identify: stream to {}: {}", c->remote_peer().to_string(), opened ? "open" : opened.error().message());
    result<identify::message> r = make_error_code(pcp::errc::closed);
    if (opened) {
        auto req = identify::request(*opened.value().stream);
        r = co_await engine::with_timeout(std::move(req), cfg_.identify_timeout);
    } else {
        r = opened.error();
    }
    if (r) {
        // The identify must carry the connection's own key (js rejects otherwise; so do we).
        if (!r.value().public_key) {
            r = make_error_code(identify::errc::missing_public_key);
        } else {
            auto key = peer::public_key::from_protobuf(*r.value().public_key);
            if (!key || key.value().to_peer_id() != c->remote_peer()) {
                r = make_error_code(identify::errc::key_mismatch);
            }
        }
    }
    if (r) {
        c->identify_ = std::move(r.value());
    } else {
        c->identify_error_ = r.error();
        spdlog::debug("identify: {}: {}", c->remote_peer().to_string(), r.error().message());
    }
    c->identified_.notify();
    if (on_identified) {
        on_identified(*c);
    }
}

task<void> host::route(std::shared_ptr<connection> c, std::unique_ptr<transport::stream> s)
{
    auto negotiation = multistream::select_inbound(std::move(s), protocol_order_);
    auto r = co_await engine::with_timeout(std::move(negotiation), cfg_.negotiation_timeout);
    if (!r) {
        spdlog::debug("host: stream negotiation with {} failed: {}", c->remote_peer().to_string(), r.error().message());
        co_return;
    }
    auto& n = r.value();
    spdlog::debug("host: inbound stream from {} speaks {}", c->remote_peer().to_string(), n.protocol);
    if (n.protocol == identify::protocol_id) {
        auto m = identify_for(*c);
        auto w = co_await identify::serve(*n.stream, m);
        (void)w;
        co_return;
    }
    if (n.protocol == identify::push_protocol_id) {
        auto m = co_await engine::with_timeout(identify::request(*n.stream), cfg_.identify_timeout);
        if (m && c->identify_) {
            identify::merge(*c->identify_, std::move(m.value()));
        }
        co_return;
    }
    auto it = handlers_.find(n.protocol);
    if (it != handlers_.end() && it->second) {
        co_await it->second(c, std::move(n.stream));
    }
}

// ---------------------------------------------------------------------------------------------
// dialing

struct host::dial_race {
    explicit dial_race(asio::any_io_executor ex) : done(ex) {}
    engine::notifier done;
    std::shared_ptr<connection> winner;
    error_code last_error;
    std::size_t pending = 0;
    bool finished = false;
};

task<result<std::shared_ptr<connection>>> host::dial_one(peer::multiaddr addr, std::optional<peer::peer_id> expected)
{
    auto ex = co_await asio::this_coro::executor;
    auto ep = to_endpoint(addr);
    if (!ep) {
        co_return make_error_code(boost::system::errc::address_family_not_supported);
    }
    PCP_CO_TRY(auto tcp, co_await transport::tcp::dial(ex, *ep));
    auto local = to_multiaddr(tcp.local_endpoint());
    auto remote = to_multiaddr(tcp.remote_endpoint());
    PCP_CO_TRY(auto up, co_await upgrade(std::make_unique<transport::tcp::tcp_stream>(std::move(tcp)), true, identity_,
                                         expected, cfg_.yamux));
    co_return std::make_shared<connection>(*this, std::move(up), local, remote, true, ex);
}

task<void> host::dial_attempt(std::shared_ptr<dial_race> race, peer::multiaddr addr, std::optional<peer::peer_id> expected,
                              duration delay)
{
    if (delay > duration::zero()) {
        auto ec = co_await engine::sleep_for(delay);
        (void)ec;
    }
    if (!race->finished) {
        auto attempt = dial_one(addr, expected);
        auto r = co_await engine::with_timeout(std::move(attempt), cfg_.dial_timeout);
        spdlog::debug("host: dial {}: {}", addr.to_string(), r ? "connected" : r.error().message());
        if (r && !race->finished) {
            race->finished = true;
            race->winner = std::move(r.value());
        } else if (r) {
            r.value()->mux_->abort(); // lost the race
        } else {
            spdlog::debug("host: dial {} failed: {}", addr.to_string(), r.error().message());
            race->last_error = r.error();
        }
    }
    --race->pending;
    race->done.notify();
}

task<result<std::shared_ptr<connection>>> host::connect(std::vector<peer::multiaddr> addrs, std::optional<peer::peer_id> expected)
{
    auto ex = co_await asio::this_coro::executor;
    std::vector<peer::multiaddr> dialable;
    for (auto& a : addrs) {
        if (auto p = a.peer()) {
            if (!expected) {
                expected = *p;
            } else if (*expected != *p) {
                continue; // an address of some other peer
            }
        }
        auto bare = a.without_peer();
        if (to_endpoint(bare)) {
            dialable.push_back(std::move(bare));
        }
    }
    if (expected) {
        std::lock_guard lock(mu_);
        for (auto& c : conns_) {
            if (c->remote_peer() == *expected && !c->closed() && c->executor() == ex) {
                co_return c; // dedup: reuse a live connection on this core
            }
        }
    }
    if (dialable.empty()) {
        co_return make_error_code(boost::system::errc::address_family_not_supported);
    }
    // Happy eyeballs (RFC 8305 in spirit): alternate IPv6 and IPv4, IPv6 first, each attempt
    // starting happy_eyeballs_delay after the previous one; the first to authenticate wins.
    {
        std::vector<peer::multiaddr> v6, v4, ordered;
        for (auto& m : dialable) {
            (m.has(peer::proto::ip6) ? v6 : v4).push_back(std::move(m));
        }
        for (std::size_t i = 0; i < std::max(v6.size(), v4.size()); ++i) {
            if (i < v6.size()) {
                ordered.push_back(std::move(v6[i]));
            }
            if (i < v4.size()) {
                ordered.push_back(std::move(v4[i]));
            }
        }
        dialable = std::move(ordered);
    }
    // Start the next attempt when the stagger delay has passed or when every attempt started so
    // far has failed, whichever comes first (RFC 8305 §5).
    auto race = std::make_shared<dial_race>(ex);
    std::size_t started = 0;
    asio::steady_timer stagger(ex);
    while (!race->finished) {
        if (started < dialable.size() && (started == 0 || race->pending == 0 || steady::now() >= stagger.expiry())) {
            ++race->pending;
            asio::co_spawn(ex, dial_attempt(race, dialable[started], expected, duration::zero()), asio::detached);
            ++started;
            stagger.expires_after(cfg_.happy_eyeballs_delay);
            continue;
        }
        if (race->pending == 0) {
            break; // every address failed
        }
        auto wake = race->done.wait() || stagger.async_wait(use_task);
        auto w = co_await std::move(wake);
        if (w.index() == 0 && !std::get<0>(w)) {
            race->finished = true;
            co_return make_error_code(asio::error::operation_aborted);
        }
    }
    if (!race->winner) {
        co_return race->last_error ? race->last_error : make_error_code(pcp::errc::closed);
    }
    auto c = race->winner;
    {
        std::lock_guard lock(mu_);
        if (stopped_) {
            c->mux_->abort();
            co_return make_error_code(pcp::errc::shutting_down);
        }
        conns_.push_back(c);
        note_added_locked();
    }
    start_serving(c);
    co_return c;
}

} // namespace pcp::p2p::host
