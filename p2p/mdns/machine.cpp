// SPDX-License-Identifier: MIT
#include "p2p/mdns/machine.hpp"

#include <algorithm>

namespace pcp::p2p::mdns {
namespace {

constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view dnsaddr_prefix = "dnsaddr=";
constexpr std::uint16_t opcode_mask = 0x7800;
constexpr std::uint16_t rcode_mask = 0x000F;

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool valid_label(std::string_view s, bool allow_dash)
{
    if (s.empty() || s.size() > max_label_size) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (allow_dash && c == '-');
    });
}

bool all_zero(bytes_view b)
{
    return std::all_of(b.begin(), b.end(), [](std::byte x) { return x == std::byte{0}; });
}

// Addresses worth advertising on a LAN: ip4/ip6/dns* first, no relay or browser transports.
bool advertisable(const peer::multiaddr& ma)
{
    auto comps = ma.components();
    if (comps.empty()) {
        return false;
    }
    auto first = comps.front().code;
    if (first != peer::proto::ip4 && first != peer::proto::ip6 && first != peer::proto::dns && first != peer::proto::dns4 &&
        first != peer::proto::dns6) {
        return false;
    }
    if ((first == peer::proto::ip4 || first == peer::proto::ip6) && all_zero(comps.front().value)) {
        return false;
    }
    for (const auto& c : comps) {
        switch (c.code) {
        case peer::proto::p2p_circuit:
        case peer::proto::ws:
        case peer::proto::wss:
        case peer::proto::webrtc:
        case peer::proto::webrtc_direct:
        case peer::proto::webtransport:
            return false;
        default: break;
        }
    }
    return true;
}

bool question_wants(std::uint16_t qtype, std::uint16_t type) { return qtype == type || qtype == rr::any; }

} // namespace

result<std::string> pcp_service_name(std::string_view label)
{
    if (!valid_label(label, true)) {
        return errc::bad_label;
    }
    std::string out(label);
    out += '.';
    out += pcp_service_suffix;
    return out;
}

std::string make_peer_name(bytes_view entropy)
{
    const std::size_t n = std::clamp(entropy.size(), min_peer_name_size, max_peer_name_size);
    std::string out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        unsigned v = entropy.empty() ? 26 : std::to_integer<unsigned>(entropy[i % entropy.size()]) + 7 * (i / entropy.size());
        out.push_back(alphabet[v % alphabet.size()]);
    }
    return out;
}

machine::machine(std::string peer_name, std::uint32_t ttl) : peer_name_(std::move(peer_name)), ttl_(ttl) {}

std::string machine::instance_of(const advertisement& a) const { return peer_name_ + "." + a.service; }
std::string machine::host() const { return peer_name_ + ".local"; }

bool machine::is_own(const peer::peer_id& id) const
{
    return std::any_of(ads_.begin(), ads_.end(), [&](const advertisement& a) { return a.id == id; });
}

result<void> machine::advertise(std::string service, peer::peer_id id, std::vector<peer::multiaddr> addrs, instant now)
{
    if (!valid_label(peer_name_, false)) {
        return errc::bad_label;
    }
    PCP_TRY(auto labels, split_name(service));
    if (labels.empty()) {
        return errc::bad_name;
    }
    service = lower(service);
    // The instance and host names must fit too.
    PCP_TRY(split_name(peer_name_ + "." + service));
    auto it = std::find_if(ads_.begin(), ads_.end(), [&](const advertisement& a) { return a.service == service; });
    if (it == ads_.end()) {
        if (ads_.size() >= max_advertised_names) {
            return errc::limit_exceeded;
        }
        ads_.emplace_back();
        it = std::prev(ads_.end());
    }
    advertisement a;
    a.service = std::move(service);
    a.id = id;
    bool have_port = false;
    for (const auto& ma : addrs) {
        if (a.txt.size() >= max_advertised_addrs) {
            break;
        }
        if (!advertisable(ma)) {
            continue;
        }
        auto full = ma.with_peer(id);
        if (!full) {
            continue;
        }
        std::string s = std::string(dnsaddr_prefix) + full.value().to_string();
        if (s.size() > max_txt_string_size || std::find(a.txt.begin(), a.txt.end(), s) != a.txt.end()) {
            continue;
        }
        a.txt.push_back(std::move(s));
        if (auto ep = ma.ip_port()) {
            if (!have_port) {
                a.srv_port = ep->port;
                have_port = true;
            }
            if (!ep->v6) {
                std::array<std::byte, 4> v4{};
                std::copy_n(ep->ip.begin(), 4, v4.begin());
                if (std::find(a.ip4.begin(), a.ip4.end(), v4) == a.ip4.end()) {
                    a.ip4.push_back(v4);
                }
            } else if (std::find(a.ip6.begin(), a.ip6.end(), ep->ip) == a.ip6.end()) {
                a.ip6.push_back(ep->ip);
            }
        }
    }
    a.announcements = {now, now + announce_interval};
    *it = std::move(a);
    return ok();
}

void machine::unadvertise(std::string_view service)
{
    auto key = lower(service);
    auto it = std::find_if(ads_.begin(), ads_.end(), [&](const advertisement& a) { return a.service == key; });
    if (it == ads_.end()) {
        return;
    }
    queue(full_response(*it, 0), false);
    ads_.erase(it);
}

void machine::goodbye_all()
{
    for (const auto& a : ads_) {
        queue(full_response(a, 0), false);
    }
    ads_.clear();
}

void machine::add_host_records(std::vector<record>& out, std::uint16_t qtype, std::uint32_t ttl) const
{
    // The host is shared by every advertisement: the union of their addresses.
    std::vector<std::array<std::byte, 4>> v4;
    std::vector<std::array<std::byte, 16>> v6;
    for (const auto& a : ads_) {
        for (const auto& ip : a.ip4) {
            if (std::find(v4.begin(), v4.end(), ip) == v4.end()) {
                v4.push_back(ip);
            }
        }
        for (const auto& ip : a.ip6) {
            if (std::find(v6.begin(), v6.end(), ip) == v6.end()) {
                v6.push_back(ip);
            }
        }
    }
    if (question_wants(qtype, rr::a)) {
        for (const auto& ip : v4) {
            out.push_back(make_a(host(), ip, ttl));
            out.back().cache_flush = ttl != 0;
        }
    }
    if (question_wants(qtype, rr::aaaa)) {
        for (const auto& ip : v6) {
            out.push_back(make_aaaa(host(), ip, ttl));
            out.back().cache_flush = ttl != 0;
        }
    }
}

message machine::full_response(const advertisement& a, std::uint32_t ttl) const
{
    message m;
    m.flags = flag_response | flag_authoritative;
    const std::string inst = instance_of(a);
    m.answers.push_back(make_ptr(a.service, inst, ttl));
    m.additionals.push_back(make_txt(inst, a.txt, ttl));
    m.additionals.push_back(make_srv(inst, host(), a.srv_port, ttl));
    for (auto& r : m.additionals) {
        r.cache_flush = ttl != 0;
    }
    add_host_records(m.additionals, rr::any, ttl);
    return m;
}

void machine::answer(const message& query, bool legacy, instant now)
{
    const std::uint32_t ttl = legacy ? std::min(ttl_, legacy_unicast_ttl) : ttl_;
    for (const auto& q : query.questions) {
        if (q.qclass != class_in && q.qclass != rr::any) {
            continue;
        }
        for (auto& a : ads_) {
            const std::string inst = instance_of(a);
            message m;
            if (same_name(q.name, a.service) && question_wants(q.type, rr::ptr)) {
                // Known-answer suppression (RFC 6762 §7.1): the querier already has our PTR.
                bool known = std::any_of(query.answers.begin(), query.answers.end(), [&](const record& r) {
                    return r.type == rr::ptr && same_name(r.name, a.service) && same_name(r.target, inst) && r.ttl >= ttl_ / 2;
                });
                if (known) {
                    continue;
                }
                m = full_response(a, ttl);
            } else if (same_name(q.name, inst) && (question_wants(q.type, rr::txt) || question_wants(q.type, rr::srv))) {
                m.flags = flag_response | flag_authoritative;
                if (question_wants(q.type, rr::txt)) {
                    m.answers.push_back(make_txt(inst, a.txt, ttl));
                }
                if (question_wants(q.type, rr::srv)) {
                    m.answers.push_back(make_srv(inst, host(), a.srv_port, ttl));
                }
                for (auto& r : m.answers) {
                    r.cache_flush = !legacy;
                }
                add_host_records(m.additionals, rr::any, ttl);
            } else {
                continue;
            }
            if (!legacy) {
                if (a.last_multicast && now - *a.last_multicast < min_response_interval) {
                    continue;
                }
                a.last_multicast = now;
            } else {
                m.id = query.id;
                m.questions.push_back(q);
                for (auto* section : {&m.answers, &m.additionals}) {
                    for (auto& r : *section) {
                        r.cache_flush = false;
                    }
                }
            }
            ++stats_.queries_answered;
            queue(m, legacy);
        }
        if (same_name(q.name, host()) && !ads_.empty() && (question_wants(q.type, rr::a) || question_wants(q.type, rr::aaaa))) {
            message m;
            m.flags = flag_response | flag_authoritative;
            add_host_records(m.answers, q.type, ttl);
            if (m.answers.empty()) {
                continue;
            }
            if (legacy) {
                m.id = query.id;
                m.questions.push_back(q);
                for (auto& r : m.answers) {
                    r.cache_flush = false;
                }
            }
            ++stats_.queries_answered;
            queue(m, legacy);
        }
    }
}

void machine::learn(const message& response, instant now)
{
    for (const auto& q : queries_) {
        const std::string& key = q.first;
        // Every PTR for the service (answers or additionals) names an instance; its TXT strings may
        // be in either section too (js puts them in answers, go and pcp in additionals).
        for (const auto* section : {&response.answers, &response.additionals}) {
            for (const auto& ptr : *section) {
                if (ptr.type != rr::ptr || !same_name(ptr.name, key)) {
                    continue;
                }
                if (ptr.ttl == 0) { // goodbye: forget every peer announced under this instance
                    std::erase_if(cache_, [&](const auto& kv) {
                        return kv.first.first == key && same_name(kv.second.instance, ptr.target);
                    });
                    continue;
                }
                std::map<peer::peer_id, std::vector<peer::multiaddr>> found;
                std::uint32_t ttl = ptr.ttl;
                for (const auto* s2 : {&response.answers, &response.additionals}) {
                    for (const auto& txt : *s2) {
                        if (txt.type != rr::txt || !same_name(txt.name, ptr.target)) {
                            continue;
                        }
                        ttl = std::min(ttl, txt.ttl);
                        for (const auto& s : txt.txt) {
                            if (!s.starts_with(dnsaddr_prefix)) {
                                continue;
                            }
                            auto ma = peer::multiaddr::from_string(std::string_view(s).substr(dnsaddr_prefix.size()));
                            if (!ma) {
                                continue;
                            }
                            auto id = ma.value().peer();
                            if (!id) {
                                continue;
                            }
                            auto& v = found[*id];
                            if (v.size() < max_addrs_per_peer && std::find(v.begin(), v.end(), ma.value()) == v.end()) {
                                v.push_back(std::move(ma).value());
                            }
                        }
                    }
                }
                if (ttl == 0) {
                    continue;
                }
                const instant expires = now + std::chrono::seconds(std::min(ttl, max_cache_ttl));
                for (auto& [id, addrs] : found) {
                    if (is_own(id)) {
                        ++stats_.own_ignored;
                        continue;
                    }
                    auto ck = std::make_pair(key, id);
                    auto it = cache_.find(ck);
                    if (it == cache_.end()) {
                        if (cache_.size() >= max_cached_peers) {
                            ++stats_.dropped;
                            continue;
                        }
                        it = cache_.emplace(ck, cache_entry{ptr.target, {}, expires}).first;
                    }
                    auto& e = it->second;
                    e.instance = ptr.target;
                    e.expires = std::max(e.expires, expires);
                    bool grew = false;
                    for (auto& ma : addrs) {
                        if (e.addrs.size() < max_addrs_per_peer && std::find(e.addrs.begin(), e.addrs.end(), ma) == e.addrs.end()) {
                            e.addrs.push_back(std::move(ma));
                            grew = true;
                        }
                    }
                    if (grew) {
                        emit(found_peer{key, id, e.addrs});
                    }
                }
            }
        }
    }
}

void machine::handle_packet(bytes_view packet, std::uint16_t source_port, instant now)
{
    ++stats_.packets_in;
    auto m = decode(packet);
    if (!m) {
        ++stats_.malformed_in;
        return;
    }
    const auto& msg = m.value();
    if ((msg.flags & opcode_mask) != 0) {
        return; // RFC 6762 §18.3: ignore other opcodes
    }
    if (msg.is_response()) {
        if ((msg.flags & rcode_mask) != 0 || source_port != mdns_port) {
            return; // §18.11 rcode; §11 responses must come from port 5353
        }
        ++stats_.responses_in;
        learn(msg, now);
    } else {
        answer(msg, source_port != mdns_port, now);
    }
}

result<void> machine::start_query(std::string service, instant now)
{
    PCP_TRY(auto labels, split_name(service));
    if (labels.empty()) {
        return errc::bad_name;
    }
    auto key = lower(service);
    auto it = queries_.find(key);
    if (it == queries_.end()) {
        if (queries_.size() >= max_active_queries) {
            return errc::limit_exceeded;
        }
        it = queries_.emplace(std::move(key), query_state{0, 0, now}).first;
    }
    ++it->second.users;
    return ok();
}

void machine::stop_query(std::string_view service)
{
    auto it = queries_.find(lower(service));
    if (it != queries_.end() && --it->second.users == 0) {
        queries_.erase(it);
    }
}

std::vector<found_peer> machine::peers(std::string_view service) const
{
    std::vector<found_peer> out;
    auto key = lower(service);
    for (const auto& [k, e] : cache_) {
        if (k.first == key) {
            out.push_back(found_peer{k.first, k.second, e.addrs});
        }
    }
    return out;
}

void machine::queue(const message& m, bool to_source)
{
    auto bytes = encode(m);
    if (!bytes) {
        ++stats_.dropped;
        return;
    }
    if (out_.size() >= max_pending_transmits) {
        ++stats_.dropped;
        return;
    }
    out_.push_back(transmit{std::move(bytes).value(), to_source});
}

void machine::emit(found_peer p)
{
    if (events_.size() >= max_pending_events) {
        events_.pop_front();
        ++stats_.dropped;
    }
    events_.push_back(std::move(p));
}

std::optional<transmit> machine::poll_transmit()
{
    if (out_.empty()) {
        return std::nullopt;
    }
    auto t = std::move(out_.front());
    out_.pop_front();
    return t;
}

std::optional<found_peer> machine::poll_event()
{
    if (events_.empty()) {
        return std::nullopt;
    }
    auto p = std::move(events_.front());
    events_.pop_front();
    return p;
}

std::optional<instant> machine::poll_timeout() const
{
    std::optional<instant> t;
    auto consider = [&](instant x) {
        if (!t || x < *t) {
            t = x;
        }
    };
    for (const auto& [k, q] : queries_) {
        consider(q.next);
    }
    for (const auto& a : ads_) {
        for (auto x : a.announcements) {
            consider(x);
        }
    }
    for (const auto& [k, e] : cache_) {
        consider(e.expires);
    }
    return t;
}

void machine::handle_timeout(instant now)
{
    for (auto& [key, q] : queries_) {
        if (q.next > now) {
            continue;
        }
        message m;
        m.questions.push_back(question{key, rr::ptr, class_in, false});
        queue(m, false);
        const auto& delay = query_delays[std::min(q.sent, std::size(query_delays) - 1)];
        ++q.sent;
        q.next = now + delay;
    }
    for (auto& a : ads_) {
        if (std::erase_if(a.announcements, [&](instant x) { return x <= now; }) > 0) {
            queue(full_response(a, ttl_), false);
            a.last_multicast = now;
        }
    }
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires <= now; });
}

} // namespace pcp::p2p::mdns
