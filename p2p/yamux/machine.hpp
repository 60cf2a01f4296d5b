// SPDX-License-Identifier: MIT
// The yamux session machine for one connection (libp2p/specs yamux/README.md; digest §6, §18.4–5;
// DESIGN §3). Sans-I/O in quinn-proto's shape: the glue feeds handle_input(bytes, now), calls
// handle_timeout(now) at poll_timeout(), writes whatever poll_transmit() appends and forwards
// poll_event(). No sockets, no clock reads, no randomness. Every buffer is bounded by config:
// unread bytes of a stream ≤ its receive window, queued output ≤ max_send_buffer plus control
// frames ≤ max_control_frames, events coalesced per stream (one slot per live stream).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>

#include "engine/bytes.hpp"
#include "engine/clock.hpp"
#include "engine/result.hpp"
#include "p2p/yamux/config.hpp"
#include "p2p/yamux/errc.hpp"
#include "p2p/yamux/wire.hpp"

namespace pcp::p2p::yamux {

/// What the session reports to the glue. Stream events are coalesced per stream: one pending
/// event of each kind per stream at most, so an unpolled backlog never grows beyond the streams.
enum class event_type {
    stream_opened,        ///< the peer opened stream `id` (already ACKed); accept it
    stream_readable,      ///< stream `id` has bytes to read(); read until it returns 0
    stream_writable,      ///< send() on `id` was short and now can take bytes again
    stream_remote_closed, ///< the peer half-closed `id` (FIN): after the buffered bytes, EOF
    stream_reset,         ///< the peer reset `id` (`code` = RST error code, 0 if none); it is gone
    can_open,             ///< open_stream() failed with ack_backlog_full and may now succeed
    go_away_received,     ///< the peer sent GoAway(`code`): open no new streams
    ping_rtt,             ///< one of our pings was answered after `rtt`
    session_closed,       ///< the session is over (`error`); flush poll_transmit, then close
};

/// One event; only the fields named by its type are meaningful.
struct event {
    event_type type = event_type::session_closed;
    stream_id id = 0;
    std::uint32_t code = 0;
    duration rtt{};
    error_code error;
};

/// Snapshot of one stream, for the glue and for tests.
struct stream_info {
    bool outbound = false;       ///< we opened it
    bool acked = false;          ///< outbound: the peer ACKed it (inbound: always true)
    bool write_closed = false;   ///< close_write() was called
    bool fin_sent = false;       ///< our FIN is on the wire (handed out by poll_transmit)
    bool remote_closed = false;  ///< the peer's FIN arrived
    bool reset = false;          ///< the peer reset it (waiting for the stream_reset event)
    std::size_t readable = 0;    ///< unread bytes (those in lend_read() memory included)
    std::size_t send_window = 0; ///< bytes send() may still queue, by the peer's window
    std::size_t queued = 0;      ///< bytes accepted by send() not yet handed to poll_transmit
    std::size_t lent = 0;        ///< bytes of an outstanding lend() not yet handed to poll_transmit
    std::size_t read_filled = 0; ///< bytes received into lend_read() memory, not yet taken
    std::uint32_t receive_window = 0; ///< current target receive window (auto-tuned)
};

namespace detail {
/// Internal per-stream state (exposed only because the map needs a complete type).
struct stream_state {
    stream_id id = 0;
    bool outbound = false;
    bool syn_pending = false;  ///< outbound: SYN not yet emitted
    bool ack_pending = false;  ///< inbound: ACK not yet emitted
    bool acked = false;        ///< outbound: ACK received
    bool fin_queued = false;
    bool fin_sent = false;
    bool remote_fin = false;
    bool remote_reset = false;
    bool eof_seen = false;     ///< read() returned 0 after the remote FIN
    bool blocked = false;      ///< a send() was short: report stream_writable when it reopens
    bool in_send_list = false;
    bool in_update_list = false;
    bool in_event_list = false;
    bool in_blocked_list = false; ///< queued in blocked_list_ (waiting for send-buffer room)
    std::uint8_t pending_events = 0;
    std::uint32_t reset_code = 0;
    // send side
    std::uint64_t send_window = 0;
    std::deque<byte_buffer> tx; ///< chunks ≤ max_frame_payload
    std::size_t tx_head = 0;    ///< bytes of tx.front() already sent (a frame that did not fit was cut)
    std::size_t tx_bytes = 0;
    bool lending = false;       ///< a lend() is outstanding (until take_back)
    bytes_view lent;            ///< the caller's bytes of that lend not handed out yet (after tx)
    std::size_t lent_sent = 0;  ///< bytes of that lend handed out so far
    // receive side
    std::deque<byte_buffer> rx;
    std::size_t rx_head = 0; ///< read offset into rx.front()
    std::size_t rx_bytes = 0;  ///< unread bytes: in rx plus read_filled
    bool read_lending = false; ///< a lend_read() is outstanding (until take_read)
    std::span<std::byte> read_lent; ///< that caller memory
    std::size_t read_filled = 0;    ///< bytes of it written (they precede everything in rx)
    std::uint64_t recv_credit = 0; ///< bytes the peer may still send
    std::uint64_t recv_target = 0; ///< current target window
    instant epoch{};               ///< when our last window update went out (auto-tuning)
};
} // namespace detail

/// One yamux session (one connection). Not thread-safe; lives on the connection's core.
class session {
public:
    /// `now` starts the keepalive clock; with cfg.measure_rtt a ping is queued at once.
    session(role r, const config& cfg, instant now);

    // ---- input ------------------------------------------------------------------------------
    /// Feed bytes from the connection; consumes all of them (partial headers are kept, Data
    /// payloads go straight into the stream's receive buffer, so nothing beyond a 12-byte header
    /// and the receive windows is ever buffered). `now` updates the machine's clock (RTT,
    /// auto-tuning). Errors close the session (a session_closed event follows, and a GoAway
    /// frame is queued for protocol errors): bad_version, bad_type, protocol_error,
    /// wrong_parity, duplicate_stream, window_exceeded, control_queue_full; afterwards every
    /// call returns session_closed. The glue should flush poll_transmit and close the connection.
    [[nodiscard]] result<void> handle_input(bytes_view in, instant now);
    /// Drive timers: sends keepalive pings, closes the session (keepalive_timeout) when a ping
    /// went unanswered for config::ping_timeout. Call at or after poll_timeout().
    void handle_timeout(instant now);
    /// The connection took every byte poll_transmit handed out so far (a write completed). A
    /// socket's send buffer is bounded, so on a busy connection this means the peer acknowledged
    /// older bytes: a sign of life while a ping waits behind megabytes on a slow, lossy link.
    void note_written(instant now);
    /// The underlying connection is gone (EOF or I/O error): the session closes with
    /// transport_closed and reports session_closed.
    void handle_transport_closed();

    // ---- commands ---------------------------------------------------------------------------
    /// Open an outbound stream; its SYN (WindowUpdate|SYN, delta 0) is queued at once and data
    /// may follow before the ACK. Errors: session_closed, remote_go_away, local_go_away,
    /// too_many_streams, ack_backlog_full (retry after a can_open event), stream_ids_exhausted.
    [[nodiscard]] result<stream_id> open_stream();
    /// Queue bytes on a stream; returns how many were accepted (≤ the peer's window and the free
    /// send buffer; 0 = blocked, a stream_writable event follows when it reopens). Frames carry
    /// at most config::max_frame_payload bytes each. Errors: unknown_stream, stream_closed
    /// (after close_write), stream_reset, stream_busy (a lend() is outstanding), session_closed.
    [[nodiscard]] result<std::size_t> send(stream_id id, bytes_view data);
    /// Zero-copy send: queue `data` by reference. poll_transmit copies it straight from the
    /// caller's memory into the output (after the bytes send() queued before), as the peer's window
    /// allows (the window is charged when bytes go out, not here); it does not count against
    /// max_send_buffer. The caller keeps `data` alive and unchanged until take_back(); the machine
    /// reports stream_writable once all of it was handed out. While the lend is outstanding,
    /// send() and lend() fail with stream_busy; a reset, session close or the peer's RST drop
    /// the rest. Errors: unknown_stream, stream_closed (after close_write), stream_reset,
    /// stream_busy, session_closed.
    [[nodiscard]] result<void> lend(stream_id id, bytes_view data);
    /// End the outstanding lend on `id`: the machine forgets the caller's memory at once, the bytes
    /// not handed out yet are never sent (nor charged to the window). Returns how many bytes of
    /// the lend were handed out (0 for an unknown stream or no lend). Call it on every path that
    /// follows a successful lend(), also when the stream is gone.
    std::size_t take_back(stream_id id) noexcept;
    /// Zero-copy receive: lend writable memory for the next bytes of `id`. Data that arrives while
    /// nothing else is buffered for the stream is copied from the input straight into it (not into
    /// the receive buffer and out again), until it is full; a stream_readable event follows. Call
    /// it when read() returned 0. While the lend is outstanding read() and lend_read() fail with
    /// stream_busy. The caller keeps `buf` alive until take_read(). Errors: unknown_stream,
    /// stream_reset, stream_busy, session_closed.
    [[nodiscard]] result<void> lend_read(stream_id id, std::span<std::byte> buf);
    /// End the read lend on `id` and return how many bytes were written into the lent memory.
    /// With `consume` they count as read (window credit as for read()); without it (a cancelled
    /// read) they are put back in front of the receive buffer, unread. 0 for an unknown stream or
    /// no lend. Call it on every path that follows a successful lend_read().
    std::size_t take_read(stream_id id, bool consume = true);
    /// Copy received bytes out and credit the window (a WindowUpdate is queued once the
    /// consumed-but-ungranted amount reaches half the target window; the target doubles, up to
    /// max_stream_window and within the connection budget, when a window's worth went by within
    /// ~4 RTT). Returns 0 when nothing is buffered (EOF if stream_info::remote_closed).
    /// Lifetime: a stream is forgotten (later calls give unknown_stream) once both FINs are on the
    /// wire and read() has returned 0 at EOF, or when its stream_reset event is polled, or on
    /// reset(). An application that stops reading early must reset() the stream.
    /// Errors: unknown_stream, session_closed (stream gone with the session), stream_busy (a
    /// lend_read() is outstanding).
    [[nodiscard]] result<std::size_t> read(stream_id id, std::span<std::byte> out);
    /// Half-close: a WindowUpdate|FIN goes out after the bytes already queued, always in a frame
    /// of its own (never on the SYN frame: js drops SYN+FIN streams). Idempotent; no-op on an
    /// unknown stream.
    void close_write(stream_id id);
    /// Reset a stream (WindowUpdate|RST, `code` in the length field) and forget it at once:
    /// queued and buffered bytes are dropped, no further events. No-op on an unknown stream.
    void reset(stream_id id, std::uint32_t code = 0);
    /// Send GoAway(code): the peer should open no more streams; our inbound SYNs are refused from
    /// now on and open_stream() fails. Existing streams continue. Only the first call sends.
    void go_away(go_away_code code = go_away_code::normal);

    // ---- output -----------------------------------------------------------------------------
    /// Append pending frames to `out`: control frames first (pongs, RSTs, GoAway, our pings),
    /// then SYN/ACK/window updates, then Data and FIN round-robin across streams until about
    /// config::max_transmit_batch bytes. Returns false when nothing was appended.
    bool poll_transmit(byte_buffer& out);
    /// The same into fixed memory (zero-copy: e.g. the room of a Noise frame): frames in the same
    /// order, as many as fit; a Data frame is cut only when not even the first one fits whole.
    /// Returns the bytes written (0 = nothing to send). Precondition: out.size() > header_size.
    std::size_t poll_transmit(std::span<std::byte> out);
    /// Next deadline for handle_timeout (keepalive or ping timeout); nullopt once closed.
    [[nodiscard]] std::optional<instant> poll_timeout() const;
    /// Next event for the layer above, or nullopt.
    [[nodiscard]] std::optional<event> poll_event();

    // ---- queries ----------------------------------------------------------------------------
    /// Snapshot of a stream; nullopt if unknown or already gone.
    [[nodiscard]] std::optional<stream_info> info(stream_id id) const;
    [[nodiscard]] bool closed() const noexcept { return closed_; }
    /// Why the session closed (empty while open).
    [[nodiscard]] error_code close_reason() const noexcept { return close_reason_; }
    /// Last measured round-trip time, if any.
    [[nodiscard]] std::optional<duration> rtt() const noexcept { return rtt_; }
    [[nodiscard]] std::size_t stream_count() const noexcept { return streams_.size(); }
    [[nodiscard]] std::size_t inbound_streams() const noexcept { return inbound_count_; }
    [[nodiscard]] std::size_t outbound_streams() const noexcept { return outbound_count_; }
    /// Received bytes not yet read, all streams (bounded, see config::connection_window_budget).
    [[nodiscard]] std::size_t buffered_bytes() const noexcept { return rx_total_; }
    /// Bytes accepted by send() not yet handed out (≤ config::max_send_buffer).
    [[nodiscard]] std::size_t queued_bytes() const noexcept { return tx_total_; }
    /// Control frames waiting (≤ config::max_control_frames + 1).
    [[nodiscard]] std::size_t queued_control_frames() const noexcept { return control_.size(); }
    [[nodiscard]] const config& cfg() const noexcept { return cfg_; }
    [[nodiscard]] role side() const noexcept { return role_; }

private:
    using stream = detail::stream_state;

    bool is_local_id(stream_id id) const noexcept;
    stream* find(stream_id id) noexcept;
    const stream* find(stream_id id) const noexcept;
    result<void> on_header(const header& h);
    result<void> on_stream_frame(const header& h);
    void on_payload(bytes_view payload);
    void finish_frame();
    result<void> on_ping(const header& h);
    result<void> open_inbound(stream_id id);
    bool queue_control(const header& h);
    result<void> fail(errc e, bool send_go_away);
    void close_session(error_code reason);
    void send_ping();
    [[nodiscard]] instant ping_deadline() const;
    void on_remote_fin(stream& s);
    void on_remote_reset(stream& s, std::uint32_t code);
    void push_session_event(event ev);
    void note_event(stream& s, std::uint8_t bit);
    void schedule_send(stream& s);
    void schedule_update(stream& s);
    void maybe_schedule_update(stream& s);
    std::uint64_t effective_target(const stream& s) const noexcept;
    std::uint64_t pending_grant(const stream& s) const noexcept;
    /// What emit_data did with one stream's turn.
    enum class emitted : std::uint8_t { last, more, no_room };
    // Sink: the vector or span output of poll_transmit (machine.cpp).
    template <class Sink>
    std::size_t transmit(Sink& out);
    template <class Sink>
    void emit_update(stream& s, Sink& out);
    template <class Sink>
    emitted emit_data(stream& s, Sink& out);
    /// The stream send() or lend() may queue on, or why not.
    result<stream*> writable_stream(stream_id id) noexcept;
    std::size_t send_capacity(const stream& s) const noexcept;
    void drop_output(stream& s) noexcept;
    void drop_input(stream& s) noexcept;
    void after_read(stream& s, std::size_t n);
    void wake_writable(stream& s);
    void wake_blocked_streams();
    void note_buffer_blocked(stream& s);
    void maybe_remove(stream_id id);
    void remove(stream_id id);

    role role_;
    config cfg_;
    instant now_;
    bool closed_ = false;
    error_code close_reason_;
    bool local_go_away_ = false;
    bool remote_go_away_ = false;
    bool open_refused_ = false; ///< open_stream hit ack_backlog_full: report can_open later

    std::unordered_map<stream_id, stream> streams_;
    stream_id next_id_;
    bool ids_exhausted_ = false;
    std::size_t inbound_count_ = 0;
    std::size_t outbound_count_ = 0;
    std::size_t unacked_count_ = 0;
    std::size_t backlog_count_ = 0;  ///< inbound streams whose stream_opened is unpolled
    std::size_t rx_total_ = 0;
    std::size_t tx_total_ = 0;
    std::uint64_t growth_total_ = 0; ///< Σ(recv_target − initial_window)

    // input parser: a partial header, or the rest of a Data payload
    std::array<std::byte, header_size> hdr_buf_{};
    std::size_t hdr_len_ = 0;
    header frame_{};
    std::uint32_t payload_left_ = 0;
    bool payload_live_ = false; ///< payload goes to frame_.id (else discarded)

    // output
    std::deque<header> control_;
    std::optional<header> go_away_frame_;
    std::deque<stream_id> update_list_;
    std::deque<stream_id> send_list_;
    std::deque<stream_id> blocked_list_;

    // events
    std::deque<stream_id> event_list_;
    std::deque<event> session_events_; ///< ≤ 4: go_away, can_open, ping_rtt, session_closed

    // pings
    std::uint32_t next_ping_id_ = 0;
    std::optional<std::pair<std::uint32_t, instant>> ping_outstanding_;
    instant last_input_;  ///< when bytes last arrived: they prove the peer alive as a pong does
    instant last_written_; ///< when the connection last took written bytes (note_written)
    instant next_keepalive_;
    std::optional<duration> rtt_;
};

} // namespace pcp::p2p::yamux
