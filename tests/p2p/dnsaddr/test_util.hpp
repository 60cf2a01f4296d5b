// SPDX-License-Identifier: MIT
// Peer IDs and multiaddr helpers shared by the dnsaddr tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "p2p/peer/multiaddr.hpp"

namespace pcp::p2p::dnsaddr::test {

// Bootstrap peer IDs (libp2p-digest §9); only their bytes matter here.
inline const std::string id_a = "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN";
inline const std::string id_b = "QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa";
inline const std::string id_c = "QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb";
inline const std::string id_d = "QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt";
inline const std::string id_e = "12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8";
// id_a as a CIDv1 (libp2p-key, base32).
inline const std::string id_a_cid = "bafzbeiagwnqiviaae5aet2zivwhhsorg75x2wka2pu55o7grr23ulx5kxm";

using strings = std::vector<std::string>;

/// Parse a multiaddr that the test knows to be valid.
inline peer::multiaddr ma(std::string_view text)
{
    auto m = peer::multiaddr::from_string(text);
    EXPECT_TRUE(m) << text;
    return m ? std::move(m).value() : peer::multiaddr{};
}

/// Text forms, for readable comparisons.
inline strings texts(const std::vector<peer::multiaddr>& v)
{
    strings out;
    for (const auto& m : v) {
        out.push_back(m.to_string());
    }
    return out;
}

} // namespace pcp::p2p::dnsaddr::test
