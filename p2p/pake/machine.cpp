// SPDX-License-Identifier: MIT
// /pcp/pake/1.0.0 machine. See machine.hpp and docs/protocols/pake.md.
#include "p2p/pake/machine.hpp"

#include <algorithm>

namespace pcp::p2p::pake {

namespace cpace = crypto::cpace;

namespace {
bool in_range(std::size_t n, std::size_t lo, std::size_t hi) noexcept
{
    return n >= lo && n <= hi;
}
} // namespace

machine::machine(const config& cfg) : role_(cfg.role)
{
    if (!in_range(cfg.password.size(), 1, max_password_size) ||
        !in_range(cfg.initiator_peer.size(), 1, max_peer_id_size) ||
        !in_range(cfg.responder_peer.size(), 1, max_peer_id_size) ||
        !in_range(cfg.session_id.size(), min_session_id_size, max_session_id_size) ||
        cfg.associated_data.size() > max_ad_size) {
        fail(make_error_code(errc::invalid_input), std::nullopt);
        return;
    }
    sid_.assign(cfg.session_id.begin(), cfg.session_id.end());
    own_ad_.assign(cfg.associated_data.begin(), cfg.associated_data.end());

    // CI = lv_cat(initiator peer ID, responder peer ID): both roles bound, initiator first.
    const byte_buffer ci = cpace::lv_cat({cfg.initiator_peer, cfg.responder_peer});
    const auto g = cpace::calculate_generator(cfg.password, ci, sid_);
    y_ = cpace::sample_scalar(cfg.scalar_random);
    auto share = cpace::scalar_mult(y_, g);
    if (!share) {
        fail(make_error_code(errc::invalid_input), std::nullopt); // a zero scalar: bad randomness
        return;
    }
    own_share_ = *share;
    if (role_ == role::initiator) {
        message m;
        m.share = own_share_;
        if (!own_ad_.empty()) {
            m.ad = own_ad_;
        }
        send(m);
        step_ = step::await_reply;
    } else {
        step_ = step::await_share;
    }
}

machine::~machine()
{
    wipe();
}

void machine::wipe() noexcept
{
    y_ = cpace::scalar{};
    isk_.reset();
    mac_key_.reset();
}

bool machine::wants_input() const noexcept
{
    return step_ == step::await_share || step_ == step::await_reply || step_ == step::await_confirm;
}

result<std::size_t> machine::handle_input(bytes_view in)
{
    if (step_ == step::failed) {
        return error_;
    }
    std::size_t used = 0;
    while (used < in.size() && wants_input()) {
        // Buffer at most one frame; decode from the buffer.
        const std::size_t before = rx_.size();
        const std::size_t take = std::min(in.size() - used, max_frame_size - before);
        rx_.insert(rx_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
                   in.begin() + static_cast<std::ptrdiff_t>(used + take));
        auto d = decode_framed(rx_);
        if (!d) {
            fail(d.error(), abort_reason::protocol_error);
            return error_;
        }
        if (!d.value().complete()) {
            used += take; // everything taken is part of the (incomplete) frame
            continue;
        }
        used += d.value().consumed - before;
        rx_.clear();
        auto r = process(std::move(*d.value().message));
        if (!r) {
            return error_;
        }
    }
    return used;
}

error_code machine::handle_close(const error_code& cause)
{
    if (!is_finished()) {
        fail(cause, std::nullopt);
    }
    return error_;
}

result<void> machine::process(message m)
{
    switch (step_) {
    case step::await_share:
        return on_hello(m);
    case step::await_reply:
        return on_reply(m);
    case step::await_confirm:
        return on_confirm(m);
    case step::done:
    case step::failed:
        break;
    }
    return ok();
}

error_code machine::from_abort(std::uint64_t reason) const
{
    if (reason == static_cast<std::uint64_t>(abort_reason::wrong_code)) {
        return make_error_code(errc::wrong_code);
    }
    return make_error_code(errc::peer_aborted);
}

result<void> machine::derive(bytes_view remote_share)
{
    auto k = cpace::scalar_mult_vfy(y_, remote_share);
    if (!k) {
        return make_error_code(errc::invalid_share); // K = G.I: the draft says abort
    }
    std::copy(remote_share.begin(), remote_share.end(), remote_share_.begin());
    const bool a = role_ == role::initiator;
    const bytes_view ya = a ? bytes_view(own_share_) : bytes_view(remote_share_);
    const bytes_view ada = a ? bytes_view(own_ad_) : bytes_view(remote_ad_);
    const bytes_view yb = a ? bytes_view(remote_share_) : bytes_view(own_share_);
    const bytes_view adb = a ? bytes_view(remote_ad_) : bytes_view(own_ad_);
    isk_.emplace(cpace::derive_isk(sid_, *k, ya, ada, yb, adb));
    mac_key_.emplace(cpace::derive_mac_key(sid_, *isk_));
    y_ = cpace::scalar{}; // the scalar is not needed any more
    return ok();
}

result<void> machine::on_hello(message& m)
{
    // Responder, message 1: {share: Ya, ad: ADa}.
    if (m.abort) {
        fail(from_abort(*m.abort), std::nullopt);
        return error_;
    }
    if (!m.share || m.confirm) {
        fail(make_error_code(errc::unexpected_message), abort_reason::protocol_error);
        return error_;
    }
    if (m.ad) {
        remote_ad_ = std::move(*m.ad);
    }
    if (auto r = derive(*m.share); !r) {
        fail(r.error(), abort_reason::protocol_error);
        return error_;
    }
    message reply;
    reply.share = own_share_;
    if (!own_ad_.empty()) {
        reply.ad = own_ad_;
    }
    reply.confirm = cpace::confirmation_tag(*mac_key_, own_share_, own_ad_);
    send(reply);
    share_sent_ = true;
    step_ = step::await_confirm;
    return ok();
}

result<void> machine::on_reply(message& m)
{
    // Initiator, message 2: {share: Yb, ad: ADb, confirm: Tb}.
    if (m.abort) {
        fail(from_abort(*m.abort), std::nullopt);
        return error_;
    }
    if (!m.share || !m.confirm) {
        fail(make_error_code(errc::unexpected_message), abort_reason::protocol_error);
        return error_;
    }
    if (m.ad) {
        remote_ad_ = std::move(*m.ad);
    }
    if (auto r = derive(*m.share); !r) {
        fail(r.error(), abort_reason::protocol_error);
        return error_;
    }
    const auto expected = cpace::confirmation_tag(*mac_key_, remote_share_, remote_ad_);
    if (!crypto::constant_time_equal(expected, *m.confirm)) {
        fail(make_error_code(errc::wrong_code), abort_reason::wrong_code);
        return error_;
    }
    message fin;
    fin.confirm = cpace::confirmation_tag(*mac_key_, own_share_, own_ad_);
    send(fin);
    succeed();
    return ok();
}

result<void> machine::on_confirm(message& m)
{
    // Responder, message 3: {confirm: Ta} or {abort}. Whatever goes wrong now, the peer has seen
    // our share and tag and could test one guess: only wrong_code or abandoned are reported.
    if (m.abort) {
        const auto ec = from_abort(*m.abort);
        fail(ec == errc::wrong_code ? ec : make_error_code(errc::abandoned), std::nullopt);
        return error_;
    }
    if (!m.confirm || m.share) {
        fail(make_error_code(errc::abandoned), abort_reason::protocol_error);
        return error_;
    }
    const auto expected = cpace::confirmation_tag(*mac_key_, remote_share_, remote_ad_);
    if (!crypto::constant_time_equal(expected, *m.confirm)) {
        fail(make_error_code(errc::wrong_code), abort_reason::wrong_code);
        return error_;
    }
    succeed();
    return ok();
}

void machine::send(const message& m)
{
    encode_framed(m, pending_);
}

void machine::send_abort(abort_reason r)
{
    message m;
    m.abort = static_cast<std::uint64_t>(r);
    send(m);
}

void machine::fail(const error_code& ec, std::optional<abort_reason> notify)
{
    if (is_finished()) {
        return;
    }
    // A responder whose share went out counts any failure as a used attempt (see errc::abandoned).
    error_ = ec;
    if (role_ == role::responder && share_sent_ && ec != errc::wrong_code) {
        error_ = make_error_code(errc::abandoned);
    }
    if (notify) {
        send_abort(*notify);
    }
    step_ = step::failed;
    rx_.clear();
    wipe();
    event ev;
    ev.what = event::kind::failed;
    ev.error = error_;
    event_.emplace(std::move(ev));
}

void machine::succeed()
{
    event ev;
    ev.what = event::kind::succeeded;
    ev.key = cpace::derive_key(*isk_, session_key_label);
    step_ = step::done;
    wipe();
    event_.emplace(std::move(ev));
}

bool machine::poll_transmit(byte_buffer& out)
{
    if (pending_.empty()) {
        return false;
    }
    append(out, pending_);
    pending_.clear();
    return true;
}

std::optional<event> machine::poll_event()
{
    std::optional<event> ev = std::move(event_);
    event_.reset();
    return ev;
}

bool counts_as_attempt(const error_code& ec) noexcept
{
    return ec == errc::wrong_code || ec == errc::abandoned;
}

} // namespace pcp::p2p::pake
