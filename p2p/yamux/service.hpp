// SPDX-License-Identifier: MIT
// yamux over a secured connection (coroutine glue for machine.hpp; libp2p specs yamux/README.md).
// Three loops per session: the reader always drains the socket (so pings and window updates flow
// while the application is slow, DESIGN §3), the writer flushes poll_transmit, the timer drives
// keepalive. Streams are transport::streams; all of it lives on the connection's core.
#pragma once

#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "engine/notify.hpp"
#include "engine/task.hpp"
#include "p2p/yamux/machine.hpp"
#include "transport/stream.hpp"

namespace pcp::p2p::yamux {

class mux_stream;

/// One multiplexed connection. Create with make_session(); run() until it ends.
class session_service : public std::enable_shared_from_this<session_service> {
public:
    session_service(asio::any_io_executor ex, std::unique_ptr<transport::stream> conn, role r, const config& cfg);
    ~session_service();

    /// Runs the reader, writer and timer loops; completes when the session is over (GoAway,
    /// transport closed, protocol error, or close()). Call exactly once.
    [[nodiscard]] task<void> run();

    /// Open an outbound stream (waits while the peer's ACK backlog is full).
    [[nodiscard]] task<result<std::unique_ptr<transport::stream>>> open_stream();
    /// Wait for the next inbound stream; session_closed once the session is over.
    [[nodiscard]] task<result<std::unique_ptr<transport::stream>>> accept_stream();

    /// Send GoAway(normal) and close the connection once queued frames are out.
    void close();
    /// Abort the connection now.
    void abort() noexcept;

    [[nodiscard]] bool closed() const noexcept { return machine_.closed(); }
    [[nodiscard]] error_code close_reason() const noexcept { return machine_.close_reason(); }
    /// What a stream operation on the closed session reports: why it closed (keepalive timeout,
    /// transport closed, a protocol error), or session_closed when no reason was recorded.
    [[nodiscard]] error_code closed_error() const noexcept
    {
        auto r = machine_.close_reason();
        return r ? r : make_error_code(errc::session_closed);
    }
    [[nodiscard]] std::optional<duration> rtt() const noexcept { return machine_.rtt(); }
    [[nodiscard]] std::size_t stream_count() const noexcept { return machine_.stream_count(); }
    [[nodiscard]] const session& machine() const noexcept { return machine_; }
    [[nodiscard]] instant last_activity() const noexcept { return last_activity_; }

private:
    friend class mux_stream;
    struct waiter {
        engine::notifier changed;
        explicit waiter(asio::any_io_executor ex) : changed(ex) {}
    };
    /// Bytes the reader reads at once from a stream without read_view() of its own.
    static constexpr std::size_t read_scratch_size = 256 * 1024;
    /// Bytes of frames the writer hands to one write at most.
    static constexpr std::size_t max_write_batch = 512 * 1024;
    task<void> reader();
    task<void> writer();
    /// Write what poll_transmit has now; false when there was nothing. Errors: the connection's.
    task<result<bool>> flush_once(byte_buffer& out);
    task<void> timers();
    void dispatch();
    void kick();
    void drain(stream_id id);
    void detach(stream_id id, bool write_closed, bool eof);

    asio::any_io_executor ex_;
    std::unique_ptr<transport::stream> conn_;
    session machine_;
    engine::notifier tx_ready_;
    engine::notifier inbound_ready_;
    engine::notifier can_open_;
    asio::steady_timer timer_;
    std::deque<stream_id> inbound_;
    std::unordered_map<stream_id, waiter*> waiters_;
    std::unordered_set<stream_id> draining_;
    bool closing_ = false;
    bool conn_done_ = false;
    instant last_activity_;
};

/// A yamux stream as a transport::stream. Dropping it before both directions finished resets it,
/// unless our FIN is out (then the remainder of the peer's data is drained and discarded).
class mux_stream final : public transport::stream {
public:
    mux_stream(std::shared_ptr<session_service> s, stream_id id);
    ~mux_stream() override;
    /// Reads into a buffer of min_lend_size bytes or more are zero-copy when nothing is buffered:
    /// the buffer is lent to the machine, which writes the next payload bytes straight into it.
    task<result<std::size_t>> read_some(mutable_bytes buf) override;
    /// Writes of min_lend_size bytes or more are zero-copy: they are lent to the machine and return
    /// once every byte was handed to the connection's writer (see session::lend); smaller ones are
    /// copied into the send buffer and return at once. Not cancel-safe (like every write_all): a
    /// cancelled write may have sent a prefix; the rest is never sent.
    task<result<void>> write_all(bytes_view buf) override;
    task<result<void>> close_write() override;
    void abort() noexcept override;
    [[nodiscard]] stream_id id() const noexcept { return id_; }

    /// Smallest write that is lent instead of copied, and smallest read buffer that is lent to
    /// receive bytes straight from the connection when nothing is buffered.
    static constexpr std::size_t min_lend_size = 16 * 1024;

private:
    task<result<void>> write_lent(bytes_view buf);
    /// Wait for bytes with `buf` lent to the machine; 0 when something else happened (EOF, reset,
    /// bytes that went to the receive buffer).
    task<result<std::size_t>> read_lent(mutable_bytes buf);
    std::shared_ptr<session_service> session_;
    stream_id id_;
    session_service::waiter waiter_;
    bool eof_ = false;
    bool write_closed_ = false;
    bool gone_ = false;
};

/// Wrap a secured connection in a yamux session.
[[nodiscard]] std::shared_ptr<session_service> make_session(asio::any_io_executor ex, std::unique_ptr<transport::stream> conn,
                                                            role r, const config& cfg = {});

} // namespace pcp::p2p::yamux
