// SPDX-License-Identifier: MIT
#include "p2p/peer/multihash.hpp"

#include "crypto/sha256.hpp"
#include "p2p/peer/errc.hpp"
#include "p2p/peer/varint.hpp"

namespace pcp::p2p::peer {
namespace {
result<std::uint64_t> read_varint(bytes_view in, std::size_t& pos)
{
    auto v = decode_varint(in.subspan(pos));
    switch (v.status) {
    case varint_status::ok: pos += v.size; return v.value;
    case varint_status::need_more: return errc::truncated;
    default: return errc::bad_varint;
    }
}
} // namespace

result<multihash_view> decode_multihash_prefix(bytes_view in)
{
    std::size_t pos = 0;
    PCP_TRY(auto code, read_varint(in, pos));
    PCP_TRY(auto len, read_varint(in, pos));
    if (len > max_multihash_digest_size) {
        return errc::too_long;
    }
    if (code == multihash_sha2_256 && len != 32) {
        return errc::bad_multihash;
    }
    if (in.size() - pos < len) {
        return errc::truncated;
    }
    multihash_view mh;
    mh.code = code;
    mh.digest = in.subspan(pos, static_cast<std::size_t>(len));
    mh.size = pos + static_cast<std::size_t>(len);
    return mh;
}

result<multihash_view> decode_multihash(bytes_view in)
{
    PCP_TRY(auto mh, decode_multihash_prefix(in));
    if (mh.size != in.size()) {
        return errc::trailing_bytes;
    }
    return mh;
}

void encode_multihash(std::uint64_t code, bytes_view digest, byte_buffer& out)
{
    encode_varint(code, out);
    encode_varint(digest.size(), out);
    append(out, digest);
}

byte_buffer sha256_multihash(bytes_view data)
{
    auto d = crypto::sha256(data);
    byte_buffer out;
    out.reserve(2 + d.size());
    encode_multihash(multihash_sha2_256, d, out);
    return out;
}

byte_buffer identity_multihash(bytes_view data)
{
    byte_buffer out;
    out.reserve(2 + data.size());
    encode_multihash(multihash_identity, data, out);
    return out;
}

} // namespace pcp::p2p::peer
