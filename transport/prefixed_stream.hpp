// SPDX-License-Identifier: MIT
// A stream that first returns bytes already read from its inner stream (e.g. application data
// that arrived right behind a multistream-select echo), then reads the inner stream.
#pragma once

#include <memory>

#include "transport/stream.hpp"

namespace pcp::transport {

class prefixed_stream final : public stream {
public:
    prefixed_stream(std::unique_ptr<stream> inner, byte_buffer prefix)
        : inner_(std::move(inner)), prefix_(std::move(prefix))
    {
    }
    task<result<std::size_t>> read_some(mutable_bytes buf) override
    {
        if (pos_ < prefix_.size()) {
            std::size_t n = std::min(buf.size(), prefix_.size() - pos_);
            std::copy_n(prefix_.data() + pos_, n, buf.data());
            pos_ += n;
            if (pos_ == prefix_.size()) {
                byte_buffer().swap(prefix_);
                pos_ = 0;
            }
            co_return n;
        }
        co_return co_await inner_->read_some(buf);
    }
    task<result<bytes_view>> read_view(mutable_bytes scratch) override
    {
        if (pos_ < prefix_.size()) {
            co_return co_await stream::read_view(scratch); // copies the (short) prefix into scratch
        }
        co_return co_await inner_->read_view(scratch);
    }
    task<result<void>> write_all(bytes_view buf) override { return inner_->write_all(buf); }
    frame_output* frames() noexcept override { return inner_->frames(); }
    task<result<void>> close_write() override { return inner_->close_write(); }
    void abort() noexcept override { inner_->abort(); }
    [[nodiscard]] stream& inner() noexcept { return *inner_; }

private:
    std::unique_ptr<stream> inner_;
    byte_buffer prefix_;
    std::size_t pos_ = 0;
};

/// Wrap `s` so that `prefix` is read first; returns `s` itself when prefix is empty.
inline std::unique_ptr<stream> with_prefix(std::unique_ptr<stream> s, byte_buffer prefix)
{
    if (prefix.empty()) {
        return s;
    }
    return std::make_unique<prefixed_stream>(std::move(s), std::move(prefix));
}

} // namespace pcp::transport
