// SPDX-License-Identifier: MIT
// c-ares 1.18 on an Asio executor. c-ares reports the sockets it wants watched through
// ARES_OPT_SOCK_STATE_CB; each gets a stream_descriptor (released, never closed, by us) whose
// async_wait calls ares_process_fd; one steady_timer follows ares_timeout. A lookup waits on its
// own timer (used as a wake-up signal) that the c-ares callback cancels, so the awaiting task's
// cancellation slot works unchanged; c-ares keeps a reference to the lookup until its callback.
#include "transport/dns/resolver.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace pcp::transport::dns {

namespace {

error_code from_ares(int status) noexcept
{
    switch (status) {
    case ARES_ENODATA:
    case ARES_ENOTFOUND:
    case ARES_ENONAME: return errc::not_found;
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
    case ARES_ESERVFAIL:
    case ARES_EREFUSED: return errc::offline;
    case ARES_EFORMERR:
    case ARES_EBADRESP:
    case ARES_ENOTIMP: return errc::bad_response;
    case ARES_EBADNAME:
    case ARES_EBADQUERY:
    case ARES_EBADSTR: return errc::bad_name;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return errc::cancelled;
    case ARES_EBADFAMILY: return errc::bad_config;
    case ARES_ENOMEM: return make_error_code(boost::system::errc::not_enough_memory);
    default: return errc::bad_config;
    }
}

bool valid_name(const std::string& name) noexcept
{
    std::string_view n = name;
    if (!n.empty() && n.back() == '.') {
        n.remove_suffix(1);
    }
    return !n.empty() && n.size() <= max_name_size && n.find('\0') == std::string_view::npos;
}

/// One server string: "ip", "ip:port", "[v6]" or "[v6]:port".
result<ares_addr_port_node> parse_server(std::string_view s)
{
    if (s.empty()) {
        return errc::bad_config;
    }
    std::string_view host = s;
    std::string_view port;
    if (s.front() == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos) {
            return errc::bad_config;
        }
        host = s.substr(1, close - 1);
        auto rest = s.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return errc::bad_config;
            }
            port = rest.substr(1);
            if (port.empty()) {
                return errc::bad_config;
            }
        }
    } else if (std::count(s.begin(), s.end(), ':') == 1) {
        auto colon = s.find(':');
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
        if (port.empty()) {
            return errc::bad_config;
        }
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(std::string(host), ec);
    if (ec || (addr.is_v6() && addr.to_v6().scope_id() != 0)) {
        return errc::bad_config;
    }
    if (s.front() == '[' && !addr.is_v6()) {
        return errc::bad_config;
    }
    int p = 53;
    if (!port.empty()) {
        auto [end, perr] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (perr != std::errc{} || end != port.data() + port.size() || p < 1 || p > 65535) {
            return errc::bad_config;
        }
    }
    ares_addr_port_node node{};
    node.udp_port = p;
    node.tcp_port = p;
    if (addr.is_v4()) {
        node.family = AF_INET;
        auto b = addr.to_v4().to_bytes();
        std::memcpy(&node.addr.addr4, b.data(), b.size());
    } else {
        node.family = AF_INET6;
        auto b = addr.to_v6().to_bytes();
        std::memcpy(&node.addr.addr6, b.data(), b.size());
    }
    return node;
}

/// A lookup in flight: the result slot, and a timer used as the wake-up signal.
template <class T>
struct pending {
    explicit pending(const asio::any_io_executor& ex) : wake(ex, asio::steady_timer::time_point::max()) {}
    asio::steady_timer wake;
    bool done = false;
    result<T> value = make_error_code(errc::cancelled);

    void finish(result<T> v)
    {
        value = std::move(v);
        done = true;
        wake.cancel();
    }
};

using txt_pending = pending<std::vector<std::string>>;
using addr_pending = pending<std::vector<asio::ip::address>>;

/// The c-ares callback argument: a reference that keeps the lookup alive until c-ares is done.
template <class T>
std::shared_ptr<T> take_arg(void* arg)
{
    std::unique_ptr<std::shared_ptr<T>> holder(static_cast<std::shared_ptr<T>*>(arg));
    return std::move(*holder);
}

void on_txt(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen)
{
    auto p = take_arg<txt_pending>(arg);
    if (status != ARES_SUCCESS) {
        p->finish(from_ares(status));
        return;
    }
    ares_txt_ext* head = nullptr;
    status = ares_parse_txt_reply_ext(abuf, alen, &head);
    if (status != ARES_SUCCESS) {
        p->finish(status == ARES_ENODATA ? from_ares(status) : make_error_code(errc::bad_response));
        return;
    }
    std::vector<std::string> records;
    bool skipping = false;
    for (auto* t = head; t != nullptr; t = t->next) {
        if (t->record_start != 0 || records.empty()) {
            skipping = records.size() >= max_txt_records;
            if (!skipping) {
                records.emplace_back();
            }
        }
        if (!skipping) {
            records.back().append(reinterpret_cast<const char*>(t->txt), t->length);
        }
    }
    ares_free_data(head);
    if (records.empty()) {
        p->finish(make_error_code(errc::not_found));
        return;
    }
    p->finish(std::move(records));
}

void on_addrinfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* ai)
{
    auto p = take_arg<addr_pending>(arg);
    if (status != ARES_SUCCESS) {
        if (ai != nullptr) {
            ares_freeaddrinfo(ai);
        }
        p->finish(from_ares(status));
        return;
    }
    std::vector<asio::ip::address> out;
    for (auto* n = ai != nullptr ? ai->nodes : nullptr; n != nullptr && out.size() < max_addresses; n = n->ai_next) {
        asio::ip::address a;
        if (n->ai_family == AF_INET && n->ai_addrlen >= sizeof(sockaddr_in)) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(n->ai_addr);
            asio::ip::address_v4::bytes_type b;
            std::memcpy(b.data(), &sin->sin_addr, b.size());
            a = asio::ip::address_v4(b);
        } else if (n->ai_family == AF_INET6 && n->ai_addrlen >= sizeof(sockaddr_in6)) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(n->ai_addr);
            asio::ip::address_v6::bytes_type b;
            std::memcpy(b.data(), &sin6->sin6_addr, b.size());
            a = asio::ip::address_v6(b);
        } else {
            continue;
        }
        if (std::find(out.begin(), out.end(), a) == out.end()) {
            out.push_back(a);
        }
    }
    if (ai != nullptr) {
        ares_freeaddrinfo(ai);
    }
    if (out.empty()) {
        p->finish(make_error_code(errc::not_found));
        return;
    }
    p->finish(std::move(out));
}

} // namespace

/// A socket c-ares asked us to watch.
struct watcher {
    explicit watcher(const asio::any_io_executor& ex) : desc(ex) {}
    asio::posix::stream_descriptor desc;
    std::uint64_t gen = 0;
    bool want_read = false;
    bool want_write = false;
    bool reading = false;
    bool writing = false;
};

struct resolver::state : std::enable_shared_from_this<state> {
    explicit state(asio::any_io_executor e) : ex(std::move(e)), timer(ex) {}
    ~state() { close(); }

    asio::any_io_executor ex;
    ares_channel channel = nullptr;
    asio::steady_timer timer;
    std::uint64_t timer_gen = 0;
    std::unordered_map<ares_socket_t, std::unique_ptr<watcher>> watchers;
    std::uint64_t next_gen = 1;

    static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable)
    {
        static_cast<state*>(data)->sock_state(fd, readable != 0, writable != 0);
    }

    void sock_state(ares_socket_t fd, bool readable, bool writable)
    {
        auto it = watchers.find(fd);
        if (!readable && !writable) {
            // c-ares closes the socket next: give the descriptor back (pending waits end aborted).
            if (it != watchers.end()) {
                it->second->desc.release();
                watchers.erase(it);
            }
            return;
        }
        if (it == watchers.end()) {
            auto w = std::make_unique<watcher>(ex);
            boost::system::error_code ec;
            w->desc.assign(fd, ec);
            if (ec) {
                return; // cannot watch it; the query times out
            }
            w->gen = next_gen++;
            it = watchers.emplace(fd, std::move(w)).first;
        }
        it->second->want_read = readable;
        it->second->want_write = writable;
        arm(*it->second, fd);
    }

    void arm(watcher& w, ares_socket_t fd)
    {
        if (w.want_read && !w.reading) {
            w.reading = true;
            w.desc.async_wait(asio::posix::descriptor_base::wait_read,
                              [weak = weak_from_this(), fd, gen = w.gen](boost::system::error_code ec) {
                                  if (auto self = weak.lock()) {
                                      self->on_ready(fd, gen, false, ec);
                                  }
                              });
        }
        if (w.want_write && !w.writing) {
            w.writing = true;
            w.desc.async_wait(asio::posix::descriptor_base::wait_write,
                              [weak = weak_from_this(), fd, gen = w.gen](boost::system::error_code ec) {
                                  if (auto self = weak.lock()) {
                                      self->on_ready(fd, gen, true, ec);
                                  }
                              });
        }
    }

    watcher* find(ares_socket_t fd, std::uint64_t gen)
    {
        auto it = watchers.find(fd);
        return it != watchers.end() && it->second->gen == gen ? it->second.get() : nullptr;
    }

    void on_ready(ares_socket_t fd, std::uint64_t gen, bool write, boost::system::error_code ec)
    {
        watcher* w = find(fd, gen);
        if (w == nullptr || channel == nullptr) {
            return; // released (c-ares closed the socket) or the resolver is gone
        }
        (write ? w->writing : w->reading) = false;
        if (ec != asio::error::operation_aborted) {
            ares_process_fd(channel, write ? ARES_SOCKET_BAD : fd, write ? fd : ARES_SOCKET_BAD);
        }
        // c-ares may have closed the socket, or opened another on the same number.
        if (watcher* again = find(fd, gen)) {
            arm(*again, fd);
        }
        update_timer();
    }

    void update_timer()
    {
        if (channel == nullptr) {
            return;
        }
        ++timer_gen;
        timeval tv{};
        if (ares_timeout(channel, nullptr, &tv) == nullptr) {
            timer.cancel();
            return;
        }
        timer.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
        timer.async_wait([weak = weak_from_this(), gen = timer_gen](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || gen != self->timer_gen || self->channel == nullptr) {
                return;
            }
            ares_process_fd(self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            self->update_timer();
        });
    }

    /// Complete every lookup with errc::cancelled and give back every socket.
    void close()
    {
        if (channel != nullptr) {
            ares_destroy(channel); // callbacks (EDESTRUCTION) and sock_state(fd, 0, 0) run here
            channel = nullptr;
        }
        timer.cancel();
        for (auto& [fd, w] : watchers) {
            w->desc.release();
        }
        watchers.clear();
    }
};

result<std::unique_ptr<resolver>> resolver::create(asio::any_io_executor ex, resolver_config config)
{
    static std::once_flag init_once;
    static int init_status = ARES_SUCCESS;
    std::call_once(init_once, [] { init_status = ares_library_init(ARES_LIB_INIT_ALL); });
    if (init_status != ARES_SUCCESS) {
        return errc::bad_config;
    }
    const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(config.timeout).count();
    if (config.tries < 1 || config.tries > 16 || timeout_ms < 1 || timeout_ms > 600'000 ||
        config.servers.size() > max_servers) {
        return errc::bad_config;
    }
    std::vector<ares_addr_port_node> nodes;
    for (const auto& s : config.servers) {
        PCP_TRY(auto node, parse_server(s));
        nodes.push_back(node);
    }

    auto st = std::make_shared<state>(std::move(ex));
    ares_options opts{};
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ;
    opts.sock_state_cb = &state::on_sock_state;
    opts.sock_state_cb_data = st.get();
    opts.timeout = static_cast<int>(timeout_ms);
    opts.tries = config.tries;
    opts.flags = ARES_FLAG_EDNS; // 1232-byte answers over UDP; larger ones fall back to TCP
    opts.ednspsz = 1232;
    if (ares_init_options(&st->channel, &opts, mask) != ARES_SUCCESS) {
        st->channel = nullptr;
        return errc::bad_config;
    }
    if (!nodes.empty()) {
        for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
            nodes[i].next = &nodes[i + 1];
        }
        if (ares_set_servers_ports(st->channel, nodes.data()) != ARES_SUCCESS) {
            return errc::bad_config; // ~state destroys the channel
        }
    }
    return std::unique_ptr<resolver>(new resolver(std::move(st)));
}

resolver::resolver(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}

resolver::~resolver()
{
    // Queued handlers hold only weak references: they find the state gone and return. (They may
    // be destroyed after the io_context's services, so they must not own Asio objects.)
    state_->close();
}

asio::any_io_executor resolver::get_executor() const noexcept { return state_->ex; }

void resolver::cancel()
{
    if (state_->channel != nullptr) {
        ares_cancel(state_->channel);
        state_->update_timer();
    }
}

task<result<std::vector<std::string>>> resolver::txt(std::string name)
{
    state* st = state_.get(); // not used after the wait: the resolver may be gone by then
    if (st->channel == nullptr) {
        co_return make_error_code(errc::cancelled);
    }
    if (!valid_name(name)) {
        co_return make_error_code(errc::bad_name);
    }
    auto p = std::make_shared<txt_pending>(st->ex);
    ares_query(st->channel, name.c_str(), ns_c_in, ns_t_txt, &on_txt, new std::shared_ptr<txt_pending>(p));
    st->update_timer();
    if (!p->done) {
        auto [ec] = co_await p->wake.async_wait(use_task);
        (void)ec;
    }
    if (!p->done) {
        co_return make_error_code(errc::cancelled); // our task was cancelled; c-ares ends the query
    }
    co_return std::move(p->value);
}

task<result<std::vector<asio::ip::address>>> resolver::addresses(std::string host, int family)
{
    state* st = state_.get(); // not used after the wait
    if (st->channel == nullptr) {
        co_return make_error_code(errc::cancelled);
    }
    if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC) {
        co_return make_error_code(errc::bad_config);
    }
    if (!valid_name(host)) {
        co_return make_error_code(errc::bad_name);
    }
    auto p = std::make_shared<addr_pending>(st->ex);
    ares_addrinfo_hints hints{};
    hints.ai_family = family;
    hints.ai_flags = ARES_AI_NOSORT;
    ares_getaddrinfo(st->channel, host.c_str(), nullptr, &hints, &on_addrinfo, new std::shared_ptr<addr_pending>(p));
    st->update_timer();
    if (!p->done) {
        auto [ec] = co_await p->wake.async_wait(use_task);
        (void)ec;
    }
    if (!p->done) {
        co_return make_error_code(errc::cancelled);
    }
    co_return std::move(p->value);
}

} // namespace pcp::transport::dns
