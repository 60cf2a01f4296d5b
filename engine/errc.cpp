// SPDX-License-Identifier: MIT
#include "engine/errc.hpp"

namespace pcp {
namespace {
const char* engine_message(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::timed_out: return "timed out";
    case errc::shutting_down: return "shutting down";
    case errc::io_uring_unavailable: return "io_uring is unavailable";
    case errc::limit_exceeded: return "limit exceeded";
    case errc::closed: return "closed";
    case errc::pool_exhausted: return "buffer pool exhausted";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& engine_category() noexcept
{
    static const simple_category cat{"engine", &engine_message};
    return cat;
}
} // namespace pcp
