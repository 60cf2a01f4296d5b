// SPDX-License-Identifier: MIT
#include "p2p/multistream/service.hpp"

#include "engine/errc.hpp"
#include "p2p/multistream/machine.hpp"
#include "transport/prefixed_stream.hpp"

namespace pcp::p2p::multistream {
namespace {

/// Drive a dialer or listener machine until it selects; returns the unread tail.
template <class Machine>
task<result<byte_buffer>> drive(Machine& m, transport::stream& s)
{
    byte_buffer out;
    std::byte buf[1024];
    for (;;) {
        out.clear();
        while (m.poll_transmit(out)) {
        }
        if (!out.empty()) {
            PCP_CO_TRY(co_await s.write_all(out));
        }
        if (m.selected() && !m.failed()) {
            if constexpr (requires { m.confirmed(); }) {
                if (m.confirmed()) {
                    co_return byte_buffer{};
                }
            } else {
                co_return byte_buffer{};
            }
        }
        PCP_CO_TRY(auto n, co_await s.read_some(buf));
        if (n == 0) {
            co_return make_error_code(pcp::errc::closed);
        }
        bytes_view in(buf, n);
        while (!in.empty()) {
            PCP_CO_TRY(auto used, m.handle_input(in));
            in = in.subspan(used);
            bool finished = false;
            if constexpr (requires { m.confirmed(); }) {
                finished = m.confirmed();
            } else {
                finished = m.done();
            }
            if (finished) {
                out.clear();
                while (m.poll_transmit(out)) {
                }
                if (!out.empty()) {
                    PCP_CO_TRY(co_await s.write_all(out));
                }
                co_return byte_buffer(in.begin(), in.end());
            }
            if (used == 0) {
                break;
            }
        }
    }
}

} // namespace

task<result<negotiated>> select_outbound(std::unique_ptr<transport::stream> s, std::vector<std::string> protocols)
{
    PCP_CO_TRY(auto m, dialer::create(std::move(protocols)));
    PCP_CO_TRY(auto rest, co_await drive(m, *s));
    std::string proto(*m.selected());
    co_return negotiated{std::move(proto), transport::with_prefix(std::move(s), std::move(rest))};
}

task<result<negotiated>> select_inbound(std::unique_ptr<transport::stream> s, std::vector<std::string> supported)
{
    PCP_CO_TRY(auto m, listener::create(std::move(supported)));
    PCP_CO_TRY(auto rest, co_await drive(m, *s));
    std::string proto(*m.selected());
    co_return negotiated{std::move(proto), transport::with_prefix(std::move(s), std::move(rest))};
}

} // namespace pcp::p2p::multistream
