// SPDX-License-Identifier: MIT
// TCP stream, listener and dialer on the engine (io_uring backend). Listeners and dial sockets set
// SO_REUSEADDR and SO_REUSEPORT so that outbound dials can share the listen port (hole punching
// relies on it, libp2p-digest §12).
#pragma once

#include <optional>
#include <vector>

#include "transport/socket_stream.hpp"

namespace pcp::transport::tcp {

/// A connected TCP socket as a stream. TCP_NODELAY is set.
class tcp_stream final : public socket_stream<asio::ip::tcp::socket> {
public:
    explicit tcp_stream(asio::ip::tcp::socket s);

    [[nodiscard]] asio::ip::tcp::endpoint local_endpoint() const;
    [[nodiscard]] asio::ip::tcp::endpoint remote_endpoint() const;
};

/// A listening socket. accept() hands each connection to the executor the caller names, so that
/// the connection lives on its core from its first operation (DESIGN §3).
class listener {
public:
    /// Bind and listen on `ep` (port 0 = any) with SO_REUSEADDR + SO_REUSEPORT; IPv6 sockets are
    /// v6-only so that ip4 and ip6 listeners can share a port.
    [[nodiscard]] static result<listener> open(asio::any_io_executor ex, const asio::ip::tcp::endpoint& ep);

    /// Accept one connection into a socket owned by `target` (another core's io_context is fine).
    [[nodiscard]] task<result<tcp_stream>> accept(asio::io_context& target);
    [[nodiscard]] asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void close() noexcept;

private:
    explicit listener(asio::ip::tcp::acceptor a) : acceptor_(std::move(a)) {}
    asio::ip::tcp::acceptor acceptor_;
};

/// Connect to `to`; when `local_port` is set, bind to it first with SO_REUSEPORT (port reuse).
[[nodiscard]] task<result<tcp_stream>> dial(asio::any_io_executor ex, asio::ip::tcp::endpoint to,
                                            std::optional<std::uint16_t> local_port = std::nullopt);

} // namespace pcp::transport::tcp
