// SPDX-License-Identifier: MIT
#include "p2p/peer/errc.hpp"

namespace pcp::p2p::peer {
namespace {
const char* peer_message(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::truncated: return "truncated input";
    case errc::bad_varint: return "bad varint";
    case errc::too_long: return "input too long";
    case errc::trailing_bytes: return "trailing bytes";
    case errc::bad_multibase: return "bad multibase text";
    case errc::unsupported_multibase: return "unsupported multibase";
    case errc::bad_multihash: return "bad multihash";
    case errc::unsupported_multihash: return "unsupported multihash function";
    case errc::bad_cid: return "bad CID";
    case errc::unsupported_codec: return "unsupported CID codec";
    case errc::bad_peer_id: return "bad peer ID";
    case errc::bad_key: return "bad public key";
    case errc::unsupported_key_type: return "unsupported key type";
    case errc::bad_multiaddr: return "bad multiaddr";
    case errc::unknown_protocol: return "unknown multiaddr protocol";
    case errc::bad_protocol_value: return "bad multiaddr protocol value";
    case errc::too_many_components: return "too many multiaddr components";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& peer_category() noexcept
{
    static const simple_category cat{"peer", &peer_message};
    return cat;
}
} // namespace pcp::p2p::peer
