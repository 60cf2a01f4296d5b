// SPDX-License-Identifier: MIT
// Fuzz the mDNS machine with an op stream: received packets (from port 5353 or elsewhere),
// time steps, timeouts, queries and advertisements. After every op the bounds must hold and
// every transmitted packet must decode.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>

#include "p2p/mdns/machine.hpp"

using namespace pcp;
using namespace pcp::p2p;
using namespace pcp::p2p::mdns;

namespace {
struct reader {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() { return n ? (--n, *p++) : 0; }
    std::uint16_t u16()
    {
        const unsigned hi = byte();
        const unsigned lo = byte();
        return static_cast<std::uint16_t>((hi << 8) | lo);
    }
    bytes_view take(std::size_t k)
    {
        k = std::min(k, n);
        bytes_view v(reinterpret_cast<const std::byte*>(p), k);
        p += k;
        n -= k;
        return v;
    }
};

const char* const services[] = {"_p2p._udp.local", "abc._pcp._udp.local", "x.local"};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    reader r{data, size};
    manual_clock clk;
    machine m(std::string(40, 'f'));
    const auto me = peer::peer_id::from_string("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA").value();
    const auto addr = peer::multiaddr::from_string("/ip4/127.0.0.1/tcp/4001").value();
    int active = 0;
    std::set<int> advertised; // services `me` is advertised under: its own responses must be ignored
    for (int ops = 0; ops < 256 && r.n > 0; ++ops) {
        switch (r.byte() % 8) {
        case 0:
        case 1: { // a packet: 2-byte length, then bytes
            std::size_t len = r.u16() % (max_packet_size + 16);
            m.handle_packet(r.take(len), (r.byte() & 1) ? mdns_port : 40000, clk.now());
            break;
        }
        case 2: clk.advance(std::chrono::milliseconds(r.u16()) * 10); break;
        case 3: m.handle_timeout(clk.now()); break;
        case 4:
            if (m.start_query(services[r.byte() % 3], clk.now())) {
                ++active;
            }
            break;
        case 5:
            if (active > 0) {
                m.stop_query(services[r.byte() % 3]);
            }
            break;
        case 6: {
            const int s = r.byte() % 3;
            if (m.advertise(services[s], me, {addr}, clk.now())) {
                advertised.insert(s);
            }
            break;
        }
        case 7:
            if (r.byte() & 1) {
                m.goodbye_all();
                advertised.clear();
            } else {
                const int s = r.byte() % 3;
                m.unadvertise(services[s]);
                advertised.erase(s);
            }
            break;
        }
        std::size_t sent = 0;
        while (auto t = m.poll_transmit()) {
            if (++sent > max_pending_transmits || !decode(t->packet)) {
                __builtin_trap();
            }
        }
        std::size_t events = 0;
        while (auto e = m.poll_event()) {
            if (++events > max_pending_events || e->addrs.empty() || e->addrs.size() > max_addrs_per_peer ||
                (e->id == me && !advertised.empty())) {
                __builtin_trap();
            }
        }
        std::size_t cached = 0;
        for (const auto* s : services) {
            cached += m.peers(s).size();
        }
        if (cached > max_cached_peers) {
            __builtin_trap();
        }
        if (auto t = m.poll_timeout(); t && *t < clk.now() - std::chrono::hours(1000)) {
            __builtin_trap();
        }
    }
    return 0;
}
