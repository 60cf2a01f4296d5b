// SPDX-License-Identifier: MIT
// Limits and timers of one yamux session (DESIGN §3 flow control and memory; digest §6 and §17).
// Every queue and buffer in machine.hpp is bounded by a field here. Pure.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/clock.hpp"
#include "p2p/yamux/wire.hpp"

namespace pcp::p2p::yamux {

/// Which end of the connection we are (digest §3 role table): the client opens odd stream ids
/// from 1, the server even ids from 2.
enum class role { client, server };

/// Session configuration; the defaults are what pcp uses.
struct config {
    /// Initial receive and send window per stream. The spec fixes 256 KiB; only change it for tests
    /// between two pcp machines (the peer assumes 256 KiB).
    std::uint32_t initial_window = initial_stream_window;
    /// Cap of a stream's auto-tuned receive window (go/js use 16 MiB; we cap lower for RSS).
    std::uint32_t max_stream_window = 8 * 1024 * 1024;
    /// Per-connection receive budget shared by all streams: the sum of window growth beyond
    /// initial_window, and the unread bytes above which streams fall back to initial_window.
    /// Unread memory per connection ≤ streams × initial_window + connection_window_budget.
    std::size_t connection_window_budget = 16 * 1024 * 1024;
    /// Inbound streams alive at once; extra SYNs are answered with RST.
    std::size_t max_inbound_streams = 512;
    /// Outbound streams alive at once; open_stream() fails with too_many_streams beyond it.
    std::size_t max_outbound_streams = 512;
    /// Outbound streams the peer has not ACKed yet (spec: 256); open_stream() fails beyond it.
    std::size_t max_unacked_outbound = 256;
    /// Inbound streams opened but whose stream_opened event was not polled yet; extra SYNs get RST.
    std::size_t accept_backlog = 256;
    /// Largest Data payload we send (go/js never exceed 64 KiB including the header). The default
    /// makes header + payload exactly one Noise transport frame's plaintext (65535 − 16 tag bytes),
    /// so the Noise fast path never cuts a Data frame across two Noise frames.
    std::size_t max_frame_payload = 65535 - 16 - header_size;
    /// Application bytes accepted by send() but not yet handed out by poll_transmit (all streams).
    std::size_t max_send_buffer = 1024 * 1024;
    /// Bytes one poll_transmit call appends at most (one frame more if control frames are pending).
    std::size_t max_transmit_batch = 256 * 1024;
    /// Control frames (pongs, RSTs) queued at most; a peer that provokes more is disconnected.
    std::size_t max_control_frames = 4096;
    /// Keepalive ping period; zero disables keepalive (the start-up RTT ping is separate).
    duration keepalive_interval = std::chrono::seconds(30);
    /// An unanswered ping closes the session after this long, counted from the ping or from the
    /// last sign of life after it: bytes received, or the connection taking bytes written (see
    /// session::note_written; that one at most until ping_patience after the ping). go uses 10 s;
    /// pcp cannot resume a transfer yet, so it rides out TCP's retransmission back-off on a lossy
    /// link a little longer (3 lost retransmissions in a row at a 1 s RTO are 15 s of silence).
    duration ping_timeout = std::chrono::seconds(20);
    /// How long written bytes being taken may keep an unanswered ping's session alive.
    duration ping_patience = std::chrono::seconds(60);
    /// Send one ping at start to measure the RTT for window auto-tuning (js and go do so).
    bool measure_rtt = true;
    /// RTT assumed for auto-tuning until a ping has measured it.
    duration default_rtt = std::chrono::milliseconds(100);
};

} // namespace pcp::p2p::yamux
