// SPDX-License-Identifier: MIT
#include "transport/tcp/tcp_stream.hpp"

#include <sys/socket.h>

namespace pcp::transport::tcp {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

tcp_stream::tcp_stream(asio::ip::tcp::socket s) : socket_stream(std::move(s))
{
    error_code ec;
    socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

asio::ip::tcp::endpoint tcp_stream::local_endpoint() const
{
    error_code ec;
    return socket().local_endpoint(ec);
}

asio::ip::tcp::endpoint tcp_stream::remote_endpoint() const
{
    error_code ec;
    return socket().remote_endpoint(ec);
}

result<listener> listener::open(asio::any_io_executor ex, const asio::ip::tcp::endpoint& ep)
{
    asio::ip::tcp::acceptor a(ex);
    error_code ec;
    a.open(ep.protocol(), ec);
    if (ec) {
        return ec;
    }
    a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) {
        a.set_option(reuse_port(true), ec);
    }
    if (!ec && ep.address().is_v6()) {
        a.set_option(asio::ip::v6_only(true), ec);
    }
    if (!ec) {
        a.bind(ep, ec);
    }
    if (!ec) {
        a.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return ec;
    }
    return listener(std::move(a));
}

task<result<tcp_stream>> listener::accept(asio::io_context& target)
{
    auto [ec, sock] = co_await acceptor_.async_accept(target, use_task);
    if (ec) {
        co_return ec;
    }
    co_return tcp_stream(std::move(sock));
}

void listener::close() noexcept
{
    error_code ec;
    acceptor_.close(ec);
}

task<result<tcp_stream>> dial(asio::any_io_executor ex, asio::ip::tcp::endpoint to, std::optional<std::uint16_t> local_port)
{
    asio::ip::tcp::socket s(ex);
    error_code ec;
    s.open(to.protocol(), ec);
    if (ec) {
        co_return ec;
    }
    if (local_port) {
        s.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) {
            s.set_option(reuse_port(true), ec);
        }
        if (!ec) {
            auto any = to.address().is_v6() ? asio::ip::address(asio::ip::address_v6::any())
                                            : asio::ip::address(asio::ip::address_v4::any());
            s.bind(asio::ip::tcp::endpoint(any, *local_port), ec);
        }
        if (ec) {
            co_return ec;
        }
    }
    auto [cec] = co_await s.async_connect(to, use_task);
    if (cec) {
        co_return cec;
    }
    co_return tcp_stream(std::move(s));
}

} // namespace pcp::transport::tcp
