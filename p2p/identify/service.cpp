// SPDX-License-Identifier: MIT
#include "p2p/identify/service.hpp"

#include "p2p/identify/errc.hpp"

namespace pcp::p2p::identify {

task<result<void>> serve(transport::stream& s, const message& m)
{
    byte_buffer out;
    encode_framed(m, out);
    PCP_CO_TRY(co_await s.write_all(out));
    PCP_CO_TRY(co_await s.close_write());
    co_return ok();
}

task<result<message>> request(transport::stream& s)
{
    constexpr std::size_t limit = max_messages * (max_message_size + 4);
    PCP_CO_TRY(auto all, co_await transport::read_to_end(s, limit));
    message merged;
    bytes_view in(all);
    std::size_t count = 0;
    while (!in.empty()) {
        if (++count > max_messages) {
            co_return make_error_code(errc::limit_exceeded);
        }
        PCP_CO_TRY(auto d, decode_framed(in));
        if (!d.complete()) {
            co_return make_error_code(errc::malformed);
        }
        merge(merged, std::move(*d.message));
        in = in.subspan(d.consumed);
    }
    if (count == 0) {
        co_return make_error_code(errc::malformed);
    }
    co_return merged;
}

} // namespace pcp::p2p::identify
