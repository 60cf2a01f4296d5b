// SPDX-License-Identifier: MIT
// libp2p ping (specs ping/ping.md; libp2p-digest §8): the dialer writes 32 random bytes, the
// responder echoes them; repeat on one stream. Pure constants.
#pragma once

#include <cstddef>
#include <string_view>

namespace pcp::p2p::ping {

inline constexpr std::string_view protocol_id = "/ipfs/ping/1.0.0";
inline constexpr std::size_t payload_size = 32;

} // namespace pcp::p2p::ping
