// SPDX-License-Identifier: MIT
#include "p2p/host/upgrader.hpp"

#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "p2p/multistream/service.hpp"

namespace pcp::p2p::host {

task<result<upgraded>> upgrade(std::unique_ptr<transport::stream> raw, bool outbound, const peer::ed25519_keypair& identity,
                               std::optional<peer::peer_id> expected, const yamux::config& mux_cfg)
{
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::string> security{std::string(noise_protocol)};
    // (g++ 12: no co_await inside a conditional expression.)
    result<multistream::negotiated> sec = make_error_code(pcp::errc::closed);
    if (outbound) {
        sec = co_await multistream::select_outbound(std::move(raw), std::move(security));
    } else {
        sec = co_await multistream::select_inbound(std::move(raw), std::move(security));
    }
    PCP_CO_TRY(auto negotiated, std::move(sec));
    spdlog::debug("upgrade: {} selected {}", outbound ? "dialer" : "listener", negotiated.protocol);

    noise::handshake_options opts{.side = outbound ? noise::role::initiator : noise::role::responder,
                                  .expected_remote = std::move(expected),
                                  .muxers = {std::string(yamux_protocol)}};
    PCP_CO_TRY(auto secured, co_await noise::secure(std::move(negotiated.stream), identity, std::move(opts)));
    noise::session_info info = secured->info();
    spdlog::debug("upgrade: noise done with {} (early muxer: {})", info.remote_peer.to_string(), info.muxer.value_or("none"));

    std::unique_ptr<transport::stream> channel = std::move(secured);
    if (info.muxer != std::string(yamux_protocol)) {
        // No early agreement: negotiate the muxer inside the encrypted channel.
        std::vector<std::string> muxers{std::string(yamux_protocol)};
        result<multistream::negotiated> mux = make_error_code(pcp::errc::closed);
        if (outbound) {
            mux = co_await multistream::select_outbound(std::move(channel), std::move(muxers));
        } else {
            mux = co_await multistream::select_inbound(std::move(channel), std::move(muxers));
        }
        PCP_CO_TRY(auto m, std::move(mux));
        channel = std::move(m.stream);
    }
    auto session = yamux::make_session(ex, std::move(channel), outbound ? yamux::role::client : yamux::role::server, mux_cfg);
    co_return upgraded{std::move(session), std::move(info)};
}

} // namespace pcp::p2p::host
