// SPDX-License-Identifier: MIT
#include "p2p/mdns/service.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "engine/cancel.hpp"
#include "engine/notify.hpp"

namespace pcp::p2p::mdns {
namespace {

using udp = asio::ip::udp;

const asio::ip::address_v4 group_v4 = asio::ip::make_address_v4("224.0.0.251");
const asio::ip::address_v6 group_v6 = asio::ip::make_address_v6("ff02::fb");
constexpr int multicast_hops = 255;
/// After a receive error other than cancellation, pause this long (bounded retry rate).
constexpr auto receive_error_pause = std::chrono::milliseconds(20);

error_code last_errno() { return {errno, boost::system::system_category()}; }

bool wanted(const service_options& o, const std::string& name)
{
    return o.interfaces.empty() || std::find(o.interfaces.begin(), o.interfaces.end(), name) != o.interfaces.end();
}

} // namespace

std::vector<mdns_interface> choose_interfaces(const service_options& opts)
{
    struct candidate {
        mdns_interface info;
        bool loopback = false;
        bool has4 = false;
        bool has6 = false;
    };
    std::vector<candidate> all;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return {};
    }
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_name == nullptr || i->ifa_addr == nullptr) {
            continue;
        }
        const unsigned f = i->ifa_flags;
        if (!(f & IFF_UP) || !(f & IFF_MULTICAST) || (f & IFF_POINTOPOINT) || !wanted(opts, i->ifa_name)) {
            continue;
        }
        auto it = std::find_if(all.begin(), all.end(), [&](const candidate& c) { return c.info.name == i->ifa_name; });
        if (it == all.end()) {
            candidate c;
            c.info.name = i->ifa_name;
            c.info.index = ::if_nametoindex(i->ifa_name);
            c.loopback = (f & IFF_LOOPBACK) != 0;
            all.push_back(std::move(c));
            it = std::prev(all.end());
        }
        if (i->ifa_addr->sa_family == AF_INET) {
            const auto* sa = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            it->info.addrs.emplace_back(asio::ip::address_v4(ntohl(sa->sin_addr.s_addr)));
            it->has4 = true;
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const auto* sa = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            asio::ip::address_v6::bytes_type b;
            std::copy_n(sa->sin6_addr.s6_addr, 16, b.begin());
            it->info.addrs.emplace_back(asio::ip::address_v6(b, sa->sin6_scope_id));
            it->has6 = true;
        }
    }
    ::freeifaddrs(list);

    // Per family: the non-loopback interfaces with an address of that family; `lo` only when
    // there is none (a namespace with only lo) or when forced.
    auto pick = [&](bool v6) {
        const bool any_real = std::any_of(all.begin(), all.end(), [&](const candidate& c) {
            return !c.loopback && (v6 ? c.has6 : c.has4);
        });
        for (auto& c : all) {
            const bool has = v6 ? c.has6 : c.has4;
            const bool use = has && (!c.loopback || !any_real || opts.force_loopback);
            (v6 ? c.info.v6 : c.info.v4) = use;
        }
    };
    if (opts.ipv4) {
        pick(false);
    }
    if (opts.ipv6) {
        pick(true);
    }
    std::vector<mdns_interface> out;
    for (auto& c : all) {
        if (c.info.v4 || c.info.v6) {
            out.push_back(std::move(c.info));
        }
    }
    return out;
}

struct mdns_service::impl {
    asio::any_io_executor ex;
    service_options opts;
    std::vector<mdns_interface> ifaces;
    machine mach;
    udp::socket sock4;
    udp::socket sock6;
    asio::steady_timer wake;
    engine::notifier found;
    bool stopped = false;

    impl(asio::any_io_executor e, service_options o, std::vector<mdns_interface> i, std::string name)
        : ex(e), opts(std::move(o)), ifaces(std::move(i)), mach(std::move(name), opts.ttl), sock4(e), sock6(e),
          wake(e, asio::steady_timer::time_point::max()), found(e)
    {
    }

    result<void> open4()
    {
        error_code ec;
        sock4.open(udp::v4(), ec);
        if (ec) {
            return ec;
        }
        int one = 1;
        sock4.set_option(udp::socket::reuse_address(true), ec);
        if (!ec && ::setsockopt(sock4.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
            ec = last_errno();
        }
        if (!ec) {
            sock4.bind(udp::endpoint(asio::ip::address_v4::any(), opts.port), ec);
        }
        if (!ec) {
            sock4.set_option(asio::ip::multicast::hops(multicast_hops), ec);
        }
        if (!ec) {
            sock4.set_option(asio::ip::multicast::enable_loopback(true), ec);
        }
        if (!ec) {
            sock4.non_blocking(true, ec);
        }
        if (ec) {
            return ec;
        }
        bool joined = false;
        for (auto& i : ifaces) {
            if (!i.v4) {
                continue;
            }
            ip_mreqn req{};
            req.imr_multiaddr.s_addr = htonl(group_v4.to_uint());
            req.imr_ifindex = static_cast<int>(i.index);
            if (::setsockopt(sock4.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &req, sizeof req) != 0) {
                spdlog::debug("mdns: join 224.0.0.251 on {} failed: {}", i.name, last_errno().message());
                i.v4 = false;
                continue;
            }
            joined = true;
        }
        if (!joined) {
            sock4.close(ec);
        }
        return ok();
    }

    result<void> open6()
    {
        error_code ec;
        sock6.open(udp::v6(), ec);
        if (ec) {
            return ec;
        }
        int one = 1;
        sock6.set_option(asio::ip::v6_only(true), ec);
        if (!ec) {
            sock6.set_option(udp::socket::reuse_address(true), ec);
        }
        if (!ec && ::setsockopt(sock6.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
            ec = last_errno();
        }
        if (!ec) {
            sock6.bind(udp::endpoint(asio::ip::address_v6::any(), opts.port), ec);
        }
        if (!ec) {
            sock6.set_option(asio::ip::multicast::hops(multicast_hops), ec);
        }
        if (!ec) {
            sock6.set_option(asio::ip::multicast::enable_loopback(true), ec);
        }
        if (!ec) {
            sock6.non_blocking(true, ec);
        }
        if (ec) {
            return ec;
        }
        bool joined = false;
        for (auto& i : ifaces) {
            if (!i.v6) {
                continue;
            }
            sock6.set_option(asio::ip::multicast::join_group(group_v6, i.index), ec);
            if (ec) {
                spdlog::debug("mdns: join ff02::fb on {} failed: {}", i.name, ec.message());
                i.v6 = false;
                continue;
            }
            joined = true;
        }
        if (!joined) {
            sock6.close(ec);
        }
        return ok();
    }

    void send_multicast(const byte_buffer& packet)
    {
        error_code ec;
        for (const auto& i : ifaces) {
            if (i.v4 && sock4.is_open()) {
                ip_mreqn req{};
                req.imr_ifindex = static_cast<int>(i.index);
                if (::setsockopt(sock4.native_handle(), IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof req) == 0) {
                    sock4.send_to(asio::buffer(packet), udp::endpoint(group_v4, opts.port), 0, ec);
                    if (ec) {
                        spdlog::debug("mdns: send on {} (v4): {}", i.name, ec.message());
                    }
                }
            }
            if (i.v6 && sock6.is_open()) {
                sock6.set_option(asio::ip::multicast::outbound_interface(i.index), ec);
                if (!ec) {
                    auto dst = group_v6;
                    dst.scope_id(i.index);
                    sock6.send_to(asio::buffer(packet), udp::endpoint(dst, opts.port), 0, ec);
                }
                if (ec) {
                    spdlog::debug("mdns: send on {} (v6): {}", i.name, ec.message());
                }
            }
        }
    }

    // Send what the machine queued; replies to the source go back on `from` to `source`.
    void flush(udp::socket* from, const udp::endpoint* source)
    {
        while (auto t = mach.poll_transmit()) {
            if (t->to_source) {
                if (from != nullptr && source != nullptr) {
                    error_code ec;
                    from->send_to(asio::buffer(t->packet), *source, 0, ec);
                }
                continue;
            }
            send_multicast(t->packet);
        }
    }

    void kick() { wake.cancel(); }

    void drain_events()
    {
        bool any = false;
        while (auto e = mach.poll_event()) {
            spdlog::debug("mdns: found {} for {} ({} addresses)", e->id.to_string(), e->service, e->addrs.size());
            any = true;
        }
        if (any) {
            found.notify();
        }
    }

    task<void> receive_loop(udp::socket& sock)
    {
        std::vector<std::byte> buf(max_packet_size);
        udp::endpoint source;
        while (!stopped && sock.is_open()) {
            auto [ec, n] = co_await sock.async_receive_from(asio::buffer(buf), source, use_task);
            if (stopped) {
                break;
            }
            if (ec) {
                if (ec == asio::error::operation_aborted || !sock.is_open() || co_await cancelled()) {
                    break;
                }
                spdlog::debug("mdns: receive: {}", ec.message());
                auto p = co_await engine::sleep_for(receive_error_pause);
                (void)p;
                continue;
            }
            mach.handle_packet(bytes_view(buf.data(), n), source.port(), steady::now());
            flush(&sock, &source);
            drain_events();
            kick();
        }
    }

    task<void> driver()
    {
        while (!stopped) {
            const auto now = steady::now();
            mach.handle_timeout(now);
            flush(nullptr, nullptr);
            drain_events();
            auto next = mach.poll_timeout();
            wake.expires_at(next ? *next : asio::steady_timer::time_point::max());
            auto [ec] = co_await wake.async_wait(use_task);
            // operation_aborted is also kick(); only the caller's cancellation (run() raced with
            // `||`) or stop() ends the loop.
            if (ec && co_await cancelled()) {
                break;
            }
        }
    }

    // True when the caller cancelled the awaiting coroutine (e.g. run() lost a `||` race).
    static task<bool> cancelled()
    {
        auto st = co_await asio::this_coro::cancellation_state;
        co_return st.cancelled() != asio::cancellation_type::none;
    }

    void do_stop()
    {
        if (stopped) {
            return;
        }
        mach.goodbye_all();
        flush(nullptr, nullptr);
        stopped = true;
        error_code ec;
        sock4.close(ec);
        sock6.close(ec);
        wake.cancel();
        found.notify();
    }

    result<std::vector<peer::multiaddr>> expand(const std::vector<peer::multiaddr>& addrs) const
    {
        std::vector<peer::multiaddr> out;
        for (const auto& ma : addrs) {
            auto ep = ma.ip_port();
            const bool unspecified = ep && std::all_of(ep->ip.begin(), ep->ip.begin() + (ep->v6 ? 16 : 4),
                                                       [](std::byte b) { return b == std::byte{0}; });
            if (!unspecified) {
                out.push_back(ma);
                continue;
            }
            // "/ip4/0.0.0.0/tcp/N/…" → "/ip4/<a>/tcp/N/…" for each interface address of the family.
            const std::string text = ma.to_string();
            const std::string head = ep->v6 ? "/ip6/::" : "/ip4/0.0.0.0";
            if (!text.starts_with(head)) {
                continue;
            }
            const std::string tail = text.substr(head.size());
            for (const auto& i : ifaces) {
                for (const auto& a : i.addrs) {
                    if (a.is_v6() != ep->v6 || (a.is_v6() && a.to_v6().is_link_local())) {
                        continue;
                    }
                    std::string s = (a.is_v6() ? "/ip6/" : "/ip4/") + (a.is_v6() ? asio::ip::address_v6(a.to_v6().to_bytes()).to_string() : a.to_string()) + tail;
                    if (auto m = peer::multiaddr::from_string(s); m && std::find(out.begin(), out.end(), m.value()) == out.end()) {
                        out.push_back(std::move(m).value());
                    }
                }
            }
        }
        return out;
    }
};

mdns_service::mdns_service(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
mdns_service::~mdns_service()
{
    error_code ec;
    impl_->sock4.close(ec);
    impl_->sock6.close(ec);
}

result<std::unique_ptr<mdns_service>> mdns_service::open(asio::any_io_executor ex, service_options opts)
{
    auto ifaces = choose_interfaces(opts);
    if (ifaces.empty()) {
        return boost::system::errc::make_error_code(boost::system::errc::no_such_device);
    }
    std::string name = opts.peer_name;
    if (name.empty()) {
        std::array<std::byte, max_peer_name_size> entropy{};
        randombytes_buf(entropy.data(), entropy.size());
        name = make_peer_name(entropy);
    }
    auto p = std::make_unique<impl>(ex, std::move(opts), std::move(ifaces), std::move(name));
    error_code first_error;
    const bool want4 = std::any_of(p->ifaces.begin(), p->ifaces.end(), [](const mdns_interface& i) { return i.v4; });
    const bool want6 = std::any_of(p->ifaces.begin(), p->ifaces.end(), [](const mdns_interface& i) { return i.v6; });
    if (want4) {
        if (auto r = p->open4(); !r) {
            first_error = r.error();
            spdlog::debug("mdns: IPv4 socket: {}", first_error.message());
            for (auto& i : p->ifaces) {
                i.v4 = false;
            }
        }
    }
    if (want6) {
        if (auto r = p->open6(); !r) {
            if (!first_error) {
                first_error = r.error();
            }
            spdlog::debug("mdns: IPv6 socket: {}", r.error().message());
            for (auto& i : p->ifaces) {
                i.v6 = false;
            }
        }
    }
    if (!p->sock4.is_open() && !p->sock6.is_open()) {
        if (first_error) {
            return first_error;
        }
        return boost::system::errc::make_error_code(boost::system::errc::no_such_device);
    }
    std::erase_if(p->ifaces, [](const mdns_interface& i) { return !i.v4 && !i.v6; });
    for (const auto& i : p->ifaces) {
        spdlog::debug("mdns: on {} (index {}){}{}", i.name, i.index, i.v4 ? " ipv4" : "", i.v6 ? " ipv6" : "");
    }
    return std::unique_ptr<mdns_service>(new mdns_service(std::move(p)));
}

result<void> mdns_service::advertise(std::string name, peer::peer_id id, std::vector<peer::multiaddr> addrs)
{
    PCP_TRY(auto expanded, impl_->expand(addrs));
    PCP_TRY(impl_->mach.advertise(std::move(name), std::move(id), std::move(expanded), steady::now()));
    impl_->kick();
    return ok();
}

void mdns_service::unadvertise(const std::string& name)
{
    impl_->mach.unadvertise(name);
    impl_->flush(nullptr, nullptr);
}

task<result<std::vector<found_peer>>> mdns_service::find(std::string name, duration timeout)
{
    auto& d = *impl_;
    if (d.stopped) {
        co_return make_error_code(pcp::errc::shutting_down);
    }
    PCP_CO_TRY(d.mach.start_query(name, steady::now()));
    d.kick();
    asio::steady_timer deadline(d.ex, timeout);
    std::vector<found_peer> out;
    for (;;) {
        out = d.mach.peers(name);
        if (!out.empty() || d.stopped || steady::now() >= deadline.expiry()) {
            break;
        }
        auto race = d.found.wait() || deadline.async_wait(use_task);
        auto r = co_await std::move(race);
        (void)r;
    }
    d.mach.stop_query(name);
    if (out.empty() && d.stopped) {
        co_return make_error_code(pcp::errc::shutting_down);
    }
    co_return out;
}

task<void> mdns_service::run()
{
    auto& d = *impl_;
    co_await (d.receive_loop(d.sock4) && d.receive_loop(d.sock6) && d.driver());
}

void mdns_service::stop()
{
    impl* p = impl_.get();
    asio::dispatch(p->ex, [p] { p->do_stop(); });
}

const std::vector<mdns_interface>& mdns_service::interfaces() const noexcept { return impl_->ifaces; }
const std::string& mdns_service::peer_name() const noexcept { return impl_->mach.peer_name(); }
const machine_stats& mdns_service::stats() const noexcept { return impl_->mach.stats(); }

} // namespace pcp::p2p::mdns
