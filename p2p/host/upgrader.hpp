// SPDX-License-Identifier: MIT
// The connection upgrade (specs connections/README.md; libp2p-digest §3): raw TCP →
// multistream-select `/noise` → Noise XX (with early muxer negotiation) → [multistream-select
// `/yamux/1.0.0` inside the encrypted channel when early negotiation found no muxer] → yamux.
#pragma once

#include <memory>
#include <optional>

#include "engine/task.hpp"
#include "p2p/noise/service.hpp"
#include "p2p/yamux/service.hpp"

namespace pcp::p2p::host {

inline constexpr std::string_view noise_protocol = "/noise";
inline constexpr std::string_view yamux_protocol = "/yamux/1.0.0";

/// A secured, multiplexed connection.
struct upgraded {
    std::shared_ptr<yamux::session_service> mux;
    noise::session_info info;
};

/// Upgrade a raw stream. `outbound`: we dialed (multistream initiator, Noise initiator, yamux
/// client). `expected`: the peer ID we dialed; a different authenticated ID fails the upgrade.
[[nodiscard]] task<result<upgraded>> upgrade(std::unique_ptr<transport::stream> raw, bool outbound,
                                             const peer::ed25519_keypair& identity,
                                             std::optional<peer::peer_id> expected, const yamux::config& mux_cfg);

} // namespace pcp::p2p::host
