// SPDX-License-Identifier: MIT
// Peer IDs (peer-ids/peer-ids.md; text forms from RFC/0001-text-peerid-cid.md).
#include "p2p/peer/peer_id.hpp"

#include "p2p/peer/cid.hpp"
#include "p2p/peer/errc.hpp"
#include "p2p/peer/multibase.hpp"
#include "p2p/peer/multihash.hpp"

namespace pcp::p2p::peer {

result<peer_id> peer_id::from_bytes(bytes_view multihash)
{
    auto mh = decode_multihash(multihash);
    if (!mh) {
        return errc::bad_peer_id;
    }
    const auto& v = mh.value();
    if (v.code == multihash_identity) {
        if (v.digest.empty() || v.digest.size() > max_identity_peer_id_key_size) {
            return errc::bad_peer_id;
        }
    } else if (v.code != multihash_sha2_256) {
        return errc::bad_peer_id;
    }
    peer_id id;
    id.mh_.assign(multihash.begin(), multihash.end());
    return id;
}

result<peer_id> peer_id::from_string(std::string_view text)
{
    if (text.empty()) {
        return errc::bad_peer_id;
    }
    if (text.size() > max_peer_id_text_size) {
        return errc::too_long;
    }
    if (text[0] == '1' || text.substr(0, 2) == "Qm") {
        auto bin = base58btc_decode(text);
        if (!bin) {
            return errc::bad_peer_id;
        }
        return from_bytes(bin.value());
    }
    auto c = cid::from_string(text);
    if (!c) {
        return errc::bad_peer_id;
    }
    if (c.value().version() != 1 || c.value().codec() != codec_libp2p_key) {
        return errc::unsupported_codec;
    }
    return from_bytes(c.value().multihash());
}

std::string peer_id::to_string() const { return base58btc_encode(mh_); }

std::string peer_id::to_cid_string(multibase base) const
{
    byte_buffer bin;
    bin.reserve(2 + mh_.size());
    bin.push_back(std::byte{0x01});
    bin.push_back(static_cast<std::byte>(codec_libp2p_key));
    append(bin, mh_);
    return multibase_encode(base, bin);
}

bool peer_id::is_identity() const noexcept { return !mh_.empty() && mh_[0] == std::byte{0x00}; }

} // namespace pcp::p2p::peer
