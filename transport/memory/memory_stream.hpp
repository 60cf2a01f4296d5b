// SPDX-License-Identifier: MIT
// An in-process stream pair for tests (the swarm-test idea): a connected AF_UNIX socket pair, so
// bytes cross the kernel through the same io_uring backend as TCP but never touch a network.
#pragma once

#include <memory>
#include <utility>

#include "transport/socket_stream.hpp"

namespace pcp::transport::memory {

/// One end of a pair.
class memory_stream final : public socket_stream<asio::local::stream_protocol::socket> {
public:
    using socket_stream::socket_stream;
};

/// A connected pair; end `a` lives on `ex_a`, end `b` on `ex_b` (they may be different cores).
[[nodiscard]] std::pair<std::unique_ptr<memory_stream>, std::unique_ptr<memory_stream>>
make_pair(asio::any_io_executor ex_a, asio::any_io_executor ex_b);

} // namespace pcp::transport::memory
