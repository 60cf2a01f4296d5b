// SPDX-License-Identifier: MIT
// CPace over ristretto255 with SHA-512 (CPACE-RISTR255-SHA512), pinned to draft-irtf-cfrg-cpace-21
// ("The CPace protocol", "CPace group objects G_Ristretto255", "CPace function definitions";
// its ristretto255 test vectors are kept in tests/vectors/cpace/). Only the initiator-responder
// setting (transcript_ir) and the draft's key-confirmation suggestion ("Key confirmation":
// mac_key = H(b"CPaceMac" || sid || ISK), T = HMAC(mac_key, lv_cat(Y, AD))) are provided.
// libsodium 1.0.18 underneath. Every secret value is zeroised on destruction. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

#include "engine/bytes.hpp"

namespace pcp::crypto {

/// Overwrite `n` bytes at `p` with zeros in a way the compiler cannot elide (sodium_memzero).
void secure_zero(void* p, std::size_t n) noexcept;

/// A secret byte string of any length (a password, a code phrase, a generator string). Move-only;
/// the bytes are zeroised on destruction and on every reallocation.
class secret {
  public:
    secret() = default;
    /// A copy of `b`.
    explicit secret(bytes_view b);
    /// A copy of the characters of `s`.
    explicit secret(std::string_view s) : secret(as_bytes(s)) {}
    secret(const secret&) = delete;
    secret& operator=(const secret&) = delete;
    secret(secret&& o) noexcept;
    secret& operator=(secret&& o) noexcept;
    ~secret();

    /// The secret bytes (valid until the next append or destruction).
    [[nodiscard]] bytes_view view() const noexcept { return {bytes_.data(), bytes_.size()}; }
    [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
    [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }
    /// Append `b`; a reallocation zeroises the old storage first.
    void append(bytes_view b);
    /// Zeroise and empty.
    void clear() noexcept;

  private:
    byte_buffer bytes_;
};

/// A fixed-size secret (scalar, shared point, key). Move-only; zeroised on destruction and
/// when moved from.
template <std::size_t N> class secret_array {
  public:
    secret_array() = default;
    explicit secret_array(std::span<const std::byte, N> b) noexcept
    {
        for (std::size_t i = 0; i < N; ++i) {
            bytes_[i] = b[i];
        }
    }
    secret_array(const secret_array&) = delete;
    secret_array& operator=(const secret_array&) = delete;
    secret_array(secret_array&& o) noexcept : bytes_(o.bytes_) { secure_zero(o.bytes_.data(), N); }
    secret_array& operator=(secret_array&& o) noexcept
    {
        if (this != &o) {
            bytes_ = o.bytes_;
            secure_zero(o.bytes_.data(), N);
        }
        return *this;
    }
    ~secret_array() { secure_zero(bytes_.data(), N); }

    /// The secret bytes.
    [[nodiscard]] std::span<const std::byte, N> bytes() const noexcept { return bytes_; }
    /// Writable access, for the code that computes the value.
    [[nodiscard]] std::span<std::byte, N> mutable_bytes() noexcept { return bytes_; }
    /// Constant-time comparison.
    [[nodiscard]] bool equals(std::span<const std::byte, N> other) const noexcept;

  private:
    std::array<std::byte, N> bytes_{};
};

/// Constant-time equality of two equally long byte strings (sodium_memcmp); false when the
/// lengths differ.
[[nodiscard]] bool constant_time_equal(bytes_view a, bytes_view b) noexcept;

template <std::size_t N> bool secret_array<N>::equals(std::span<const std::byte, N> other) const noexcept
{
    return constant_time_equal(bytes_, other);
}

namespace cpace {

/// The draft revision this code and its vectors follow.
inline constexpr std::string_view draft_revision = "draft-irtf-cfrg-cpace-21";
/// G_Ristretto255.DSI.
inline constexpr std::string_view dsi = "CPaceRistretto255";
/// G.DSI || b"_ISK", the domain separator of the ISK hash.
inline constexpr std::string_view dsi_isk = "CPaceRistretto255_ISK";
/// Prefix of the key-confirmation MAC key hash ("Key confirmation").
inline constexpr std::string_view mac_label = "CPaceMac";
/// SHA-512's input block size H.s_in_bytes (generator_string pads the first block with it).
inline constexpr std::size_t hash_block_size = 128;
/// Encoded ristretto255 element, scalar, ISK and HMAC-SHA512 tag sizes.
inline constexpr std::size_t point_size = 32;
inline constexpr std::size_t scalar_size = 32;
inline constexpr std::size_t isk_size = 64;
inline constexpr std::size_t tag_size = 64;

/// A public group element (ristretto255 encoding): Ya or Yb.
using point = std::array<std::byte, point_size>;
/// A secret scalar ya or yb (little-endian).
using scalar = secret_array<scalar_size>;
/// The password-derived generator g (encoded). Secret: it is a function of the password.
using generator = secret_array<point_size>;
/// The shared point K (encoded). Never leaves this module except through derive_isk.
using shared_point = secret_array<point_size>;
/// The intermediate session key ISK.
using isk = secret_array<isk_size>;
/// An HMAC-SHA512 key-confirmation MAC key.
using mac_key = secret_array<64>;
/// A key-confirmation tag Ta or Tb.
using tag = std::array<std::byte, tag_size>;

/// Append prepend_len(data) (LEB128 length, then the bytes) to `out`.
void append_lv(byte_buffer& out, bytes_view data);
/// lv_cat(a0, a1, ...): prepend_len(a0) || prepend_len(a1) || ...
[[nodiscard]] byte_buffer lv_cat(std::initializer_list<bytes_view> parts);

/// generator_string(DSI, PRS, CI, sid, s_in_bytes) = lv_cat(DSI, PRS, zero_bytes(len_zpad), CI,
/// sid) with len_zpad = max(0, s_in_bytes - 1 - len(prepend_len(PRS)) - len(prepend_len(DSI)))
/// Secret, since it contains PRS.
[[nodiscard]] secret generator_string(bytes_view dsi_bytes, bytes_view prs, bytes_view ci, bytes_view sid,
                                      std::size_t s_in_bytes = hash_block_size);

/// G_Ristretto255.calculate_generator(SHA-512, PRS, CI, sid): the 64-byte SHA-512 of the generator
/// string mapped with ristretto255's element derivation (crypto_core_ristretto255_from_hash).
[[nodiscard]] generator calculate_generator(bytes_view prs, bytes_view ci, bytes_view sid);

/// G.sample_scalar() from 32 injected uniformly random bytes: the bits above group_size_bits (252)
/// are cleared (the draft's recommended method). Deterministic, for machines and tests.
[[nodiscard]] scalar sample_scalar(std::span<const std::byte, scalar_size> random);
/// G.sample_scalar() from libsodium's CSPRNG (glue code only).
[[nodiscard]] scalar sample_scalar();

/// G.scalar_mult(y, g) = encode(y * g). nullopt only when the result is the neutral element
/// (y ≡ 0 mod the group order; probability 2^-252 for a sampled scalar): sample again.
[[nodiscard]] std::optional<point> scalar_mult(const scalar& y, const generator& g);

/// G.scalar_mult_vfy(y, X): K = encode(y * decode(X)). nullopt where the draft returns G.I and the
/// protocol MUST abort: X is not 32 bytes, not a canonical ristretto255 encoding, or y*X is the
/// neutral element (including X = G.I).
[[nodiscard]] std::optional<shared_point> scalar_mult_vfy(const scalar& y, bytes_view x);

/// transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) || lv_cat(Yb, ADb).
[[nodiscard]] byte_buffer transcript_ir(bytes_view ya, bytes_view ada, bytes_view yb, bytes_view adb);

/// ISK = SHA-512(lv_cat(DSI || b"_ISK", sid, K) || transcript_ir(Ya, ADa, Yb, ADb)).
[[nodiscard]] isk derive_isk(bytes_view sid, const shared_point& k, bytes_view ya, bytes_view ada, bytes_view yb,
                             bytes_view adb);

/// The key-confirmation MAC key SHA-512(b"CPaceMac" || sid || ISK).
[[nodiscard]] mac_key derive_mac_key(bytes_view sid, const isk& k);

/// A party's key-confirmation tag HMAC-SHA512(mac_key, lv_cat(Y, AD)) over the message it sent:
/// Ta = confirmation_tag(mk, Ya, ADa), Tb = confirmation_tag(mk, Yb, ADb).
[[nodiscard]] tag confirmation_tag(const mac_key& mk, bytes_view y, bytes_view ad);

/// An application key from ISK, SHA-512(lv_cat(label, ISK)): the draft recommends processing ISK
/// with a KDF before use; `label` keeps keys for different purposes apart. Not part of the draft.
[[nodiscard]] secret_array<64> derive_key(const isk& k, std::string_view label);

} // namespace cpace
} // namespace pcp::crypto
