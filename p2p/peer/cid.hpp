// SPDX-License-Identifier: MIT
// Content identifiers (multiformats/cid README, libp2p-digest §15). CIDv0 = a bare sha2-256
// multihash (text: base58btc `Qm…`); CIDv1 = uvarint(1) || uvarint(codec) || multihash (text:
// multibase, base32 by default). Any codec is carried; raw, dag-pb and libp2p-key are named.
// Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/peer/multibase.hpp"

namespace pcp::p2p::peer {

/// Multicodec content types (multicodec table.csv).
inline constexpr std::uint64_t codec_raw = 0x55;
inline constexpr std::uint64_t codec_dag_pb = 0x70;
inline constexpr std::uint64_t codec_dag_cbor = 0x71;
inline constexpr std::uint64_t codec_libp2p_key = 0x72;
/// Longest CID text accepted.
inline constexpr std::size_t max_cid_text_size = 512;

/// A CID value: version, codec, and the multihash bytes.
class cid {
public:
    cid() = default;
    /// Decode binary: 34 bytes `12 20 …` are v0; otherwise version 1 with a valid multihash
    /// (versions 0 with a prefix, 2 and 3 are rejected). Errors: bad_cid, truncated, bad_varint,
    /// bad_multihash, too_long, trailing_bytes.
    [[nodiscard]] static result<cid> from_bytes(bytes_view in);
    /// Decode text: 46 characters starting `Qm` are v0 base58btc; otherwise multibase + CIDv1.
    [[nodiscard]] static result<cid> from_string(std::string_view text);
    /// CIDv1 of `codec` over an already validated multihash. Errors as from_bytes for the hash.
    [[nodiscard]] static result<cid> v1(std::uint64_t codec, bytes_view multihash);
    /// CIDv0 over a sha2-256 multihash (`12 20 <32 B>`); bad_cid otherwise.
    [[nodiscard]] static result<cid> v0(bytes_view multihash);
    /// CIDv1 raw (0x55) of sha2-256(data): the "bafkrei…" CID of a single-chunk file.
    [[nodiscard]] static cid of_raw(bytes_view data);

    [[nodiscard]] unsigned version() const noexcept { return version_; }
    [[nodiscard]] std::uint64_t codec() const noexcept { return codec_; }
    [[nodiscard]] const byte_buffer& multihash() const noexcept { return mh_; }
    /// Binary form (v0: the multihash alone).
    [[nodiscard]] byte_buffer to_bytes() const;
    /// Text: v0 → bare base58btc; v1 → multibase `base` (default base32 lower).
    [[nodiscard]] std::string to_string(multibase base = multibase::base32) const;

    friend bool operator==(const cid&, const cid&) = default;

private:
    unsigned version_ = 1;
    std::uint64_t codec_ = codec_raw;
    byte_buffer mh_;
};

} // namespace pcp::p2p::peer
