// SPDX-License-Identifier: MIT
#include "p2p/peer/cid.hpp"

#include "p2p/peer/errc.hpp"
#include "p2p/peer/multihash.hpp"
#include "p2p/peer/varint.hpp"

namespace pcp::p2p::peer {
namespace {
bool is_v0_multihash(bytes_view in) noexcept
{
    return in.size() == 34 && in[0] == std::byte{0x12} && in[1] == std::byte{0x20};
}
} // namespace

result<cid> cid::v0(bytes_view multihash)
{
    if (!is_v0_multihash(multihash)) {
        return errc::bad_cid;
    }
    cid c;
    c.version_ = 0;
    c.codec_ = codec_dag_pb;
    c.mh_.assign(multihash.begin(), multihash.end());
    return c;
}

result<cid> cid::v1(std::uint64_t codec, bytes_view multihash)
{
    PCP_TRY(decode_multihash(multihash));
    if (codec >> 63) {
        return errc::bad_varint;
    }
    cid c;
    c.version_ = 1;
    c.codec_ = codec;
    c.mh_.assign(multihash.begin(), multihash.end());
    return c;
}

cid cid::of_raw(bytes_view data)
{
    cid c;
    c.version_ = 1;
    c.codec_ = codec_raw;
    c.mh_ = sha256_multihash(data);
    return c;
}

result<cid> cid::from_bytes(bytes_view in)
{
    if (is_v0_multihash(in)) {
        return v0(in);
    }
    auto ver = decode_varint(in);
    if (ver.status == varint_status::need_more) {
        return in.empty() ? errc::bad_cid : errc::truncated;
    }
    if (ver.status != varint_status::ok) {
        return errc::bad_varint;
    }
    if (ver.value != 1) {
        return errc::bad_cid; // 0x12 prefix of a non-v0 length, or reserved versions 2, 3, …
    }
    auto rest = in.subspan(ver.size);
    auto codec = decode_varint(rest);
    if (codec.status == varint_status::need_more) {
        return errc::truncated;
    }
    if (codec.status != varint_status::ok) {
        return errc::bad_varint;
    }
    return v1(codec.value, rest.subspan(codec.size));
}

result<cid> cid::from_string(std::string_view text)
{
    if (text.size() > max_cid_text_size) {
        return errc::too_long;
    }
    if (text.size() == 46 && text.substr(0, 2) == "Qm") {
        PCP_TRY(auto mh, base58btc_decode(text));
        return v0(mh);
    }
    PCP_TRY(auto bin, multibase_decode(text));
    if (!bin.empty() && bin[0] == std::byte{0x12}) {
        return errc::bad_cid; // a multibase-wrapped CIDv0 is not allowed
    }
    PCP_TRY(auto c, from_bytes(bin));
    if (c.version_ != 1) {
        return errc::bad_cid;
    }
    return c;
}

byte_buffer cid::to_bytes() const
{
    if (version_ == 0) {
        return mh_;
    }
    byte_buffer out;
    out.reserve(4 + mh_.size());
    encode_varint(1, out);
    encode_varint(codec_, out);
    append(out, mh_);
    return out;
}

std::string cid::to_string(multibase base) const
{
    if (version_ == 0) {
        return base58btc_encode(mh_);
    }
    return multibase_encode(base, to_bytes());
}

} // namespace pcp::p2p::peer
