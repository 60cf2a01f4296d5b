// SPDX-License-Identifier: MIT
#include "p2p/dnsaddr/machine.hpp"

#include <algorithm>

namespace pcp::p2p::dnsaddr {

namespace {

/// A name as sent to DNS may end with '.'; the length limit is on the rest.
bool name_too_long(std::string_view name) noexcept
{
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    return name.empty() || name.size() > max_dns_name_size;
}

bool contains(const std::vector<peer::multiaddr>& list, const peer::multiaddr& a)
{
    return std::find(list.begin(), list.end(), a) != list.end();
}

} // namespace

resolution::resolution(peer::multiaddr target, limits lim) : limits_(lim)
{
    add(std::move(target), 0);
}

void resolution::fail(const peer::multiaddr& addr, error_code ec)
{
    ++failure_count_;
    if (failures_.size() < max_failures) {
        failures_.push_back(failure{addr, ec});
    }
}

void resolution::add(peer::multiaddr addr, std::size_t depth)
{
    if (!has_dns(addr)) {
        if (contains(addresses_, addr)) {
            return;
        }
        if (addresses_.size() >= limits_.max_addresses) {
            if (!address_cap_hit_) {
                address_cap_hit_ = true;
                fail(addr, errc::too_many_addresses);
            }
            return;
        }
        addresses_.push_back(std::move(addr));
        return;
    }
    if (contains(seen_, addr)) {
        return; // already looked up (or queued): a loop or a repeated entry
    }
    if (depth >= limits_.max_depth) {
        fail(addr, errc::too_deep);
        return;
    }
    // Every queued step costs at least one lookup; never queue more than can still be made.
    if (lookups_ + pending_.size() >= limits_.max_lookups) {
        fail(addr, errc::too_many_lookups);
        return;
    }
    seen_.push_back(addr);
    pending_.push_back(step{std::move(addr), depth});
}

std::optional<lookup> resolution::poll_lookup()
{
    while (!pending_.empty()) {
        step s = std::move(pending_.front());
        pending_.pop_front();
        auto split = split_at_dns(s.addr);
        if (!split) {
            continue; // cannot happen: only addresses with DNS components are queued
        }
        lookup out;
        if (split->code == peer::proto::dnsaddr) {
            auto name = txt_query_name(split->name);
            if (!name) {
                fail(s.addr, name.error());
                continue;
            }
            out.type = query_type::txt;
            out.name = std::move(name).value();
        } else {
            if (name_too_long(split->name)) {
                fail(s.addr, errc::bad_name);
                continue;
            }
            out.type = split->code == peer::proto::dns4   ? query_type::a
                       : split->code == peer::proto::dns6 ? query_type::aaaa
                                                          : query_type::a_aaaa;
            out.name = split->name;
        }
        out.id = next_id_++;
        ++lookups_;
        in_flight_.push_back(flight{out.id, std::move(s), std::move(*split)});
        return out;
    }
    return std::nullopt;
}

std::optional<resolution::flight> resolution::take(std::uint32_t id)
{
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(), [id](const flight& f) { return f.id == id; });
    if (it == in_flight_.end()) {
        return std::nullopt;
    }
    flight f = std::move(*it);
    in_flight_.erase(it);
    return f;
}

void resolution::handle_txt(std::uint32_t id, const std::vector<std::string>& records)
{
    auto f = take(id);
    if (!f) {
        return;
    }
    if (f->split.code != peer::proto::dnsaddr) {
        fail(f->from.addr, errc::bad_entry); // the glue answered an address lookup with TXT
        return;
    }
    const std::size_t n = std::min(records.size(), limits_.max_txt_records);
    skipped_ += records.size() - n;
    for (std::size_t i = 0; i < n; ++i) {
        auto entry = parse_entry(records[i]);
        if (!entry) {
            ++skipped_;
            continue;
        }
        if (!entry.value() || !ends_with(*entry.value(), f->split.suffix)) {
            continue; // another TXT record, or an entry for another peer
        }
        // The entry already ends with the suffix; keep what came before the DNS component.
        auto joined = f->split.prefix.encapsulate(*entry.value());
        if (!joined) {
            fail(*entry.value(), joined.error());
            continue;
        }
        add(std::move(joined).value(), f->from.depth + 1);
    }
}

void resolution::handle_addresses(std::uint32_t id, const std::vector<ip_address>& addrs)
{
    auto f = take(id);
    if (!f) {
        return;
    }
    const auto code = f->split.code;
    if (code == peer::proto::dnsaddr) {
        fail(f->from.addr, errc::bad_entry); // the glue answered a TXT lookup with addresses
        return;
    }
    // /dns lists IPv6 first (multiaddr addressing: prefer IPv6 when both resolve).
    std::size_t usable = 0;
    for (int pass = 0; pass < 2; ++pass) {
        const bool v6 = pass == 0;
        if ((v6 && code == peer::proto::dns4) || (!v6 && code == peer::proto::dns6)) {
            continue;
        }
        for (const auto& ip : addrs) {
            if (ip.v6 != v6) {
                continue;
            }
            ++usable;
            peer::multiaddr m = f->split.prefix;
            auto put = m.append(v6 ? peer::proto::ip6 : peer::proto::ip4, bytes_view(ip.bytes.data(), v6 ? 16 : 4));
            auto joined = put ? m.encapsulate(f->split.suffix) : result<peer::multiaddr>(put.error());
            if (!joined) {
                fail(f->from.addr, joined.error());
                continue;
            }
            add(std::move(joined).value(), f->from.depth + 1);
        }
    }
    if (usable == 0) {
        fail(f->from.addr, errc::no_addresses); // e.g. /dns4 answered with IPv6 addresses only
    }
}

void resolution::handle_failure(std::uint32_t id, error_code ec)
{
    auto f = take(id);
    if (!f) {
        return;
    }
    fail(f->from.addr, ec);
}

void resolution::abandon(error_code ec)
{
    for (auto& f : in_flight_) {
        fail(f.from.addr, ec);
    }
    in_flight_.clear();
    for (auto& s : pending_) {
        fail(s.addr, ec);
    }
    pending_.clear();
}

error_code resolution::error() const noexcept
{
    if (!addresses_.empty()) {
        return {};
    }
    if (!failures_.empty()) {
        return failures_.front().error;
    }
    return errc::no_addresses;
}

} // namespace pcp::p2p::dnsaddr
