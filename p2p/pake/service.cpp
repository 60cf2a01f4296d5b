// SPDX-License-Identifier: MIT
#include "p2p/pake/service.hpp"

#include <sodium.h>

#include <memory>

#include "engine/cancel.hpp"

namespace pcp::p2p::pake {
namespace {

/// Plain function (not a coroutine): the config holds views and secret random bytes, which stay
/// out of the coroutine frame; the machine lives on the heap.
std::unique_ptr<machine> make_machine(role side, bytes_view password, bytes_view initiator_peer,
                                      bytes_view responder_peer, bytes_view handshake_hash)
{
    config cfg;
    cfg.role = side;
    cfg.password = password;
    cfg.initiator_peer = initiator_peer;
    cfg.responder_peer = responder_peer;
    cfg.session_id = handshake_hash;
    if (sodium_init() < 0) {
        std::abort(); // no CSPRNG: a start-up failure
    }
    randombytes_buf(cfg.scalar_random.data(), cfg.scalar_random.size());
    auto m = std::make_unique<machine>(cfg);
    sodium_memzero(cfg.scalar_random.data(), cfg.scalar_random.size());
    return m;
}

task<result<session_key>> drive(transport::stream& s, machine& m)
{
    byte_buffer out;
    byte_buffer buf(max_frame_size);
    for (;;) {
        out.clear();
        while (m.poll_transmit(out)) {
        }
        if (!out.empty()) {
            auto w = co_await s.write_all(out);
            if (!w) {
                co_return m.handle_close(w.error());
            }
        }
        if (auto ev = m.poll_event()) {
            auto closed = co_await s.close_write();
            (void)closed; // best effort: the outcome is already decided
            if (ev->what == event::kind::succeeded) {
                co_return std::move(ev->key);
            }
            co_return ev->error;
        }
        auto n = co_await s.read_some(buf);
        if (!n) {
            co_return m.handle_close(n.error());
        }
        if (n.value() == 0) {
            co_return m.handle_close(make_error_code(errc::truncated));
        }
        auto used = m.handle_input(bytes_view(buf.data(), n.value()));
        (void)used; // a failure is reported by poll_event after its abort message is sent
    }
}

} // namespace

task<result<session_key>> run(transport::stream& s, role side, bytes_view password, bytes_view initiator_peer,
                              bytes_view responder_peer, bytes_view handshake_hash, duration timeout)
{
    auto m = make_machine(side, password, initiator_peer, responder_peer, handshake_hash);
    auto exchange = drive(s, *m);
    auto r = co_await engine::with_timeout(std::move(exchange), timeout);
    if (!r) {
        // On a timeout the cancelled exchange may already have failed the machine with the
        // cancellation; report the timeout, unless it cost the responder an attempt (abandoned).
        const error_code machine_error = m->handle_close(r.error());
        if (machine_error == errc::abandoned) {
            co_return machine_error;
        }
    }
    co_return r;
}

task<result<session_key>> run(transport::stream& s, role side, const secret& password, bytes_view initiator_peer,
                              bytes_view responder_peer, bytes_view handshake_hash, duration timeout)
{
    return run(s, side, password.view(), initiator_peer, responder_peer, handshake_hash, timeout);
}

} // namespace pcp::p2p::pake
