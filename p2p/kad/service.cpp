// SPDX-License-Identifier: MIT
#include "p2p/kad/service.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "engine/cancel.hpp"
#include "engine/errc.hpp"
#include "engine/notify.hpp"
#include "p2p/kad/errc.hpp"
#include "p2p/kad/handler.hpp"
#include "p2p/peer/addr_scope.hpp"
#include "p2p/peer/multihash.hpp"
#include "p2p/peer/protobuf.hpp"

namespace pcp::p2p::kad {

namespace pb = peer::pb;

namespace {

const char* dht_message(int ev) noexcept
{
    switch (static_cast<dht_errc>(ev)) {
    case dht_errc::no_peers: return "no DHT peers to ask (bootstrap reached no DHT server)";
    case dht_errc::not_found: return "not found in the DHT";
    case dht_errc::no_addresses: return "no address to announce (the public DHT only takes public addresses)";
    }
    return "unknown error";
}

} // namespace

const boost::system::error_category& dht_category() noexcept
{
    static const simple_category cat{"dht", &dht_message};
    return cat;
}

namespace {

/// Reads varint-length-prefixed messages from a stream, several per stream (go and js send
/// further requests on the same stream).
class frame_reader {
public:
    explicit frame_reader(std::size_t max_body) : max_(max_body) {}

    /// The next message body; nullopt on a clean EOF between messages.
    task<result<std::optional<byte_buffer>>> next(transport::stream& s)
    {
        for (;;) {
            auto f = pb::split_frame(bytes_view(pending_), max_);
            if (f.status == pb::frame_status::ok) {
                byte_buffer body(f.body.begin(), f.body.end());
                pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(f.total));
                co_return std::optional<byte_buffer>(std::move(body));
            }
            if (f.status != pb::frame_status::need_more) {
                co_return make_error_code(errc::too_large);
            }
            std::array<std::byte, 16 * 1024> buf{};
            PCP_CO_TRY(auto n, co_await s.read_some(buf));
            if (n == 0) {
                if (pending_.empty()) {
                    co_return std::optional<byte_buffer>();
                }
                co_return make_error_code(errc::malformed);
            }
            pending_.insert(pending_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
        }
    }

private:
    std::size_t max_;
    byte_buffer pending_;
};

/// Counts a fan-out of requests sent in parallel.
struct fanout {
    explicit fanout(asio::any_io_executor ex, std::size_t n) : pending(n), done(ex) {}
    std::size_t pending;
    std::size_t ok = 0;
    engine::notifier done;
};

task<void> send_one(dht& d, std::shared_ptr<fanout> f, peer::peer_id to, message m)
{
    auto r = co_await d.request(std::move(to), std::move(m));
    if (r) {
        ++f->ok;
    }
    --f->pending;
    f->done.notify();
}


} // namespace

/// One running lookup: the pure query machine plus what the asks report back.
struct dht::lookup {
    lookup(closest_peers_query q, asio::any_io_executor ex) : query(std::move(q)), wake(ex) {}
    closest_peers_query query;
    engine::notifier wake;
    bool over = false;
    std::size_t answered = 0;
    std::size_t failed = 0; ///< bootstrap: peers that did not answer
    /// Sees every reply; returns true to end the lookup early.
    std::function<bool(const peer::peer_id&, const message&)> on_reply;
};

dht::dht(host::host& h, dht_options opts)
    : host_(h),
      opts_(std::move(opts)),
      self_key_(kad_key(h.id().bytes())),
      table_(h.id(), opts_.cfg.k),
      providers_(opts_.cfg),
      records_(opts_.cfg)
{
}

dht::~dht() = default;

void dht::emit(const dht_event& e) const
{
    if (on_event) {
        on_event(e);
    }
}

bool dht::keep_addr(const peer::multiaddr& a) const
{
    if (opts_.allow_private) {
        auto s = peer::scope_of(a);
        return s != peer::addr_scope::unspecified && s != peer::addr_scope::unknown;
    }
    return peer::is_public(a);
}

void dht::add_addresses(const peer::peer_id& id, const std::vector<peer::multiaddr>& addrs)
{
    if (id == host_.id()) {
        return;
    }
    std::vector<peer::multiaddr> kept;
    for (const auto& a : addrs) {
        if (auto p = a.peer(); p && *p != id) {
            continue;
        }
        auto bare = a.without_peer();
        if (keep_addr(bare) && std::find(kept.begin(), kept.end(), bare) == kept.end() &&
            kept.size() < opts_.cfg.max_addrs_per_peer) {
            kept.push_back(std::move(bare));
        }
    }
    if (kept.empty()) {
        return;
    }
    auto expires = steady::now() + opts_.cfg.provider_addr_ttl;
    std::lock_guard lock(mu_);
    auto it = book_.find(id);
    if (it == book_.end()) {
        if (book_.size() >= opts_.max_address_book) {
            // Full: drop the entry that expires first, unless it is in the routing table.
            auto victim = book_.end();
            for (auto i = book_.begin(); i != book_.end(); ++i) {
                if (!table_.contains(i->first) && (victim == book_.end() || i->second.expires < victim->second.expires)) {
                    victim = i;
                }
            }
            if (victim == book_.end()) {
                return;
            }
            book_.erase(victim);
        }
        book_.emplace(id, book_entry{std::move(kept), expires});
        return;
    }
    auto& e = it->second;
    for (auto& a : kept) {
        if (std::find(e.addrs.begin(), e.addrs.end(), a) == e.addrs.end()) {
            if (e.addrs.size() >= opts_.cfg.max_addrs_per_peer) {
                e.addrs.erase(e.addrs.begin()); // newest addresses win
            }
            e.addrs.push_back(std::move(a));
        }
    }
    e.expires = expires;
}

std::vector<peer::multiaddr> dht::addresses_of(const peer::peer_id& id) const
{
    std::lock_guard lock(mu_);
    auto it = book_.find(id);
    if (it == book_.end()) {
        return {};
    }
    return it->second.addrs;
}

void dht::learn(const std::vector<peer_info>& peers)
{
    for (const auto& p : peers) {
        add_addresses(p.id, p.addrs);
    }
}

void dht::admit(const peer::peer_id& id, const asio::any_io_executor& ex)
{
    std::optional<peer::peer_id> stale;
    {
        std::lock_guard lock(mu_);
        auto r = table_.add(id, steady::now());
        if (r == routing_table::add_result::full) {
            stale = table_.eviction_candidate(id);
        }
    }
    if (stale) {
        // A full bucket: the least recently seen peer must prove it is alive, or make room.
        asio::co_spawn(ex, check_and_admit(*stale), asio::detached);
    }
}

std::vector<peer::peer_id> dht::routing_table_peers() const
{
    std::lock_guard lock(mu_);
    return table_.closest(self_key_, table_.size());
}

std::size_t dht::routing_table_size() const
{
    std::lock_guard lock(mu_);
    return table_.size();
}

std::size_t dht::provider_count() const
{
    std::lock_guard lock(mu_);
    return providers_.size();
}

// ---------------------------------------------------------------------------------------------
// Requests

task<result<message>> dht::request_inner(peer::peer_id to, message m)
{
    auto addrs = addresses_of(to);
    PCP_CO_TRY(auto conn, co_await host_.connect(std::move(addrs), to));
    std::vector<std::string> protos{std::string(protocol_id)};
    PCP_CO_TRY(auto neg, co_await conn->open_stream(std::move(protos)));
    auto& s = *neg.stream;
    byte_buffer out;
    pb::append_frame(encode(m), out);
    PCP_CO_TRY(co_await s.write_all(out));
    if (m.type == message_type::add_provider) {
        (void)co_await s.close_write(); // no reply comes (go and js just close)
        co_return message{};
    }
    frame_reader reader(opts_.cfg.max_message_size);
    PCP_CO_TRY(auto body, co_await reader.next(s));
    if (!body) {
        co_return make_error_code(errc::malformed); // closed without answering
    }
    (void)co_await s.close_write();
    s.abort();
    PCP_CO_TRY(auto reply, decode(*body, opts_.cfg));
    co_return reply;
}

task<result<message>> dht::request(peer::peer_id to, message m)
{
    co_return co_await engine::with_timeout(request_inner(std::move(to), std::move(m)), opts_.cfg.request_timeout);
}

task<void> dht::check_and_admit(peer::peer_id id)
{
    {
        std::lock_guard lock(mu_);
        if (std::find(checking_.begin(), checking_.end(), id) != checking_.end() || checking_.size() >= 64) {
            co_return;
        }
        checking_.push_back(id);
    }
    message m;
    m.type = message_type::find_node;
    m.key = id.bytes();
    auto r = co_await request(id, std::move(m));
    if (r) {
        learn(r.value().closer_peers); // takes the lock itself
    }
    std::lock_guard lock(mu_);
    std::erase(checking_, id);
    if (r) {
        table_.add(id, steady::now());
    } else {
        table_.remove(id);
    }
}

// ---------------------------------------------------------------------------------------------
// Serving (server mode)

void dht::install()
{
    if (opts_.server) {
        host_.handle(std::string(protocol_id), [this](std::shared_ptr<host::connection> c, std::unique_ptr<transport::stream> s) {
            return serve(std::move(c), std::move(s));
        });
    }
    // Peers that connect to us and say (identify) they are DHT servers join the routing table
    // once they answered a FIND_NODE (go's admission rule).
    auto previous = host_.on_identified;
    host_.on_identified = [this, previous](host::connection& c) {
        if (previous) {
            previous(c);
        }
        const auto* id = c.identify_value();
        if (!id) {
            return;
        }
        std::vector<peer::multiaddr> addrs;
        for (const auto& raw : id->listen_addrs) {
            if (auto ma = peer::multiaddr::from_bytes(raw)) {
                addrs.push_back(std::move(ma.value()));
            }
        }
        add_addresses(c.remote_peer(), addrs);
        bool server = std::find(id->protocols.begin(), id->protocols.end(), protocol_id) != id->protocols.end();
        if (server) {
            asio::co_spawn(c.executor(), check_and_admit(c.remote_peer()), asio::detached);
        }
    };
}

task<void> dht::serve(std::shared_ptr<host::connection> c, std::unique_ptr<transport::stream> s)
{
    frame_reader reader(opts_.cfg.max_message_size);
    const auto from = c->remote_peer();
    for (std::size_t served = 0; served < opts_.max_requests_per_stream; ++served) {
        auto next = co_await engine::with_timeout(reader.next(*s), opts_.stream_idle_timeout);
        if (!next || !next.value()) {
            break; // idle, EOF, oversized or broken framing
        }
        auto req = decode(*next.value(), opts_.cfg);
        if (!req) {
            spdlog::debug("kad: bad request from {}: {}", from.to_string(), req.error().message());
            s->abort();
            co_return;
        }
        result<std::optional<message>> handled = std::optional<message>();
        {
            std::lock_guard lock(mu_);
            kad::peer_lookup lookup = [this](const peer::peer_id& p) {
                auto it = book_.find(p);
                return peer_info{p, it == book_.end() ? std::vector<peer::multiaddr>{} : it->second.addrs, connection_type::not_connected};
            };
            handled = handle_request(req.value(), from, opts_.cfg, table_, providers_, records_, lookup, steady::now());
        }
        if (!handled) {
            spdlog::debug("kad: refused request from {}: {}", from.to_string(), handled.error().message());
            s->abort();
            co_return;
        }
        auto& reply = handled.value();
        if (!reply) {
            continue; // ADD_PROVIDER: no reply
        }
        if (!opts_.allow_private) {
            for (auto* list : {&reply->closer_peers, &reply->provider_peers}) {
                for (auto& p : *list) {
                    std::erase_if(p.addrs, [this](const peer::multiaddr& a) { return !keep_addr(a); });
                }
            }
        }
        byte_buffer out;
        pb::append_frame(encode(*reply), out);
        if (!co_await s->write_all(out)) {
            co_return;
        }
    }
    (void)co_await s->close_write();
}

// ---------------------------------------------------------------------------------------------
// Lookups

task<void> dht::ask(std::shared_ptr<lookup> l, peer::peer_id to, message req)
{
    auto r = co_await request(to, std::move(req));
    if (l->over) {
        co_return;
    }
    auto now = steady::now();
    if (!r) {
        spdlog::debug("kad: {} failed: {}", to.to_string(), r.error().message());
        l->query.on_failure(to, now);
        l->wake.notify();
        co_return;
    }
    const auto& reply = r.value();
    learn(reply.closer_peers);
    learn(reply.provider_peers);
    std::vector<peer::peer_id> closer;
    closer.reserve(reply.closer_peers.size());
    for (const auto& p : reply.closer_peers) {
        if (!addresses_of(p.id).empty() || host_.id() == p.id) {
            closer.push_back(p.id); // only peers we could dial
        }
    }
    admit(to, co_await asio::this_coro::executor); // it answered a DHT request: it is a server
    ++l->answered;
    bool stop = l->on_reply && l->on_reply(to, reply);
    l->query.on_success(to, closer, now);
    if (stop) {
        l->query.finish();
    }
    dht_event e{dht_event::kind::query_step, to, l->answered, {}};
    emit(e);
    l->wake.notify();
}

task<result<std::vector<peer::peer_id>>> dht::iterate(key256 target, message req, std::shared_ptr<lookup> l)
{
    auto ex = co_await asio::this_coro::executor;
    for (;;) {
        auto step = l->query.next(steady::now());
        if (auto* a = std::get_if<closest_peers_query::ask>(&step)) {
            asio::co_spawn(ex, ask(l, a->peer, req), asio::detached);
            continue;
        }
        if (std::holds_alternative<closest_peers_query::done>(step)) {
            break;
        }
        const auto& w = std::get<closest_peers_query::wait>(step);
        auto wait_for = w.until ? std::max<duration>(*w.until - steady::now(), std::chrono::milliseconds(1))
                                : opts_.cfg.request_timeout;
        auto race = l->wake.wait() || engine::sleep_for(wait_for);
        auto woke = co_await std::move(race);
        if (woke.index() == 0 && !std::get<0>(woke)) {
            l->over = true; // cancelled
            co_return make_error_code(boost::system::errc::operation_canceled);
        }
    }
    l->over = true;
    (void)target;
    co_return l->query.closest_succeeded(opts_.cfg.k);
}

result<std::shared_ptr<dht::lookup>> dht::start_lookup(const key256& target, asio::any_io_executor ex)
{
    std::vector<peer::peer_id> seeds;
    {
        std::lock_guard lock(mu_);
        seeds = table_.closest(target, opts_.cfg.k);
    }
    if (seeds.empty()) {
        return make_error_code(dht_errc::no_peers);
    }
    return std::make_shared<lookup>(closest_peers_query(target, std::move(seeds), opts_.cfg, steady::now(), host_.id()), std::move(ex));
}

task<result<std::vector<peer::peer_id>>> dht::closest_peers(byte_buffer key)
{
    auto target = kad_key(key);
    auto ex = co_await asio::this_coro::executor;
    PCP_CO_TRY(auto l, start_lookup(target, ex));
    message req;
    req.type = message_type::find_node;
    req.key = std::move(key);
    co_return co_await iterate(target, std::move(req), l);
}

task<result<peer_info>> dht::find_peer(peer::peer_id id)
{
    auto known = addresses_of(id);
    if (!known.empty()) {
        co_return peer_info{id, std::move(known), connection_type::not_connected};
    }
    PCP_CO_TRY(co_await closest_peers(id.bytes()));
    auto addrs = addresses_of(id);
    if (addrs.empty()) {
        co_return make_error_code(dht_errc::not_found);
    }
    co_return peer_info{id, std::move(addrs), connection_type::not_connected};
}

task<result<std::size_t>> dht::provide(byte_buffer mh, std::vector<peer::multiaddr> self_addrs)
{
    std::vector<peer::multiaddr> announced;
    for (auto& a : self_addrs) {
        auto bare = a.without_peer();
        if (keep_addr(bare) && std::find(announced.begin(), announced.end(), bare) == announced.end()) {
            announced.push_back(std::move(bare));
        }
    }
    if (announced.empty()) {
        co_return make_error_code(dht_errc::no_addresses);
    }
    {
        // A server answers GET_PROVIDERS for its own records too.
        peer_info me{host_.id(), announced, connection_type::connected};
        std::lock_guard lock(mu_);
        providers_.add(mh, me, steady::now());
    }
    PCP_CO_TRY(auto closest, co_await closest_peers(mh));
    message m;
    m.type = message_type::add_provider;
    m.key = mh;
    m.provider_peers.push_back(peer_info{host_.id(), std::move(announced), connection_type::connected});
    // ADD_PROVIDER has no reply: write it to all k at once, each bounded by the request timeout.
    auto ex = co_await asio::this_coro::executor;
    auto f = std::make_shared<fanout>(ex, closest.size());
    for (const auto& p : closest) {
        asio::co_spawn(ex, send_one(*this, f, p, m), asio::detached);
    }
    while (f->pending > 0) {
        bool woke = co_await f->done.wait();
        if (!woke) {
            break; // cancelled
        }
    }
    co_return f->ok;
}

task<result<std::size_t>> dht::find_providers(byte_buffer mh, std::size_t want, std::function<void(const peer_info&)> found)
{
    auto target = kad_key(mh);
    auto ex = co_await asio::this_coro::executor;
    PCP_CO_TRY(auto l, start_lookup(target, ex));
    auto seen = std::make_shared<std::vector<peer::peer_id>>();
    const auto self = host_.id();
    l->on_reply = [this, seen, want, found, self](const peer::peer_id&, const message& reply) {
        for (const auto& p : reply.provider_peers) {
            if (seen->size() >= want) {
                break; // enough: a reply listing thousands is not all handed on
            }
            if (p.id == self || std::find(seen->begin(), seen->end(), p.id) != seen->end()) {
                continue;
            }
            auto addrs = addresses_of(p.id);
            if (addrs.empty()) {
                continue; // nothing we could dial (or only addresses of the wrong scope)
            }
            seen->push_back(p.id);
            dht_event e{dht_event::kind::provider_found, p.id, seen->size(), {}};
            emit(e);
            if (found) {
                found(peer_info{p.id, std::move(addrs), p.connection});
            }
        }
        return seen->size() >= want;
    };
    message req;
    req.type = message_type::get_providers;
    req.key = std::move(mh);
    PCP_CO_TRY(co_await iterate(target, std::move(req), l));
    co_return seen->size();
}

task<void> dht::bootstrap_one(std::shared_ptr<lookup> l, peer::multiaddr addr)
{
    auto id = addr.peer();
    if (!id) {
        co_return;
    }
    std::vector<peer::multiaddr> one{addr};
    {
        // Bootstrap addresses are the user's choice: remember them whatever their scope.
        std::lock_guard lock(mu_);
        auto& e = book_[*id];
        auto bare = addr.without_peer();
        if (std::find(e.addrs.begin(), e.addrs.end(), bare) == e.addrs.end()) {
            e.addrs.push_back(std::move(bare));
        }
        e.expires = steady::now() + opts_.cfg.provider_addr_ttl;
    }
    message m;
    m.type = message_type::find_node;
    m.key = host_.id().bytes();
    auto r = co_await request(*id, std::move(m));
    if (l->over) {
        co_return;
    }
    if (!r) {
        ++l->failed;
        dht_event e{dht_event::kind::bootstrap_failed, *id, 0, r.error().message()};
        emit(e);
    } else {
        learn(r.value().closer_peers);
        admit(*id, co_await asio::this_coro::executor);
        ++l->answered;
        dht_event e{dht_event::kind::bootstrap_peer, *id, l->answered, {}};
        emit(e);
    }
    l->wake.notify();
}

task<result<std::size_t>> dht::bootstrap(std::vector<peer::multiaddr> peers, duration deadline)
{
    auto ex = co_await asio::this_coro::executor;
    auto until = steady::now() + deadline;
    auto l = std::make_shared<lookup>(closest_peers_query(self_key_, {}, opts_.cfg, steady::now(), host_.id()), ex);
    // One dial per bootstrap peer (addresses of the same peer are tried together by the host).
    std::map<peer::peer_id, std::vector<peer::multiaddr>> by_peer;
    for (auto& a : peers) {
        if (auto id = a.peer(); id && *id != host_.id()) {
            by_peer[*id].push_back(std::move(a));
        }
    }
    if (by_peer.empty()) {
        co_return make_error_code(dht_errc::no_peers);
    }
    std::size_t started = 0;
    std::size_t finished_before = 0;
    auto it = by_peer.begin();
    while (steady::now() < until) {
        while (it != by_peer.end() && started - finished_before < opts_.bootstrap_parallel) {
            for (std::size_t i = 1; i < it->second.size(); ++i) {
                add_addresses(it->first, {it->second[i]});
            }
            asio::co_spawn(ex, bootstrap_one(l, it->second.front()), asio::detached);
            ++started;
            ++it;
        }
        auto left = until - steady::now();
        auto race = l->wake.wait() || engine::sleep_for(std::max<duration>(left, std::chrono::milliseconds(1)));
        auto woke = co_await std::move(race);
        if (woke.index() == 0 && !std::get<0>(woke)) {
            l->over = true;
            co_return make_error_code(boost::system::errc::operation_canceled);
        }
        // Enough answers to go on (go waits for the first few too), or every dial is over.
        if (l->answered >= std::min<std::size_t>(by_peer.size(), 4) || l->answered + l->failed >= by_peer.size()) {
            break;
        }
        finished_before = l->answered + l->failed;
    }
    l->over = true;
    if (routing_table_size() == 0) {
        co_return make_error_code(dht_errc::no_peers);
    }
    // Fill the table: look up our own ID, bounded by what is left of the deadline.
    auto left = until - steady::now();
    if (left > std::chrono::milliseconds(50)) {
        auto self_lookup = closest_peers(host_.id().bytes());
        (void)co_await engine::with_timeout(std::move(self_lookup), left);
    }
    auto n = routing_table_size();
    dht_event e{dht_event::kind::bootstrap_done, std::nullopt, n, {}};
    emit(e);
    co_return n;
}

task<void> dht::refresh_loop(duration interval)
{
    std::uint64_t seed = 1;
    for (;;) {
        if (co_await engine::sleep_for(interval)) {
            co_return; // cancelled
        }
        std::vector<refresh_target> targets;
        {
            std::lock_guard lock(mu_);
            targets = table_.refresh_targets(steady::now(), interval, seed++, opts_.cfg.max_refresh_cpl);
            std::erase_if(book_, [this](const auto& e) { return e.second.expires < steady::now() && !table_.contains(e.first); });
            providers_.expire(steady::now());
        }
        for (const auto& t : targets) {
            {
                std::lock_guard lock(mu_);
                table_.mark_refreshed(t.target, steady::now());
            }
            auto ex = co_await asio::this_coro::executor;
            auto l = start_lookup(t.target, ex);
            if (!l) {
                break; // the table is empty
            }
            message req;
            req.type = message_type::find_node;
            req.key = t.key;
            (void)co_await iterate(t.target, std::move(req), l.value());
        }
    }
}

byte_buffer discovery_key(std::string_view discovery_id)
{
    return peer::sha256_multihash(bytes_view(reinterpret_cast<const std::byte*>(discovery_id.data()), discovery_id.size()));
}

} // namespace pcp::p2p::kad
