// SPDX-License-Identifier: MIT
// The only file that includes Boost.Asio (DESIGN §3 "One door to Asio"). The backend macros must be
// identical in every translation unit, so they come from one CMake target (pcp::asio); a file
// compiled without them would link and then misbehave, hence the #error.
#pragma once

#if !defined(PCP_ASIO_DOOR) || !defined(BOOST_ASIO_SEPARATE_COMPILATION)
#error "engine/asio.hpp: link the pcp::asio CMake target; it carries the Asio backend macros"
#endif
#if PCP_IO_URING && (!defined(BOOST_ASIO_HAS_IO_URING) || !defined(BOOST_ASIO_DISABLE_EPOLL))
#error "engine/asio.hpp: io_uring build without BOOST_ASIO_HAS_IO_URING/BOOST_ASIO_DISABLE_EPOLL"
#endif

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/experimental/parallel_group.hpp>

namespace pcp {
namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
/// Default completion token: errors come back as values, never as exceptions.
inline constexpr auto use_task = asio::as_tuple(asio::use_awaitable);
} // namespace pcp
