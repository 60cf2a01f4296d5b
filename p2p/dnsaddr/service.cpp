// SPDX-License-Identifier: MIT
#include "p2p/dnsaddr/service.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "engine/errc.hpp"

namespace pcp::p2p::dnsaddr {

namespace {

/// A finished lookup (default-constructible, as co_spawn in a parallel group needs).
struct lookup_outcome {
    std::uint32_t id = 0;
    bool txt = false;
    error_code error;
    std::vector<std::string> records;
    std::vector<ip_address> ips;
};

task<lookup_outcome> do_lookup(transport::dns::resolver* r, lookup lk)
{
    lookup_outcome out;
    out.id = lk.id;
    if (lk.type == query_type::txt) {
        out.txt = true;
        auto res = co_await r->txt(std::move(lk.name));
        if (res) {
            out.records = std::move(res).value();
        } else {
            out.error = res.error();
        }
        co_return out;
    }
    int family = AF_UNSPEC;
    if (lk.type == query_type::a) {
        family = AF_INET;
    } else if (lk.type == query_type::aaaa) {
        family = AF_INET6;
    }
    auto res = co_await r->addresses(std::move(lk.name), family);
    if (!res) {
        out.error = res.error();
        co_return out;
    }
    for (const auto& a : res.value()) {
        ip_address ip;
        ip.v6 = a.is_v6();
        if (ip.v6) {
            auto b = a.to_v6().to_bytes();
            std::memcpy(ip.bytes.data(), b.data(), b.size());
        } else {
            auto b = a.to_v4().to_bytes();
            std::memcpy(ip.bytes.data(), b.data(), b.size());
        }
        out.ips.push_back(ip);
    }
    co_return out;
}

void feed(resolution& m, const lookup_outcome& o)
{
    if (o.error) {
        m.handle_failure(o.id, o.error);
    } else if (o.txt) {
        m.handle_txt(o.id, o.records);
    } else {
        m.handle_addresses(o.id, o.ips);
    }
}

/// Make the machine's lookups until it is done: every lookup ready at once runs in parallel.
task<void> run(transport::dns::resolver* r, resolution* m)
{
    auto ex = co_await asio::this_coro::executor;
    while (!m->done()) {
        std::vector<lookup> wave;
        while (auto lk = m->poll_lookup()) {
            wave.push_back(std::move(*lk));
        }
        if (wave.empty()) {
            co_return; // not reachable: nothing in flight between waves
        }
        if (wave.size() == 1) {
            auto one = co_await do_lookup(r, std::move(wave.front()));
            feed(*m, one);
            continue;
        }
        std::vector<std::uint32_t> ids;
        using op_type = decltype(asio::co_spawn(ex, do_lookup(r, lookup{}), asio::deferred));
        std::vector<op_type> ops;
        for (auto& lk : wave) {
            ids.push_back(lk.id);
            ops.push_back(asio::co_spawn(ex, do_lookup(r, std::move(lk)), asio::deferred));
        }
        auto group = asio::experimental::make_parallel_group(std::move(ops));
        auto [order, errors, outcomes] =
            co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (errors[i]) {
                m->handle_failure(ids[i], transport::dns::errc::cancelled);
            } else {
                feed(*m, outcomes[i]);
            }
        }
    }
}

/// One resolve_all() entry (default-constructible for co_spawn).
struct entry_outcome {
    std::vector<peer::multiaddr> addresses;
    error_code error;
};

task<entry_outcome> resolve_entry(transport::dns::resolver* r, peer::multiaddr addr, duration deadline)
{
    entry_outcome out;
    auto res = co_await resolve(*r, std::move(addr), deadline);
    if (res) {
        out.addresses = std::move(res).value();
    } else {
        out.error = res.error();
    }
    co_return out;
}

result<std::vector<peer::multiaddr>> outcome_of(const resolution& m)
{
    if (m.addresses().empty()) {
        return m.error();
    }
    return m.addresses();
}

} // namespace

task<result<std::vector<peer::multiaddr>>> resolve(transport::dns::resolver& r, peer::multiaddr addr)
{
    resolution m(std::move(addr));
    co_await run(&r, &m);
    co_return outcome_of(m);
}

task<result<std::vector<peer::multiaddr>>> resolve(transport::dns::resolver& r, peer::multiaddr addr, duration deadline)
{
    resolution m(std::move(addr));
    if (m.done()) {
        co_return outcome_of(m);
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
    auto race = run(&r, &m) || timer.async_wait(use_task);
    auto won = co_await std::move(race);
    if (won.index() == 1 && m.addresses().empty()) {
        co_return make_error_code(pcp::errc::timed_out);
    }
    m.abandon(make_error_code(pcp::errc::timed_out));
    co_return outcome_of(m);
}

task<resolved_list> resolve_all(transport::dns::resolver& r, std::vector<peer::multiaddr> addrs, duration deadline)
{
    resolved_list out;
    if (addrs.size() > max_list_size) {
        for (std::size_t i = max_list_size; i < addrs.size(); ++i) {
            out.failures.push_back(failure{addrs[i], errc::too_many_entries});
        }
        addrs.resize(max_list_size);
    }
    if (addrs.empty()) {
        co_return out;
    }
    auto ex = co_await asio::this_coro::executor;
    using op_type = decltype(asio::co_spawn(ex, resolve_entry(&r, peer::multiaddr{}, deadline), asio::deferred));
    std::vector<op_type> ops;
    for (const auto& a : addrs) {
        ops.push_back(asio::co_spawn(ex, resolve_entry(&r, a, deadline), asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(ops));
    auto [order, errors, outcomes] = co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    std::vector<failure> failed;
    for (std::size_t i = 0; i < addrs.size(); ++i) {
        if (errors[i]) {
            failed.push_back(failure{addrs[i], transport::dns::errc::cancelled});
            continue;
        }
        if (outcomes[i].addresses.empty()) {
            failed.push_back(failure{addrs[i], outcomes[i].error});
            continue;
        }
        for (auto& a : outcomes[i].addresses) {
            if (std::find(out.addresses.begin(), out.addresses.end(), a) == out.addresses.end()) {
                out.addresses.push_back(std::move(a));
            }
        }
    }
    failed.insert(failed.end(), std::make_move_iterator(out.failures.begin()), std::make_move_iterator(out.failures.end()));
    out.failures = std::move(failed);
    co_return out;
}

} // namespace pcp::p2p::dnsaddr
