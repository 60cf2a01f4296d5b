// SPDX-License-Identifier: MIT
#include "p2p/ping/service.hpp"

#include <sodium.h>

#include <array>

#include "engine/cancel.hpp"

namespace pcp::p2p::ping {
namespace {

task<result<std::size_t>> read_payload(transport::stream& s, std::array<std::byte, payload_size>& buf)
{
    std::size_t got = 0;
    while (got < buf.size()) {
        PCP_CO_TRY(auto n, co_await s.read_some(mutable_bytes(buf.data() + got, buf.size() - got)));
        if (n == 0) {
            co_return got;
        }
        got += n;
    }
    co_return got;
}

} // namespace

task<result<void>> serve(transport::stream& s, duration idle)
{
    std::array<std::byte, payload_size> buf{};
    for (;;) {
        PCP_CO_TRY(auto got, co_await engine::with_timeout(read_payload(s, buf), idle));
        if (got == 0) {
            break; // clean end
        }
        if (got != buf.size()) {
            co_return make_error_code(boost::system::errc::bad_message);
        }
        PCP_CO_TRY(co_await s.write_all(buf));
    }
    auto c = co_await s.close_write();
    (void)c;
    co_return ok();
}

task<result<std::vector<duration>>> request(transport::stream& s, int count, duration per_ping_timeout)
{
    std::vector<duration> rtts;
    std::array<std::byte, payload_size> out{};
    std::array<std::byte, payload_size> in{};
    for (int i = 0; i < count; ++i) {
        randombytes_buf(out.data(), out.size());
        auto t0 = steady::now();
        PCP_CO_TRY(co_await s.write_all(out));
        PCP_CO_TRY(auto got, co_await engine::with_timeout(read_payload(s, in), per_ping_timeout));
        if (got != in.size()) {
            co_return make_error_code(pcp::errc::closed);
        }
        if (in != out) {
            co_return make_error_code(boost::system::errc::bad_message);
        }
        rtts.push_back(steady::now() - t0);
    }
    co_return rtts;
}

} // namespace pcp::p2p::ping
