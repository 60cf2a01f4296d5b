// SPDX-License-Identifier: MIT
// The single translation unit that compiles Asio's implementation (BOOST_ASIO_SEPARATE_COMPILATION).
#include "engine/asio.hpp"

#include <boost/version.hpp>

#if PCP_IO_URING && BOOST_VERSION < 108200
// Boost 1.81's io_uring_service reuses submission entries without clearing user_data, so a cancel
// entry can complete an unrelated operation and a closed socket's read may never finish (found by
// the 1,000-connection load test: hundreds of connections stuck closing; fixed upstream in Asio
// for Boost 1.82). Every entry Asio takes here starts with user_data cleared. This is the only TU
// that compiles that code, so the override stays local to it.
#include <liburing.h>

namespace pcp::engine::detail {
inline ::io_uring_sqe* get_cleared_sqe(::io_uring* ring)
{
    ::io_uring_sqe* sqe = ::io_uring_get_sqe(ring);
    if (sqe) {
        ::io_uring_sqe_set_data(sqe, nullptr);
    }
    return sqe;
}
} // namespace pcp::engine::detail

#define io_uring_get_sqe pcp::engine::detail::get_cleared_sqe
#include <boost/asio/impl/src.hpp>
#undef io_uring_get_sqe
#else
#include <boost/asio/impl/src.hpp>
#endif
