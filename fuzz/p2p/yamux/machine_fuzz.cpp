// SPDX-License-Identifier: MIT
// Fuzz the yamux session machine with an op stream (Seastar sstring_fuzz shape): raw input bytes,
// synthesized frames, and application commands (open/send/lend/take_back/read/lend_read/take_read/
// close/reset/timeout, poll_transmit into a vector or into fixed rooms), under small limits so every
// bound is reachable. After every op the memory bounds from config.hpp must hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "p2p/yamux/machine.hpp"

using namespace pcp;
using namespace pcp::p2p::yamux;

namespace {
struct reader {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() { return n ? (--n, *p++) : 0; }
    std::uint32_t u32()
    {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            v = (v << 8) | byte();
        }
        return v;
    }
    bytes_view take(std::size_t k)
    {
        k = std::min(k, n);
        bytes_view v{reinterpret_cast<const std::byte*>(p), k};
        p += k;
        n -= k;
        return v;
    }
};

void check(const session& s, const config& c)
{
    if (s.queued_bytes() > c.max_send_buffer || s.queued_control_frames() > c.max_control_frames + 1 ||
        s.buffered_bytes() > s.stream_count() * c.initial_window + c.connection_window_budget) {
        std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    reader r{data, size};
    const std::uint8_t setup = r.byte();
    config c;
    c.initial_window = 4096 + 1024u * (setup & 0x7);
    c.max_stream_window = 64 * 1024;
    c.connection_window_budget = 96 * 1024;
    c.max_inbound_streams = 4;
    c.max_outbound_streams = 4;
    c.max_unacked_outbound = 2;
    c.accept_backlog = 3;
    c.max_frame_payload = 1000;
    c.max_send_buffer = 8192;
    c.max_transmit_batch = 4096;
    c.max_control_frames = 16;
    c.measure_rtt = (setup & 0x8) != 0;
    c.keepalive_interval = (setup & 0x10) ? std::chrono::seconds(1) : duration::zero();
    c.ping_timeout = std::chrono::milliseconds(500);
    manual_clock clock;
    // Caller memory for lend(); declared before the session so that it outlives every lend.
    const std::vector<std::byte> lend_buf(70000, std::byte{0x22});
    std::vector<std::byte> read_buf(70000);
    session s((setup & 0x20) ? role::server : role::client, c, clock.now());
    std::vector<stream_id> ids;
    std::vector<std::byte> buf(4096);
    byte_buffer out;
    auto pick = [&](std::uint8_t b) -> stream_id { return ids.empty() ? b : ids[b % ids.size()]; };

    while (r.n > 0) {
        const std::uint8_t op = r.byte();
        switch (op % 14) {
        case 0: // raw bytes from the peer
            (void)s.handle_input(r.take(1 + r.byte()), clock.now());
            break;
        case 1: { // a well-formed frame with fuzzed fields
            header h;
            h.type = static_cast<frame_type>(r.byte() % 4);
            h.flags = r.byte() & 0xf;
            h.id = r.byte() % 16;
            h.length = r.u32();
            byte_buffer f;
            if (h.type == frame_type::data) {
                h.length %= 6000;
                encode(h, f);
                f.resize(f.size() + h.length, std::byte{0x5a});
            } else {
                encode(h, f);
            }
            (void)s.handle_input(f, clock.now());
            break;
        }
        case 2:
            if (auto id = s.open_stream()) {
                ids.push_back(id.value());
            }
            break;
        case 3: {
            std::vector<std::byte> payload(r.byte() * 97u, std::byte{0x11});
            (void)s.send(pick(r.byte()), payload);
            break;
        }
        case 4: (void)s.read(pick(r.byte()), std::span(buf).first(r.byte() * 16u)); break;
        case 5: s.close_write(pick(r.byte())); break;
        case 6: s.reset(pick(r.byte()), r.byte()); break;
        case 7:
            clock.advance(std::chrono::milliseconds(r.byte() * 10));
            if (auto t = s.poll_timeout(); t && *t <= clock.now()) {
                s.handle_timeout(clock.now());
            }
            break;
        case 8: {
            const std::uint8_t how = r.byte();
            if ((how & 1) != 0) {
                // Fixed rooms (the zero-copy path into Noise frames), from header + 1 bytes up.
                const std::size_t room = header_size + 1 + (how >> 1) * 41u;
                if (out.size() < room) {
                    out.resize(room);
                }
                while (s.poll_transmit(std::span(out).first(room)) > 0) {
                }
            } else {
                out.clear();
                while (s.poll_transmit(out)) {
                    out.clear();
                }
            }
            break;
        }
        case 9:
            while (auto e = s.poll_event()) {
                if (e->type == event_type::stream_opened) {
                    ids.push_back(e->id);
                }
            }
            if (r.byte() & 1) {
                s.go_away();
            }
            break;
        case 10: {
            const std::size_t n = std::min<std::size_t>(r.byte() * 277u, lend_buf.size());
            (void)s.lend(pick(r.byte()), std::span(lend_buf).first(n));
            break;
        }
        case 11: (void)s.take_back(pick(r.byte())); break;
        case 12: {
            const std::size_t n = std::min<std::size_t>(1 + r.byte() * 277u, read_buf.size());
            (void)s.lend_read(pick(r.byte()), std::span(read_buf).first(n));
            break;
        }
        case 13: (void)s.take_read(pick(r.byte()), (r.byte() & 1) != 0); break;
        }
        if (ids.size() > 64) {
            ids.erase(ids.begin(), ids.begin() + 32);
        }
        check(s, c);
    }
    if (!s.closed() && (r.n & 1)) {
        s.handle_transport_closed();
    }
    while (s.poll_event()) {
    }
    return 0;
}
