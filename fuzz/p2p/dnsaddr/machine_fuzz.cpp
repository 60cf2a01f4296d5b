// SPDX-License-Identifier: MIT
// Fuzz dnsaddr::resolution with an op stream: lookups polled, answered with TXT records (entries
// built from templates, raw bytes, malformed "dnsaddr=" strings), with addresses, with failures,
// out of order or with unknown ids, and abandoned. After every op the bounds must hold: lookups,
// addresses, failures, in-flight; no address keeps a DNS component; every address ends with the
// target's suffix (when that has no DNS component); an idle, not-done machine cannot exist.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "p2p/dnsaddr/machine.hpp"

using namespace pcp;
using namespace pcp::p2p;
using namespace pcp::p2p::dnsaddr;

namespace {
struct reader {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() { return n ? (--n, *p++) : 0; }
    std::string raw(std::size_t k)
    {
        k = std::min(k, n);
        std::string s(reinterpret_cast<const char*>(p), k);
        p += k;
        n -= k;
        return s;
    }
};

const char* const ids[] = {"QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
                           "12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8"};

const char* const targets[] = {
    "/dnsaddr/n0.example/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
    "/dnsaddr/n0.example",
    "/dns4/h0.example/tcp/1",
    "/dns/h1.example/tcp/443/wss/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8",
    "/dns6/h2.example/udp/1/quic-v1/dnsaddr/n1.example",
    "/ip4/192.0.2.1/tcp/1",
};

std::string entry(reader& in)
{
    const unsigned k = in.byte() % 12;
    const std::string id = ids[in.byte() % 2];
    switch (in.byte() % 9) {
    case 0: return "dnsaddr=/dnsaddr/n" + std::to_string(k) + ".example/p2p/" + id;
    case 1: return "dnsaddr=/dnsaddr/n" + std::to_string(k) + ".example";
    case 2: return "dnsaddr=/ip4/192.0.2." + std::to_string(in.byte()) + "/tcp/" + std::to_string(k) + "/p2p/" + id;
    case 3: return "dnsaddr=/dns4/h" + std::to_string(k) + ".example/tcp/1/p2p/" + id;
    case 4: return "dnsaddr=/dns/h" + std::to_string(k) + ".example/tcp/443/wss/p2p/" + id;
    case 5: return "dnsaddr=/ip6/2001:db8::" + std::to_string(in.byte()) + "/udp/1/quic-v1";
    case 6: return "dnsaddr=" + in.raw(in.byte() % 64);
    case 7: return "dnsaddr=/dnsaddr/" + in.raw(in.byte() % 300);
    default: return in.raw(in.byte() % 64);
    }
}

ip_address address(reader& in)
{
    ip_address ip;
    ip.v6 = (in.byte() & 1) != 0;
    for (std::size_t i = 0; i < (ip.v6 ? 16u : 4u); ++i) {
        ip.bytes[i] = std::byte{in.byte()};
    }
    return ip;
}

void check(const resolution& m, const limits& lim, const peer::multiaddr& must_end)
{
    if (m.lookups() > lim.max_lookups || m.addresses().size() > lim.max_addresses ||
        m.failures().size() > max_failures || m.in_flight() > lim.max_lookups) {
        __builtin_trap();
    }
    for (const auto& a : m.addresses()) {
        if (has_dns(a) || !ends_with(a, must_end)) {
            __builtin_trap();
        }
    }
    if (m.addresses().empty() != static_cast<bool>(m.error())) {
        __builtin_trap();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    reader in{data, size};
    auto target = peer::multiaddr::from_string(targets[in.byte() % std::size(targets)]);
    if (!target) {
        __builtin_trap();
    }
    limits lim;
    if (in.byte() & 1) { // small bounds, so that the fuzzer reaches them
        lim.max_depth = 1 + in.byte() % 4;
        lim.max_lookups = 1 + in.byte() % 8;
        lim.max_addresses = 1 + in.byte() % 8;
        lim.max_txt_records = 1 + in.byte() % 8;
    }
    peer::multiaddr must_end;
    if (auto split = split_at_dns(target.value()); split && !has_dns(split->suffix)) {
        must_end = split->suffix;
    }
    resolution m(target.value(), lim);
    std::vector<lookup> open;
    for (int ops = 0; ops < 400 && in.n > 0; ++ops) {
        const unsigned op = in.byte() % 6;
        if (op == 0) {
            while (auto lk = m.poll_lookup()) {
                open.push_back(*lk);
            }
            if (open.empty() && !m.done()) {
                __builtin_trap(); // nothing in flight, nothing to look up, yet not done
            }
        } else if (!open.empty() && op <= 4) {
            const std::size_t at = in.byte() % open.size();
            const lookup lk = open[at];
            if ((in.byte() & 3) != 0) { // keep it open sometimes: a duplicate answer follows
                open.erase(open.begin() + static_cast<std::ptrdiff_t>(at));
            }
            if (op == 1 || op == 2) {
                std::vector<std::string> records(in.byte() % 12);
                for (auto& r : records) {
                    r = entry(in);
                }
                m.handle_txt(lk.id, records);
            } else if (op == 3) {
                std::vector<ip_address> ips(in.byte() % 6);
                for (auto& ip : ips) {
                    ip = address(in);
                }
                m.handle_addresses(lk.id, ips);
            } else {
                m.handle_failure(lk.id, make_error_code(dnsaddr::errc::no_addresses));
            }
        } else if (op == 5 && (in.byte() % 16) == 0) {
            m.abandon(make_error_code(dnsaddr::errc::too_deep));
            open.clear();
            if (!m.done()) {
                __builtin_trap();
            }
        } else {
            m.handle_txt(static_cast<std::uint32_t>(in.byte()) + 100000, {"dnsaddr=/ip4/1.2.3.4/tcp/1"}); // unknown id
        }
        check(m, lim, must_end);
    }
    return 0;
}
