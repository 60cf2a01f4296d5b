// SPDX-License-Identifier: MIT
#include "p2p/noise/service.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "engine/buffer.hpp"
#include "engine/errc.hpp"

namespace pcp::p2p::noise {

secure_stream::secure_stream(std::unique_ptr<transport::stream> inner, transport_state keys, byte_buffer leftover,
                             session_info info)
    : inner_(std::move(inner)), keys_(std::move(keys)), info_(std::move(info)),
      rx_size_(std::max(receive_buffer_size, leftover.size())),
      rx_(std::make_unique_for_overwrite<std::byte[]>(rx_size_)),
      tx_(std::make_unique_for_overwrite<std::byte[]>(send_batch_size))
{
    // Bytes that followed the last handshake message already belong to the transport phase.
    if (!leftover.empty()) {
        std::memcpy(rx_.get(), leftover.data(), leftover.size());
    }
    rx_end_ = leftover.size();
}

error_code secure_stream::fail(error_code ec) noexcept
{
    failed_ = true;
    inner_->abort();
    return ec;
}

task<result<bool>> secure_stream::next_frame()
{
    for (;;) {
        const std::size_t avail = rx_end_ - rx_start_;
        std::size_t need = max_frame_size; // while the length is unknown, assume the largest frame
        if (avail >= frame_header_size) {
            const std::size_t len =
                (std::to_integer<std::size_t>(rx_[rx_start_]) << 8) | std::to_integer<std::size_t>(rx_[rx_start_ + 1]);
            if (len < tag_size) {
                co_return fail(make_error_code(errc::truncated));
            }
            need = frame_header_size + len;
            if (avail >= need) {
                mutable_bytes body(rx_.get() + rx_start_ + frame_header_size, len);
                auto n = keys_.recv.open_in_place(body);
                if (!n) {
                    co_return fail(n.error());
                }
                plain_ = bytes_view(body.data(), n.value());
                rx_start_ += need;
                co_return true;
            }
        }
        // Need more bytes. Everything before rx_start_ was handed out: start over at 0 when the
        // buffer is empty, and move the partial frame to the front only when it cannot end
        // inside the buffer.
        if (avail == 0) {
            rx_start_ = rx_end_ = 0;
        } else if (rx_start_ + need > rx_size_) {
            std::memmove(rx_.get(), rx_.get() + rx_start_, avail);
            rx_start_ = 0;
            rx_end_ = avail;
        }
        // Near the end of the buffer, read no further than this frame's end: the next frame then
        // starts at offset 0 without a move. Elsewhere read as much as fits.
        std::size_t limit = rx_size_;
        if (avail >= frame_header_size && rx_size_ - rx_end_ < max_frame_size) {
            limit = rx_start_ + need;
        }
        PCP_CO_TRY(auto n, co_await inner_->read_some(mutable_bytes(rx_.get() + rx_end_, limit - rx_end_)));
        if (n == 0) {
            if (rx_end_ != rx_start_) {
                co_return make_error_code(errc::truncated);
            }
            co_return false; // clean EOF between frames
        }
        rx_end_ += n;
    }
}

task<result<bytes_view>> secure_stream::read_view(mutable_bytes)
{
    if (failed_) {
        co_return make_error_code(pcp::errc::closed);
    }
    while (plain_.empty()) {
        PCP_CO_TRY(auto more, co_await next_frame());
        if (!more) {
            co_return bytes_view{};
        }
    }
    co_return std::exchange(plain_, bytes_view{});
}

task<result<std::size_t>> secure_stream::read_some(mutable_bytes buf)
{
    if (failed_) {
        co_return make_error_code(pcp::errc::closed);
    }
    while (plain_.empty()) {
        PCP_CO_TRY(auto more, co_await next_frame());
        if (!more) {
            co_return std::size_t{0};
        }
    }
    std::size_t n = std::min(buf.size(), plain_.size());
    copy_bytes(buf.data(), plain_.data(), n);
    plain_ = plain_.subspan(n);
    co_return n;
}

mutable_bytes secure_stream::frame_room() noexcept
{
    // Always room for a whole largest frame (so yamux never has to cut a Data frame), or none.
    if (failed_ || send_batch_size - tx_used_ < max_frame_size) {
        return {};
    }
    return {tx_.get() + tx_used_ + frame_header_size, max_plaintext_size};
}

result<void> secure_stream::commit_frame(std::size_t n)
{
    if (failed_) {
        return make_error_code(pcp::errc::closed);
    }
    if (n == 0) {
        return ok();
    }
    auto sealed = keys_.send.seal_in_place(mutable_bytes(tx_.get() + tx_used_, send_batch_size - tx_used_), n);
    if (!sealed) {
        return fail(sealed.error());
    }
    tx_used_ += sealed.value();
    return ok();
}

task<result<void>> secure_stream::flush_frames()
{
    if (failed_) {
        co_return make_error_code(pcp::errc::closed);
    }
    if (tx_used_ == 0) {
        co_return ok();
    }
    auto w = co_await inner_->write_all(bytes_view(tx_.get(), tx_used_));
    tx_used_ = 0;
    if (!w) {
        co_return fail(w.error());
    }
    co_return ok();
}

task<result<void>> secure_stream::write_all(bytes_view buf)
{
    // Copy into the send batch frame by frame, seal in place, one write per full batch.
    while (!buf.empty()) {
        auto room = frame_room();
        if (room.empty()) {
            PCP_CO_TRY(co_await flush_frames());
            continue;
        }
        const std::size_t n = std::min(room.size(), buf.size());
        copy_bytes(room.data(), buf.data(), n);
        PCP_CO_TRY(commit_frame(n));
        buf = buf.subspan(n);
    }
    co_return co_await flush_frames();
}

task<result<void>> secure_stream::close_write()
{
    return inner_->close_write();
}

void secure_stream::abort() noexcept
{
    failed_ = true;
    inner_->abort();
}

namespace {

/// Plain function (not a coroutine): g++ 12 mishandles aggregates with reference members in
/// coroutine frames, so the machine is built here and lives on the heap.
std::unique_ptr<handshake> make_handshake(const peer::ed25519_keypair& identity, const handshake_options& opts)
{
    config cfg{.role = opts.side, .identity = identity, .expected_remote = opts.expected_remote, .muxers = opts.muxers};
    randombytes_buf(cfg.static_secret.data(), cfg.static_secret.size());
    randombytes_buf(cfg.ephemeral_secret.data(), cfg.ephemeral_secret.size());
    auto hs = std::make_unique<handshake>(cfg);
    sodium_memzero(cfg.static_secret.data(), cfg.static_secret.size());
    sodium_memzero(cfg.ephemeral_secret.data(), cfg.ephemeral_secret.size());
    return hs;
}

} // namespace

task<result<std::unique_ptr<secure_stream>>> secure(std::unique_ptr<transport::stream> inner,
                                                    const peer::ed25519_keypair& identity, handshake_options opts)
{
    auto machine = make_handshake(identity, opts);
    handshake& hs = *machine;

    byte_buffer out;
    byte_buffer buf(max_frame_size);
    byte_buffer leftover;
    for (;;) {
        out.clear();
        while (hs.poll_transmit(out)) {
        }
        if (!out.empty()) {
            PCP_CO_TRY(co_await inner->write_all(out));
        }
        if (hs.is_complete()) {
            break;
        }
        if (hs.error()) {
            co_return hs.error();
        }
        if (!hs.wants_input()) {
            if (out.empty()) {
                co_return make_error_code(errc::handshake_incomplete); // stuck: a machine bug
            }
            continue; // the machine had output to hand over first
        }
        PCP_CO_TRY(auto n, co_await inner->read_some(buf));
        if (n == 0) {
            co_return make_error_code(errc::truncated);
        }
        bytes_view in(buf.data(), n);
        while (!in.empty() && hs.wants_input()) {
            PCP_CO_TRY(auto used, hs.handle_input(in));
            in = in.subspan(used);
            if (used == 0) {
                break;
            }
        }
        if (!hs.wants_input()) {
            // Bytes behind the handshake's last inbound message belong to the transport phase.
            leftover.insert(leftover.end(), in.begin(), in.end());
        }
    }
    session_info info{hs.remote_peer(), hs.remote_public_key(), hs.negotiated_muxer(), hs.handshake_hash()};
    PCP_CO_TRY(auto keys, hs.split());
    co_return std::make_unique<secure_stream>(std::move(inner), std::move(keys), std::move(leftover), std::move(info));
}

} // namespace pcp::p2p::noise
