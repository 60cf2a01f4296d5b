// SPDX-License-Identifier: MIT
// The yamux session machine; see machine.hpp for the contract and config.hpp for the bounds.
#include "p2p/yamux/machine.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "engine/buffer.hpp"

namespace pcp::p2p::yamux {

namespace {
constexpr std::uint8_t ev_opened = 1;
constexpr std::uint8_t ev_readable = 2;
constexpr std::uint8_t ev_remote_closed = 4;
constexpr std::uint8_t ev_writable = 8;
constexpr std::uint8_t ev_reset = 16;
/// Receive segments grow up to this size before a new one starts (keeps tiny input chunks from
/// turning into many tiny allocations).
constexpr std::size_t rx_segment = 64 * 1024;
constexpr std::uint64_t max_window = std::numeric_limits<std::uint32_t>::max();

/// poll_transmit into a growing vector: frames are never cut; Data stops after `batch` bytes.
class vector_sink {
public:
    vector_sink(byte_buffer& out, std::size_t batch) : out_(out), start_(out.size()), batch_(batch) {}
    [[nodiscard]] std::size_t written() const noexcept { return out_.size() - start_; }
    [[nodiscard]] static bool fits_header() noexcept { return true; }
    /// Payload bytes the next Data frame may carry; 0 = no more Data now.
    [[nodiscard]] std::size_t data_room() const noexcept
    {
        return written() < batch_ ? std::numeric_limits<std::size_t>::max() : 0;
    }
    void put(const header& h) { encode(h, out_); }
    void put(const header& h, bytes_view payload)
    {
        encode(h, out_);
        append_bytes(out_, payload);
    }

private:
    byte_buffer& out_;
    std::size_t start_;
    std::size_t batch_;
};

/// poll_transmit into fixed memory: everything stops when the next frame does not fit.
class span_sink {
public:
    explicit span_sink(std::span<std::byte> out) : out_(out) {}
    [[nodiscard]] std::size_t written() const noexcept { return used_; }
    [[nodiscard]] bool fits_header() const noexcept { return out_.size() - used_ >= header_size; }
    [[nodiscard]] std::size_t data_room() const noexcept
    {
        const std::size_t left = out_.size() - used_;
        return left > header_size ? left - header_size : 0;
    }
    void put(const header& h)
    {
        encode(h, out_.subspan(used_).first<header_size>());
        used_ += header_size;
    }
    void put(const header& h, bytes_view payload)
    {
        put(h);
        copy_bytes(out_.data() + used_, payload.data(), payload.size());
        used_ += payload.size();
    }

private:
    std::span<std::byte> out_;
    std::size_t used_ = 0;
};
} // namespace

session::session(role r, const config& cfg, instant now)
    : role_(r), cfg_(cfg), now_(now), next_id_(r == role::client ? 1 : 2), last_input_(now), last_written_(now)
{
    next_keepalive_ = now + cfg_.keepalive_interval;
    if (cfg_.measure_rtt) {
        send_ping();
    }
}

bool session::is_local_id(stream_id id) const noexcept
{
    return ((id & 1u) == 1u) == (role_ == role::client);
}

session::stream* session::find(stream_id id) noexcept
{
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : &it->second;
}
const session::stream* session::find(stream_id id) const noexcept
{
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------
// input

result<void> session::handle_input(bytes_view in, instant now)
{
    now_ = std::max(now_, now);
    if (closed_) {
        return errc::session_closed;
    }
    if (!in.empty()) {
        last_input_ = now_;
    }
    std::size_t pos = 0;
    while (pos < in.size()) {
        if (payload_left_ > 0) {
            const auto n = std::min<std::size_t>(payload_left_, in.size() - pos);
            if (payload_live_) {
                on_payload(in.subspan(pos, n));
            }
            pos += n;
            payload_left_ -= static_cast<std::uint32_t>(n);
            if (payload_left_ == 0) {
                finish_frame();
            }
            continue;
        }
        const auto n = std::min(header_size - hdr_len_, in.size() - pos);
        std::memcpy(hdr_buf_.data() + hdr_len_, in.data() + pos, n);
        hdr_len_ += n;
        pos += n;
        if (hdr_len_ < header_size) {
            break;
        }
        hdr_len_ = 0;
        auto d = decode(hdr_buf_);
        if (!d) {
            return fail(static_cast<errc>(d.error().value()), true);
        }
        PCP_TRY(on_header(*d.value().message));
    }
    return ok();
}

result<void> session::on_header(const header& h)
{
    switch (h.type) {
    case frame_type::ping: return on_ping(h);
    case frame_type::go_away:
        if (!remote_go_away_) {
            remote_go_away_ = true;
            push_session_event(event{event_type::go_away_received, 0, h.length, {}, {}});
        }
        return ok();
    case frame_type::data:
    case frame_type::window_update: return on_stream_frame(h);
    }
    return fail(errc::bad_type, true);
}

result<void> session::on_ping(const header& h)
{
    if (h.has(flag::syn)) {
        // Echo exactly: same opaque value, ACK flag, stream 0 (digest §6, trap 4).
        if (!queue_control(header{protocol_version, frame_type::ping, flag::ack, 0, h.length})) {
            return fail(errc::control_queue_full, true);
        }
        return ok();
    }
    if (h.has(flag::ack) && ping_outstanding_ && ping_outstanding_->first == h.length) {
        rtt_ = now_ - ping_outstanding_->second;
        ping_outstanding_.reset();
        push_session_event(event{event_type::ping_rtt, 0, 0, *rtt_, {}});
    }
    return ok(); // unmatched pongs are ignored
}

result<void> session::on_stream_frame(const header& h)
{
    if (h.id == 0) {
        return fail(errc::protocol_error, true);
    }
    if (h.has(flag::syn)) {
        if (is_local_id(h.id)) {
            return fail(errc::wrong_parity, true);
        }
        if (find(h.id) != nullptr) {
            return fail(errc::duplicate_stream, true);
        }
        PCP_TRY(open_inbound(h.id));
    }
    stream* s = find(h.id);
    if (s != nullptr && h.has(flag::ack) && s->outbound && !s->acked) {
        s->acked = true;
        --unacked_count_;
        if (open_refused_ && unacked_count_ < cfg_.max_unacked_outbound) {
            open_refused_ = false;
            push_session_event(event{event_type::can_open, 0, 0, {}, {}});
        }
    }
    if (h.type == frame_type::window_update) {
        if (s == nullptr) {
            return ok(); // late frames for a stream we already forgot
        }
        if (h.has(flag::rst)) {
            on_remote_reset(*s, h.length); // length is an error code here, never a delta
            return ok();
        }
        if (h.length > 0) {
            s->send_window = std::min(s->send_window + h.length, max_window);
            wake_writable(*s);
            if (!s->lent.empty()) {
                schedule_send(*s); // lent bytes wait for the window in the machine, not the caller
            }
        }
        if (h.has(flag::fin)) {
            on_remote_fin(*s);
        }
        return ok();
    }
    // Data: the payload is streamed into the receive buffer (or discarded) as it arrives.
    frame_ = h;
    payload_left_ = h.length;
    payload_live_ = false;
    if (s != nullptr && !s->remote_fin && !s->remote_reset) {
        if (h.length > s->recv_credit) {
            return fail(errc::window_exceeded, true);
        }
        s->recv_credit -= h.length;
        payload_live_ = h.length > 0;
    }
    if (payload_left_ == 0) {
        finish_frame();
    }
    return ok();
}

result<void> session::open_inbound(stream_id id)
{
    if (local_go_away_ || inbound_count_ >= cfg_.max_inbound_streams ||
        backlog_count_ >= cfg_.accept_backlog) {
        if (!queue_control(header{protocol_version, frame_type::window_update, flag::rst, id, 0})) {
            return fail(errc::control_queue_full, true);
        }
        return ok();
    }
    stream& s = streams_[id];
    s.id = id;
    s.outbound = false;
    s.ack_pending = true;
    s.send_window = cfg_.initial_window;
    s.recv_credit = cfg_.initial_window;
    s.recv_target = cfg_.initial_window;
    s.epoch = now_;
    ++inbound_count_;
    ++backlog_count_;
    note_event(s, ev_opened);
    schedule_update(s); // the ACK goes out promptly, so go's un-ACKed limit never bites
    return ok();
}

void session::on_payload(bytes_view payload)
{
    stream* s = find(frame_.id);
    if (s == nullptr) {
        return;
    }
    s->rx_bytes += payload.size();
    rx_total_ += payload.size();
    note_event(*s, ev_readable);
    if (s->read_lending && s->rx.empty()) {
        // Straight into the reader's memory while nothing older is waiting in rx.
        const std::size_t k = std::min(payload.size(), s->read_lent.size() - s->read_filled);
        copy_bytes(s->read_lent.data() + s->read_filled, payload.data(), k);
        s->read_filled += k;
        payload = payload.subspan(k);
        if (payload.empty()) {
            return;
        }
    }
    if (!s->rx.empty() && s->rx.back().size() + payload.size() <= rx_segment) {
        append_bytes(s->rx.back(), payload);
    } else {
        byte_buffer seg;
        seg.reserve(std::max(payload.size(), std::min<std::size_t>(payload_left_, rx_segment)));
        append_bytes(seg, payload);
        s->rx.push_back(std::move(seg));
    }
}

void session::finish_frame()
{
    stream* s = find(frame_.id);
    if (s == nullptr) {
        return;
    }
    if (frame_.has(flag::rst)) {
        on_remote_reset(*s, 0);
    } else if (frame_.has(flag::fin)) {
        on_remote_fin(*s);
    }
}

void session::on_remote_fin(stream& s)
{
    if (s.remote_fin || s.remote_reset) {
        return;
    }
    s.remote_fin = true;
    note_event(s, ev_remote_closed);
}

void session::on_remote_reset(stream& s, std::uint32_t code)
{
    if (s.remote_reset) {
        return;
    }
    if ((s.pending_events & ev_opened) != 0) {
        remove(s.id); // never surfaced to the application: forget it silently
        return;
    }
    s.remote_reset = true;
    s.reset_code = code;
    drop_input(s);
    drop_output(s);
    s.pending_events &= static_cast<std::uint8_t>(~(ev_readable | ev_remote_closed | ev_writable));
    note_event(s, ev_reset);
}

// ---------------------------------------------------------------------------------------------
// timers and closing

void session::handle_timeout(instant now)
{
    now_ = std::max(now_, now);
    if (closed_) {
        return;
    }
    if (ping_outstanding_ && now_ >= ping_deadline()) {
        close_session(errc::keepalive_timeout);
        return;
    }
    if (cfg_.keepalive_interval > duration::zero() && now_ >= next_keepalive_) {
        next_keepalive_ = now_ + cfg_.keepalive_interval;
        if (!ping_outstanding_) {
            send_ping();
        }
    }
}

std::optional<instant> session::poll_timeout() const
{
    if (closed_) {
        return std::nullopt;
    }
    std::optional<instant> t;
    if (ping_outstanding_) {
        t = ping_deadline();
    }
    if (cfg_.keepalive_interval > duration::zero()) {
        t = t ? std::min(*t, next_keepalive_) : next_keepalive_;
    }
    return t;
}

// A keepalive ping queues behind whatever the socket still holds, and its pong behind what the
// peer still sends: on a slow or lossy link that takes longer than ping_timeout although the peer
// is alive. Bytes arriving prove liveness as well as the pong. On a one-way bulk transfer the
// sender may receive nothing for long (window updates come every few MiB): there, the socket
// taking more bytes shows the peer acknowledging, but a trickle of small writes into a dead link
// looks the same, so that sign counts only until ping_patience after the ping.
instant session::ping_deadline() const
{
    const instant sent = ping_outstanding_->second;
    const instant by_input = std::max(sent, last_input_) + cfg_.ping_timeout;
    const instant by_writes = std::min(last_written_ + cfg_.ping_timeout, sent + cfg_.ping_patience);
    return std::max(by_input, by_writes);
}

void session::note_written(instant now)
{
    now_ = std::max(now_, now);
    last_written_ = now_;
}

void session::send_ping()
{
    const std::uint32_t opaque = next_ping_id_++;
    control_.push_back(header{protocol_version, frame_type::ping, flag::syn, 0, opaque});
    ping_outstanding_ = std::pair{opaque, now_};
}

void session::handle_transport_closed() { close_session(errc::transport_closed); }

bool session::queue_control(const header& h)
{
    if (control_.size() >= cfg_.max_control_frames) {
        return false;
    }
    control_.push_back(h);
    return true;
}

result<void> session::fail(errc e, bool send_go_away)
{
    if (send_go_away) {
        go_away_frame_ = header{protocol_version, frame_type::go_away, 0, 0,
                                static_cast<std::uint32_t>(go_away_code::protocol_error)};
    }
    close_session(e);
    return e;
}

void session::close_session(error_code reason)
{
    if (closed_) {
        return;
    }
    closed_ = true;
    close_reason_ = reason;
    control_.clear();
    update_list_.clear();
    send_list_.clear();
    blocked_list_.clear();
    ping_outstanding_.reset();
    payload_left_ = 0;
    std::vector<stream_id> ids;
    ids.reserve(streams_.size());
    for (auto& [id, s] : streams_) {
        ids.push_back(id);
    }
    for (auto id : ids) {
        stream& s = streams_.at(id);
        drop_output(s);
        s.in_send_list = false;
        s.in_update_list = false;
        if (!s.remote_fin && !s.remote_reset) {
            on_remote_reset(s, 0); // buffered data of a stream without FIN is incomplete anyway
        } else {
            maybe_remove(id); // a finished stream stays readable until drained
        }
    }
    push_session_event(event{event_type::session_closed, 0, 0, {}, reason});
}

void session::push_session_event(event ev)
{
    if (ev.type == event_type::ping_rtt) {
        for (auto& e : session_events_) {
            if (e.type == event_type::ping_rtt) {
                e = ev; // coalesce: only the latest sample matters
                return;
            }
        }
    }
    session_events_.push_back(ev); // one of each kind at most: ≤ 4 entries
}

// ---------------------------------------------------------------------------------------------
// commands

result<stream_id> session::open_stream()
{
    if (closed_) {
        return errc::session_closed;
    }
    if (remote_go_away_) {
        return errc::remote_go_away;
    }
    if (local_go_away_) {
        return errc::local_go_away;
    }
    if (outbound_count_ >= cfg_.max_outbound_streams) {
        return errc::too_many_streams;
    }
    if (unacked_count_ >= cfg_.max_unacked_outbound) {
        open_refused_ = true;
        return errc::ack_backlog_full;
    }
    if (ids_exhausted_) {
        return errc::stream_ids_exhausted;
    }
    const stream_id id = next_id_;
    if (next_id_ > std::numeric_limits<stream_id>::max() - 2) {
        ids_exhausted_ = true;
    } else {
        next_id_ += 2;
    }
    stream& s = streams_[id];
    s.id = id;
    s.outbound = true;
    s.syn_pending = true;
    s.send_window = cfg_.initial_window;
    s.recv_credit = cfg_.initial_window;
    s.recv_target = cfg_.initial_window;
    s.epoch = now_;
    ++outbound_count_;
    ++unacked_count_;
    schedule_update(s); // SYN as WindowUpdate|SYN, delta 0
    return id;
}

std::size_t session::send_capacity(const stream& s) const noexcept
{
    const std::size_t room = tx_total_ < cfg_.max_send_buffer ? cfg_.max_send_buffer - tx_total_ : 0;
    return static_cast<std::size_t>(std::min<std::uint64_t>(s.send_window, room));
}

result<session::stream*> session::writable_stream(stream_id id) noexcept
{
    if (closed_) {
        return errc::session_closed;
    }
    stream* s = find(id);
    if (s == nullptr) {
        return errc::unknown_stream;
    }
    if (s->remote_reset) {
        return errc::stream_reset;
    }
    if (s->fin_queued) {
        return errc::stream_closed;
    }
    if (s->lending) {
        return errc::stream_busy; // new bytes would overtake the lent ones
    }
    return s;
}

result<std::size_t> session::send(stream_id id, bytes_view data)
{
    PCP_TRY(auto* s, writable_stream(id));
    const std::size_t n = std::min(data.size(), send_capacity(*s));
    if (n < data.size()) {
        s->blocked = true;
        if (s->send_window > n) {
            note_buffer_blocked(*s); // short because of the send buffer, not the window
        }
    }
    std::size_t done = 0;
    while (done < n) {
        if (s->tx.empty() || s->tx.back().size() >= cfg_.max_frame_payload) {
            s->tx.emplace_back().reserve(std::min(n - done, cfg_.max_frame_payload));
        }
        auto& chunk = s->tx.back();
        const std::size_t k = std::min(n - done, cfg_.max_frame_payload - chunk.size());
        append_bytes(chunk, data.subspan(done, k));
        done += k;
    }
    s->tx_bytes += n;
    tx_total_ += n;
    s->send_window -= n;
    if (n > 0) {
        schedule_send(*s);
    }
    return n;
}

result<void> session::lend(stream_id id, bytes_view data)
{
    PCP_TRY(auto* s, writable_stream(id));
    s->lending = true;
    s->lent = data;
    s->lent_sent = 0;
    if (data.empty()) {
        note_event(*s, ev_writable); // nothing to hand out: done at once
    } else if (s->send_window > 0) {
        schedule_send(*s);
    }
    return ok();
}

std::size_t session::take_back(stream_id id) noexcept
{
    stream* s = find(id);
    if (s == nullptr || !s->lending) {
        return 0;
    }
    s->lending = false;
    s->lent = {};
    return std::exchange(s->lent_sent, 0);
}

void session::drop_output(stream& s) noexcept
{
    tx_total_ -= s.tx_bytes;
    s.tx.clear();
    s.tx_head = 0;
    s.tx_bytes = 0;
    s.lent = {}; // the caller's memory is never touched again
}

result<std::size_t> session::read(stream_id id, std::span<std::byte> out)
{
    stream* s = find(id);
    if (s == nullptr) {
        return closed_ ? result<std::size_t>(errc::session_closed) : result<std::size_t>(errc::unknown_stream);
    }
    if (s->read_lending) {
        return errc::stream_busy; // the lent memory holds older bytes than rx
    }
    std::size_t n = 0;
    while (n < out.size() && !s->rx.empty()) {
        auto& seg = s->rx.front();
        const std::size_t k = std::min(out.size() - n, seg.size() - s->rx_head);
        copy_bytes(out.data() + n, seg.data() + s->rx_head, k);
        n += k;
        s->rx_head += k;
        if (s->rx_head == seg.size()) {
            s->rx.pop_front();
            s->rx_head = 0;
        }
    }
    after_read(*s, n);
    return n;
}

void session::after_read(stream& s, std::size_t n)
{
    s.rx_bytes -= n;
    rx_total_ -= n;
    if (s.rx_bytes == 0 && s.remote_fin && !s.eof_seen && n == 0) {
        s.eof_seen = true; // EOF is observed by the read that returns 0
        maybe_remove(s.id);
        return;
    }
    if (n > 0) {
        if (!closed_) {
            maybe_schedule_update(s);
        }
        maybe_remove(s.id);
    }
}

result<void> session::lend_read(stream_id id, std::span<std::byte> buf)
{
    stream* s = find(id);
    if (s == nullptr) {
        return closed_ ? result<void>(errc::session_closed) : result<void>(errc::unknown_stream);
    }
    if (s->remote_reset) {
        return errc::stream_reset;
    }
    if (s->read_lending) {
        return errc::stream_busy;
    }
    s->read_lending = true;
    s->read_lent = buf;
    s->read_filled = 0;
    return ok();
}

std::size_t session::take_read(stream_id id, bool consume)
{
    stream* s = find(id);
    if (s == nullptr || !s->read_lending) {
        return 0;
    }
    const std::size_t n = std::exchange(s->read_filled, 0);
    const auto filled = bytes_view(s->read_lent).first(n);
    s->read_lending = false;
    s->read_lent = {};
    if (n == 0) {
        return 0;
    }
    if (consume) {
        after_read(*s, n);
    } else {
        // A cancelled read: the bytes go back in front of rx, unread (still counted in rx_bytes).
        // rx_head is 0: bytes reach the lent memory only while rx is empty, and read() is refused
        // during the lend, so everything in rx arrived after them and is unread.
        s->rx.emplace_front(filled.begin(), filled.end());
    }
    return n;
}

void session::drop_input(stream& s) noexcept
{
    rx_total_ -= s.rx_bytes;
    s.rx.clear();
    s.rx_head = 0;
    s.rx_bytes = 0;
    s.read_lent = {}; // never written again; take_read() reports nothing
    s.read_filled = 0;
}

void session::close_write(stream_id id)
{
    stream* s = find(id);
    if (closed_ || s == nullptr || s->fin_queued || s->remote_reset) {
        return;
    }
    s->fin_queued = true;
    schedule_send(*s); // the FIN leaves after the queued bytes, in a frame of its own
}

void session::reset(stream_id id, std::uint32_t code)
{
    stream* s = find(id);
    if (s == nullptr) {
        return;
    }
    if (!closed_ && !s->remote_reset && !(s->outbound && s->syn_pending)) {
        // Local resets bypass the control cap: the application bounds them by its streams.
        control_.push_back(header{protocol_version, frame_type::window_update, flag::rst, id, code});
    }
    remove(id);
}

void session::go_away(go_away_code code)
{
    if (closed_ || local_go_away_) {
        return;
    }
    local_go_away_ = true;
    go_away_frame_ = header{protocol_version, frame_type::go_away, 0, 0, static_cast<std::uint32_t>(code)};
}

// ---------------------------------------------------------------------------------------------
// scheduling helpers

void session::note_event(stream& s, std::uint8_t bit)
{
    s.pending_events |= bit;
    if (!s.in_event_list) {
        s.in_event_list = true;
        event_list_.push_back(s.id);
    }
}

void session::schedule_send(stream& s)
{
    if (!s.in_send_list) {
        s.in_send_list = true;
        send_list_.push_back(s.id);
    }
}

void session::schedule_update(stream& s)
{
    if (!s.in_update_list) {
        s.in_update_list = true;
        update_list_.push_back(s.id);
    }
}

std::uint64_t session::effective_target(const stream& s) const noexcept
{
    // Over the connection budget, streams fall back to the initial window: progress is always
    // possible (no deadlock between streams), growth waits until the application catches up.
    if (rx_total_ >= cfg_.connection_window_budget) {
        return std::min<std::uint64_t>(s.recv_target, cfg_.initial_window);
    }
    return s.recv_target;
}

std::uint64_t session::pending_grant(const stream& s) const noexcept
{
    const std::uint64_t target = effective_target(s);
    const std::uint64_t outstanding = s.recv_credit + s.rx_bytes;
    return target > outstanding ? target - outstanding : 0;
}

void session::maybe_schedule_update(stream& s)
{
    if (!s.remote_fin && !s.remote_reset && pending_grant(s) * 2 >= effective_target(s)) {
        schedule_update(s);
    }
}

template <class Sink>
void session::emit_update(stream& s, Sink& out)
{
    std::uint16_t flags = 0;
    if (s.syn_pending) {
        flags |= flag::syn;
        s.syn_pending = false;
    }
    if (s.ack_pending) {
        flags |= flag::ack;
        s.ack_pending = false;
    }
    std::uint64_t delta = 0;
    if (!s.remote_fin && !s.remote_reset && (flags & flag::syn) == 0) {
        std::uint64_t pending = pending_grant(s);
        if (pending > 0 && (flags != 0 || pending * 2 >= effective_target(s))) {
            // Auto-tuning (go stream.go): a half window consumed within 4 RTT of the previous
            // update means the window limits throughput; double it, within the caps.
            const duration rtt = rtt_.value_or(cfg_.default_rtt);
            if (flags == 0 && now_ - s.epoch < 4 * rtt && s.recv_target < cfg_.max_stream_window &&
                rx_total_ < cfg_.connection_window_budget) {
                const std::uint64_t want = std::min<std::uint64_t>(s.recv_target * 2, cfg_.max_stream_window);
                const std::uint64_t room = cfg_.connection_window_budget > growth_total_
                                               ? cfg_.connection_window_budget - growth_total_
                                               : 0;
                const std::uint64_t grow = std::min(want - s.recv_target, room);
                s.recv_target += grow;
                growth_total_ += grow;
                pending = pending_grant(s);
            }
            delta = std::min(pending, max_window);
            s.recv_credit += delta;
            s.epoch = now_;
        }
    }
    if (flags == 0 && delta == 0) {
        return;
    }
    out.put(header{protocol_version, frame_type::window_update, flags, s.id, static_cast<std::uint32_t>(delta)});
}

template <class Sink>
session::emitted session::emit_data(stream& s, Sink& out)
{
    // Queued (copied) bytes first, then lent ones; the FIN after both, in a frame of its own.
    bytes_view src;
    if (!s.tx.empty()) {
        src = bytes_view(s.tx.front()).subspan(s.tx_head); // window charged by send()
    } else if (!s.lent.empty()) {
        src = s.lent.first(static_cast<std::size_t>(std::min<std::uint64_t>(s.lent.size(), s.send_window)));
        if (src.empty()) {
            return emitted::last; // window closed: a WindowUpdate reschedules the stream
        }
    } else {
        if (s.fin_queued && !s.fin_sent) {
            out.put(header{protocol_version, frame_type::window_update, flag::fin, s.id, 0});
            s.fin_sent = true;
        }
        return emitted::last;
    }
    // A frame that does not fit waits for the next output, unless nothing is there yet: then it is
    // cut to fit (only when max_frame_payload exceeds what the output ever holds).
    const std::size_t whole = std::min(src.size(), cfg_.max_frame_payload);
    const std::size_t k = std::min(whole, out.data_room());
    if (k < whole && out.written() > 0) {
        return emitted::no_room;
    }
    out.put(header{protocol_version, frame_type::data, 0, s.id, static_cast<std::uint32_t>(k)}, src.first(k));
    if (!s.tx.empty()) {
        s.tx_bytes -= k;
        tx_total_ -= k;
        s.tx_head += k;
        if (s.tx_head == s.tx.front().size()) {
            s.tx.pop_front();
            s.tx_head = 0;
        }
    } else {
        s.lent = s.lent.subspan(k);
        s.lent_sent += k;
        s.send_window -= k;
        if (s.lent.empty()) {
            note_event(s, ev_writable); // the lend is complete: the caller may take its memory back
        }
    }
    const bool more = !s.tx.empty() || (!s.lent.empty() && s.send_window > 0) ||
                      (s.lent.empty() && s.fin_queued && !s.fin_sent);
    return more ? emitted::more : emitted::last;
}

void session::note_buffer_blocked(stream& s)
{
    if (!s.in_blocked_list) {
        s.in_blocked_list = true;
        blocked_list_.push_back(s.id);
    }
}

void session::wake_writable(stream& s)
{
    if (!s.blocked) {
        return;
    }
    if (send_capacity(s) > 0) {
        s.blocked = false;
        note_event(s, ev_writable);
    } else if (s.send_window > 0) {
        // The window reopened but the shared send buffer is full: wait for it to drain.
        note_buffer_blocked(s);
    }
}

void session::wake_blocked_streams()
{
    std::deque<stream_id> pending;
    pending.swap(blocked_list_);
    for (auto id : pending) {
        stream* s = find(id);
        if (s == nullptr) {
            continue;
        }
        s->in_blocked_list = false;
        if (!s->blocked || s->send_window == 0) {
            continue; // unblocked already, or window-limited: a WindowUpdate wakes it
        }
        wake_writable(*s); // re-queues itself while the buffer is still full
    }
}

void session::maybe_remove(stream_id id)
{
    stream* s = find(id);
    if (s == nullptr || s->pending_events != 0 || s->rx_bytes != 0) {
        return;
    }
    const bool done = s->remote_reset || closed_ || (s->fin_sent && s->remote_fin && s->eof_seen && s->tx_bytes == 0);
    if (done) {
        remove(id);
    }
}

void session::remove(stream_id id)
{
    auto it = streams_.find(id);
    if (it == streams_.end()) {
        return;
    }
    stream& s = it->second;
    if (s.outbound) {
        --outbound_count_;
        if (!s.acked) {
            --unacked_count_;
            if (open_refused_ && unacked_count_ < cfg_.max_unacked_outbound && !closed_) {
                open_refused_ = false;
                push_session_event(event{event_type::can_open, 0, 0, {}, {}});
            }
        }
    } else {
        --inbound_count_;
    }
    if ((s.pending_events & ev_opened) != 0) {
        --backlog_count_;
    }
    rx_total_ -= s.rx_bytes;
    tx_total_ -= s.tx_bytes;
    growth_total_ -= s.recv_target > cfg_.initial_window ? s.recv_target - cfg_.initial_window : 0;
    streams_.erase(it);
}

// ---------------------------------------------------------------------------------------------
// output

template <class Sink>
std::size_t session::transmit(Sink& out)
{
    while (!control_.empty() && out.fits_header()) {
        out.put(control_.front());
        control_.pop_front();
    }
    if (go_away_frame_ && out.fits_header()) {
        out.put(*go_away_frame_);
        go_away_frame_.reset();
    }
    if (closed_) {
        return out.written();
    }
    while (!update_list_.empty() && out.fits_header()) {
        const stream_id id = update_list_.front();
        update_list_.pop_front();
        stream* s = find(id);
        if (s != nullptr && s->in_update_list) {
            s->in_update_list = false;
            emit_update(*s, out);
        }
    }
    while (!send_list_.empty() && out.data_room() > 0) {
        const stream_id id = send_list_.front();
        stream* s = find(id);
        if (s == nullptr || !s->in_send_list) {
            send_list_.pop_front();
            continue;
        }
        const emitted e = emit_data(*s, out);
        if (e == emitted::no_room) {
            break; // keeps its turn
        }
        send_list_.pop_front();
        if (e == emitted::more) {
            send_list_.push_back(id); // round-robin: one frame per stream per turn
        } else {
            s->in_send_list = false;
            if (s->fin_sent) {
                maybe_remove(id);
            }
        }
    }
    if (!blocked_list_.empty() && tx_total_ * 2 <= cfg_.max_send_buffer) {
        wake_blocked_streams();
    }
    return out.written();
}

bool session::poll_transmit(byte_buffer& out)
{
    vector_sink sink(out, cfg_.max_transmit_batch);
    return transmit(sink) > 0;
}

std::size_t session::poll_transmit(std::span<std::byte> out)
{
    span_sink sink(out);
    return transmit(sink);
}

// ---------------------------------------------------------------------------------------------
// events and queries

std::optional<event> session::poll_event()
{
    for (auto it = session_events_.begin(); it != session_events_.end(); ++it) {
        if (it->type != event_type::session_closed) {
            event ev = *it;
            session_events_.erase(it);
            return ev;
        }
    }
    while (!event_list_.empty()) {
        const stream_id id = event_list_.front();
        stream* s = find(id);
        if (s == nullptr || !s->in_event_list || s->pending_events == 0) {
            event_list_.pop_front();
            if (s != nullptr && s->pending_events == 0) {
                s->in_event_list = false;
            }
            continue;
        }
        static constexpr std::pair<std::uint8_t, event_type> order[] = {
            {ev_opened, event_type::stream_opened},
            {ev_readable, event_type::stream_readable},
            {ev_remote_closed, event_type::stream_remote_closed},
            {ev_writable, event_type::stream_writable},
            {ev_reset, event_type::stream_reset},
        };
        std::optional<event> ev;
        for (auto [bit, type] : order) {
            if ((s->pending_events & bit) == 0) {
                continue;
            }
            s->pending_events &= static_cast<std::uint8_t>(~bit);
            if (bit == ev_opened) {
                --backlog_count_;
            }
            if (bit == ev_readable && s->rx_bytes == 0) {
                continue; // already read: nothing to report
            }
            ev = event{type, id, bit == ev_reset ? s->reset_code : 0, {}, {}};
            break;
        }
        if (s->pending_events == 0) {
            event_list_.pop_front();
            s->in_event_list = false;
        }
        maybe_remove(id);
        if (ev) {
            return ev;
        }
    }
    if (!session_events_.empty()) {
        event ev = session_events_.front();
        session_events_.pop_front();
        return ev;
    }
    return std::nullopt;
}

std::optional<stream_info> session::info(stream_id id) const
{
    const stream* s = find(id);
    if (s == nullptr) {
        return std::nullopt;
    }
    stream_info i;
    i.outbound = s->outbound;
    i.acked = !s->outbound || s->acked;
    i.write_closed = s->fin_queued;
    i.fin_sent = s->fin_sent;
    i.remote_closed = s->remote_fin;
    i.reset = s->remote_reset;
    i.readable = s->rx_bytes;
    i.send_window = static_cast<std::size_t>(s->send_window);
    i.queued = s->tx_bytes;
    i.lent = s->lent.size();
    i.read_filled = s->read_filled;
    i.receive_window = static_cast<std::uint32_t>(s->recv_target);
    return i;
}

} // namespace pcp::p2p::yamux
