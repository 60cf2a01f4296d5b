// SPDX-License-Identifier: MIT
#include "transport/memory/memory_stream.hpp"

#include <sys/socket.h>

#include <stdexcept>

namespace pcp::transport::memory {

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
