// SPDX-License-Identifier: MIT
#include "p2p/noise/service.hpp"

#include <sodium.h>

#include <cstring>

#include "engine/errc.hpp"

namespace pcp::p2p::noise {

secure_stream::secure_stream(std::unique_ptr<transport::stream> inner, transport_state keys, byte_buffer leftover,
                             session_info info)
    : inner_(std::move(inner)), keys_(std::move(keys)), info_(std::move(info)), rx_(max_frame_size * 2)
{
    // Bytes that followed the last handshake message already belong to the transport phase.
    if (leftover.size() > rx_.size()) {
        rx_.resize(leftover.size());
    }
    if (!leftover.empty()) {
        std::memcpy(rx_.data(), leftover.data(), leftover.size());
    }
    rx_end_ = leftover.size();
    tx_.reserve(4 * max_frame_size);
}

task<result<bool>> secure_stream::next_frame()
{
    for (;;) {
        std::size_t avail = rx_end_ - rx_start_;
        if (avail >= frame_header_size) {
            std::size_t len = (std::to_integer<std::size_t>(rx_[rx_start_]) << 8) | std::to_integer<std::size_t>(rx_[rx_start_ + 1]);
            if (len < tag_size) {
                failed_ = true;
                inner_->abort();
                co_return make_error_code(errc::truncated);
            }
            if (avail >= frame_header_size + len) {
                mutable_bytes body(rx_.data() + rx_start_ + frame_header_size, len);
                auto n = keys_.recv.open_in_place(body);
                if (!n) {
                    failed_ = true;
                    inner_->abort();
                    co_return n.error();
                }
                plain_ = bytes_view(body.data(), n.value());
                rx_start_ += frame_header_size + len;
                co_return true;
            }
        }
        // Need more bytes: compact, then read into the free tail.
        if (rx_start_ > 0) {
            std::memmove(rx_.data(), rx_.data() + rx_start_, rx_end_ - rx_start_);
            rx_end_ -= rx_start_;
            rx_start_ = 0;
        }
        PCP_CO_TRY(auto n, co_await inner_->read_some(mutable_bytes(rx_.data() + rx_end_, rx_.size() - rx_end_)));
        if (n == 0) {
            if (rx_end_ != rx_start_) {
                co_return make_error_code(errc::truncated);
            }
            co_return false; // clean EOF between frames
        }
        rx_end_ += n;
    }
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
    std::memcpy(buf.data(), plain_.data(), n);
    plain_ = plain_.subspan(n);
    co_return n;
}

task<result<void>> secure_stream::write_all(bytes_view buf)
{
    if (failed_) {
        co_return make_error_code(pcp::errc::closed);
    }
    // Seal up to a few frames into one buffer per write, so big writes cost few syscalls.
    constexpr std::size_t batch = 4 * max_plaintext_size;
    while (!buf.empty()) {
        auto part = buf.first(std::min(buf.size(), batch));
        tx_.clear();
        PCP_CO_TRY(keys_.send.seal_frames(part, tx_));
        PCP_CO_TRY(co_await inner_->write_all(tx_));
        buf = buf.subspan(part.size());
    }
    co_return ok();
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
