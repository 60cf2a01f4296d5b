// SPDX-License-Identifier: MIT
#include "transport/memory/memory_stream.hpp"

#include <sys/socket.h>

#include <stdexcept>

namespace pcp::transport::memory {

task<result<std::size_t>> memory_stream::read_some(mutable_bytes buf)
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

task<result<void>> memory_stream::write_all(bytes_view buf)
{
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(buf.data(), buf.size()), use_task);
    if (ec) {
        co_return ec;
    }
    co_return ok();
}

task<result<void>> memory_stream::close_write()
{
    error_code ec;
    socket_.shutdown(asio::socket_base::shutdown_send, ec);
    if (ec) {
        co_return ec;
    }
    co_return ok();
}

void memory_stream::abort() noexcept
{
    error_code ec;
    socket_.close(ec);
}

std::pair<std::unique_ptr<memory_stream>, std::unique_ptr<memory_stream>>
make_pair(asio::any_io_executor ex_a, asio::any_io_executor ex_b)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw std::runtime_error("socketpair failed");
    }
    asio::local::stream_protocol::socket a(ex_a, asio::local::stream_protocol(), fds[0]);
    asio::local::stream_protocol::socket b(ex_b, asio::local::stream_protocol(), fds[1]);
    return {std::make_unique<memory_stream>(std::move(a)), std::make_unique<memory_stream>(std::move(b))};
}

} // namespace pcp::transport::memory
