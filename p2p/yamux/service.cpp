// SPDX-License-Identifier: MIT
#include "p2p/yamux/service.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "engine/errc.hpp"

namespace pcp::p2p::yamux {

session_service::session_service(asio::any_io_executor ex, std::unique_ptr<transport::stream> conn, role r,
                                 const config& cfg)
    : ex_(ex), conn_(std::move(conn)), machine_(r, cfg, steady::now()), tx_ready_(ex), inbound_ready_(ex),
      can_open_(ex), timer_(ex), last_activity_(steady::now())
{
}

session_service::~session_service() = default;

std::shared_ptr<session_service> make_session(asio::any_io_executor ex, std::unique_ptr<transport::stream> conn, role r,
                                              const config& cfg)
{
    return std::make_shared<session_service>(ex, std::move(conn), r, cfg);
}

void session_service::kick()
{
    tx_ready_.notify();
}

void session_service::drain(stream_id id)
{
    std::byte sink[16384];
    for (;;) {
        auto n = machine_.read(id, sink);
        if (!n || n.value() == 0) {
            break;
        }
    }
    auto info = machine_.info(id);
    if (!info) {
        draining_.erase(id);
    }
}

void session_service::dispatch()
{
    while (auto ev = machine_.poll_event()) {
        switch (ev->type) {
        case event_type::stream_opened:
            inbound_.push_back(ev->id);
            inbound_ready_.notify();
            break;
        case event_type::stream_readable:
        case event_type::stream_remote_closed:
        case event_type::stream_writable:
        case event_type::stream_reset:
            if (draining_.contains(ev->id)) {
                if (ev->type == event_type::stream_reset) {
                    draining_.erase(ev->id);
                } else {
                    drain(ev->id);
                }
            } else if (auto it = waiters_.find(ev->id); it != waiters_.end()) {
                it->second->changed.notify();
            }
            break;
        case event_type::can_open:
            can_open_.notify();
            break;
        case event_type::go_away_received:
            can_open_.notify();
            break;
        case event_type::ping_rtt:
            break;
        case event_type::session_closed:
            spdlog::debug("yamux: session closed: {}", ev->error.message());
            for (auto& [id, w] : waiters_) {
                w->changed.notify();
            }
            inbound_ready_.notify();
            can_open_.notify();
            break;
        }
    }
}

task<void> session_service::reader()
{
    // Scratch for streams that cannot lend their own buffer (Noise can: its frames are decrypted in
    // place and handed over as views, so these pages are never touched).
    auto scratch = std::make_unique_for_overwrite<std::byte[]>(read_scratch_size);
    for (;;) {
        auto n = co_await conn_->read_view(mutable_bytes(scratch.get(), read_scratch_size));
        if (!n || n.value().empty()) {
            if (!machine_.closed()) {
                if (!n) {
                    spdlog::debug("yamux: connection read failed: {}", n.error().message());
                }
                machine_.handle_transport_closed();
            }
            dispatch();
            timer_.cancel();
            break;
        }
        last_activity_ = steady::now();
        auto r = machine_.handle_input(n.value(), last_activity_);
        if (!r) {
            spdlog::info("yamux: closing connection: {}", r.error().message());
        }
        dispatch();
        kick();          // input may have queued pongs, ACKs or window updates
        timer_.cancel(); // and moved the next deadline: re-arm from poll_timeout
        if (machine_.closed()) {
            break;
        }
    }
    conn_done_ = true;
    kick();
}

task<result<bool>> session_service::flush_once(byte_buffer& out)
{
    if (auto* frames = conn_->frames()) {
        // Zero-copy: frames are written straight into the stream's frame rooms (Noise seals them
        // in place), and the whole batch leaves with one write.
        std::size_t total = 0;
        for (auto room = frames->frame_room(); !room.empty() && total < max_write_batch; room = frames->frame_room()) {
            const std::size_t n = machine_.poll_transmit(room);
            if (n == 0) {
                break;
            }
            PCP_CO_TRY(frames->commit_frame(n));
            total += n;
        }
        dispatch(); // draining the send buffer may have reopened blocked streams
        if (total == 0) {
            co_return false;
        }
        PCP_CO_TRY(co_await frames->flush_frames());
        machine_.note_written(steady::now());
        co_return true;
    }
    out.clear();
    while (out.size() < max_write_batch && machine_.poll_transmit(out)) {
    }
    dispatch();
    if (out.empty()) {
        co_return false;
    }
    PCP_CO_TRY(co_await conn_->write_all(out));
    machine_.note_written(steady::now());
    co_return true;
}

task<void> session_service::writer()
{
    byte_buffer out;
    for (;;) {
        auto w = co_await flush_once(out);
        if (!w) {
            spdlog::debug("yamux: connection write failed: {}", w.error().message());
            if (!machine_.closed()) {
                machine_.handle_transport_closed();
                dispatch();
            }
            break;
        }
        if (w.value()) {
            continue;
        }
        if (machine_.closed() || closing_) {
            break;
        }
        if (!co_await tx_ready_.wait()) {
            break;
        }
    }
    // Everything queued is out: end the connection (the reader sees EOF or the abort).
    auto c = co_await conn_->close_write();
    (void)c;
    if (machine_.closed() || conn_done_ || closing_) {
        conn_->abort();
    }
}

task<void> session_service::timers()
{
    while (!machine_.closed()) {
        auto next = machine_.poll_timeout();
        timer_.expires_at(next ? *next : instant::max());
        auto [ec] = co_await timer_.async_wait(use_task);
        if (machine_.closed()) {
            break;
        }
        auto now = steady::now();
        if (next && now >= *next) {
            machine_.handle_timeout(now);
            dispatch();
            kick();
        }
        if (ec && ec != asio::error::operation_aborted) {
            break;
        }
    }
}

task<void> session_service::run()
{
    auto self = shared_from_this();
    auto all = reader() && writer() && timers();
    co_await std::move(all);
    for (auto& [id, w] : waiters_) {
        w->changed.notify();
    }
    inbound_ready_.notify();
    can_open_.notify();
}

void session_service::close()
{
    if (closing_) {
        return;
    }
    closing_ = true;
    machine_.go_away(go_away_code::normal);
    // The writer flushes the GoAway, then ends the connection; the reader then sees it closed.
    dispatch();
    kick();
}

void session_service::abort() noexcept
{
    conn_->abort();
}

task<result<std::unique_ptr<transport::stream>>> session_service::open_stream()
{
    for (;;) {
        auto id = machine_.open_stream();
        if (id) {
            kick();
            co_return std::make_unique<mux_stream>(shared_from_this(), id.value());
        }
        if (id.error() != make_error_code(errc::ack_backlog_full)) {
            co_return id.error();
        }
        if (!co_await can_open_.wait()) {
            co_return make_error_code(asio::error::operation_aborted);
        }
    }
}

task<result<std::unique_ptr<transport::stream>>> session_service::accept_stream()
{
    for (;;) {
        if (!inbound_.empty()) {
            auto id = inbound_.front();
            inbound_.pop_front();
            if (machine_.info(id)) {
                co_return std::make_unique<mux_stream>(shared_from_this(), id);
            }
            continue;
        }
        if (machine_.closed()) {
            co_return closed_error();
        }
        if (!co_await inbound_ready_.wait()) {
            co_return make_error_code(asio::error::operation_aborted);
        }
    }
}

void session_service::detach(stream_id id, bool write_closed, bool eof)
{
    waiters_.erase(id);
    auto info = machine_.info(id);
    if (!info) {
        return;
    }
    if (write_closed && !eof && !info->reset) {
        // Our FIN is queued: let the peer finish; discard what it still sends.
        draining_.insert(id);
        drain(id);
    } else if (!(write_closed && eof)) {
        machine_.reset(id);
    }
    kick();
}

mux_stream::mux_stream(std::shared_ptr<session_service> s, stream_id id)
    : session_(std::move(s)), id_(id), waiter_(session_->ex_)
{
    session_->waiters_[id_] = &waiter_;
}

mux_stream::~mux_stream()
{
    if (!gone_) {
        session_->detach(id_, write_closed_, eof_);
    } else {
        session_->waiters_.erase(id_);
    }
}

namespace {
/// Ends a lend on every way out of the coroutine that made it (cancellation and destruction
/// included), so the machine never touches the caller's buffer afterwards: the rest of a send lend
/// is not sent; bytes a read lend already received are put back unread unless the read took them.
class lend_guard {
public:
    enum class kind : std::uint8_t { send, read };
    lend_guard(session& m, stream_id id, kind k) : m_(&m), id_(id), kind_(k) {}
    lend_guard(const lend_guard&) = delete;
    lend_guard& operator=(const lend_guard&) = delete;
    ~lend_guard()
    {
        if (kind_ == kind::send) {
            (void)m_->take_back(id_);
        } else {
            (void)m_->take_read(id_, false);
        }
    }

private:
    session* m_;
    stream_id id_;
    kind kind_;
};
} // namespace

task<result<std::size_t>> mux_stream::read_some(mutable_bytes buf)
{
    auto& m = session_->machine_;
    for (;;) {
        if (eof_ || buf.empty()) {
            co_return std::size_t{0};
        }
        if (gone_) {
            co_return make_error_code(errc::stream_reset);
        }
        auto info = m.info(id_);
        auto n = m.read(id_, buf);
        if (!n) {
            gone_ = true;
            co_return n.error();
        }
        if (n.value() > 0) {
            session_->kick(); // a window update may be due
            co_return n.value();
        }
        if (!info) {
            gone_ = true;
            co_return m.closed() ? session_->closed_error() : make_error_code(errc::stream_reset);
        }
        if (info->remote_closed) {
            eof_ = true;
            session_->kick();
            co_return std::size_t{0};
        }
        if (info->reset) {
            gone_ = true;
            co_return make_error_code(errc::stream_reset);
        }
        if (buf.size() >= min_lend_size) {
            // Nothing buffered: the next bytes go straight into `buf`.
            PCP_CO_TRY(auto got, co_await read_lent(buf));
            if (got > 0) {
                co_return got;
            }
            continue; // EOF, a reset or bytes in the receive buffer: look again
        }
        if (!co_await waiter_.changed.wait()) {
            co_return make_error_code(asio::error::operation_aborted);
        }
    }
}

task<result<std::size_t>> mux_stream::read_lent(mutable_bytes buf)
{
    auto& m = session_->machine_;
    PCP_CO_TRY(m.lend_read(id_, buf));
    lend_guard guard(m, id_, lend_guard::kind::read);
    for (;;) {
        if (!co_await waiter_.changed.wait()) {
            co_return make_error_code(asio::error::operation_aborted); // the guard puts bytes back
        }
        auto info = m.info(id_);
        if (!info || info->read_filled > 0 || info->readable > 0 || info->remote_closed || info->reset) {
            break;
        }
    }
    const std::size_t n = m.take_read(id_);
    if (n > 0) {
        session_->kick(); // a window update may be due
    }
    co_return n;
}

task<result<void>> mux_stream::write_all(bytes_view buf)
{
    if (buf.size() >= min_lend_size) {
        co_return co_await write_lent(buf);
    }
    auto& m = session_->machine_;
    while (!buf.empty()) {
        if (gone_) {
            co_return make_error_code(errc::stream_reset);
        }
        auto n = m.send(id_, buf);
        if (!n) {
            co_return n.error();
        }
        buf = buf.subspan(n.value());
        session_->kick();
        if (!buf.empty() && n.value() == 0) {
            if (!co_await waiter_.changed.wait()) {
                co_return make_error_code(asio::error::operation_aborted);
            }
        }
    }
    co_return ok();
}

task<result<void>> mux_stream::write_lent(bytes_view buf)
{
    // Zero-copy: the writer copies straight from `buf` into the outgoing (Noise) frames; this
    // coroutine waits until all of it was handed out, so the caller may reuse `buf` afterwards.
    auto& m = session_->machine_;
    if (gone_) {
        co_return make_error_code(errc::stream_reset);
    }
    PCP_CO_TRY(m.lend(id_, buf));
    lend_guard guard(m, id_, lend_guard::kind::send);
    session_->kick();
    for (;;) {
        auto info = m.info(id_);
        if (!info || info->reset) {
            gone_ = true;
            co_return m.closed() && !info ? session_->closed_error() : make_error_code(errc::stream_reset);
        }
        if (info->lent == 0) {
            break;
        }
        if (!co_await waiter_.changed.wait()) {
            co_return make_error_code(asio::error::operation_aborted);
        }
    }
    if (m.take_back(id_) != buf.size()) {
        co_return m.closed() ? session_->closed_error() : make_error_code(errc::stream_reset); // dropped, not sent
    }
    co_return ok();
}

task<result<void>> mux_stream::close_write()
{
    if (!write_closed_ && !gone_) {
        write_closed_ = true;
        session_->machine_.close_write(id_);
        session_->kick();
    }
    co_return ok();
}

void mux_stream::abort() noexcept
{
    if (!gone_) {
        gone_ = true;
        session_->machine_.reset(id_);
        session_->kick();
        session_->waiters_.erase(id_);
        waiter_.changed.notify(); // a read or write waiting on this stream ends with stream_reset
    }
}

} // namespace pcp::p2p::yamux
