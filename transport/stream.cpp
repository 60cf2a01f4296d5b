// SPDX-License-Identifier: MIT
#include "transport/stream.hpp"

#include "engine/errc.hpp"

namespace pcp::transport {

task<result<bytes_view>> stream::read_view(mutable_bytes scratch)
{
    PCP_CO_TRY(auto n, co_await read_some(scratch));
    co_return bytes_view(scratch.data(), n);
}

task<result<void>> read_exact(stream& s, mutable_bytes buf)
{
    std::size_t got = 0;
    while (got < buf.size()) {
        PCP_CO_TRY(auto n, co_await s.read_some(buf.subspan(got)));
        if (n == 0) {
            co_return make_error_code(errc::closed);
        }
        got += n;
    }
    co_return ok();
}

task<result<byte_buffer>> read_to_end(stream& s, std::size_t limit)
{
    byte_buffer out;
    std::byte chunk[4096];
    for (;;) {
        PCP_CO_TRY(auto n, co_await s.read_some(chunk));
        if (n == 0) {
            co_return out;
        }
        if (out.size() + n > limit) {
            co_return make_error_code(errc::limit_exceeded);
        }
        out.insert(out.end(), chunk, chunk + n);
    }
}

} // namespace pcp::transport
