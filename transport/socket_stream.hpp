// SPDX-License-Identifier: MIT
// The stream glue every Asio stream socket shares (TCP, AF_UNIX): reads and writes as result
// values, EOF as 0 bytes, half-close with shutdown(send), abort with close.
#pragma once

#include <utility>

#include "engine/errc.hpp"
#include "transport/stream.hpp"

namespace pcp::transport {

template <class Socket>
class socket_stream : public stream {
public:
    explicit socket_stream(Socket s) : socket_(std::move(s)) {}

    task<result<std::size_t>> read_some(mutable_bytes buf) override
    {
        auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf.data(), buf.size()), use_task);
        if (ec == asio::error::eof) {
            co_return std::size_t{0};
        }
        if (ec) {
            co_return ec;
        }
        co_return n;
    }

    task<result<void>> write_all(bytes_view buf) override
    {
        auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(buf.data(), buf.size()), use_task);
        if (ec) {
            co_return ec;
        }
        co_return ok();
    }

    task<result<void>> close_write() override
    {
        error_code ec;
        socket_.shutdown(asio::socket_base::shutdown_send, ec);
        if (ec && ec != asio::error::not_connected) {
            co_return ec;
        }
        co_return ok();
    }

    void abort() noexcept override
    {
        error_code ec;
        socket_.close(ec);
    }

    [[nodiscard]] Socket& socket() noexcept { return socket_; }
    [[nodiscard]] const Socket& socket() const noexcept { return socket_; }

private:
    Socket socket_;
};

} // namespace pcp::transport
