// SPDX-License-Identifier: MIT
// CPace (draft-irtf-cfrg-cpace-21) over libsodium's ristretto255 and SHA-512. See cpace.hpp.
#include "crypto/cpace.hpp"

#include <algorithm>
#include <cstdlib>

#include <sodium.h>

namespace pcp::crypto {
namespace {
void ensure_sodium() noexcept
{
    static const bool ok = sodium_init() >= 0;
    if (!ok) {
        std::abort(); // libsodium cannot run without its CSPRNG: a start-up failure
    }
}
auto* u8(std::byte* p) noexcept
{
    return reinterpret_cast<unsigned char*>(p);
}
const auto* u8(const std::byte* p) noexcept
{
    return reinterpret_cast<const unsigned char*>(p);
}

/// LEB128 encoding of `n` into `buf`; returns the number of bytes used (at most 10).
std::size_t leb128(std::size_t n, std::array<std::byte, 10>& buf) noexcept
{
    std::size_t i = 0;
    for (;;) {
        auto low = static_cast<unsigned>(n & 0x7f);
        n >>= 7;
        if (n == 0) {
            buf[i++] = std::byte(low);
            return i;
        }
        buf[i++] = std::byte(low | 0x80);
    }
}

/// SHA-512 update with prepend_len(data), without building the concatenation.
void hash_lv(crypto_hash_sha512_state& st, bytes_view data) noexcept
{
    std::array<std::byte, 10> len{};
    std::size_t n = leb128(data.size(), len);
    crypto_hash_sha512_update(&st, u8(len.data()), n);
    crypto_hash_sha512_update(&st, u8(data.data()), data.size());
}

void hash_update(crypto_hash_sha512_state& st, bytes_view data) noexcept
{
    crypto_hash_sha512_update(&st, u8(data.data()), data.size());
}
} // namespace

void secure_zero(void* p, std::size_t n) noexcept
{
    if (n != 0) {
        sodium_memzero(p, n);
    }
}

bool constant_time_equal(bytes_view a, bytes_view b) noexcept
{
    if (a.size() != b.size()) {
        return false;
    }
    if (a.empty()) {
        return true;
    }
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

secret::secret(bytes_view b) : bytes_(b.begin(), b.end()) {}

secret::secret(secret&& o) noexcept : bytes_(std::move(o.bytes_))
{
    o.bytes_.clear();
}

secret& secret::operator=(secret&& o) noexcept
{
    if (this != &o) {
        clear();
        bytes_ = std::move(o.bytes_);
        o.bytes_.clear();
    }
    return *this;
}

secret::~secret()
{
    clear();
}

void secret::append(bytes_view b)
{
    if (bytes_.size() + b.size() > bytes_.capacity()) {
        byte_buffer bigger;
        bigger.reserve(std::max(bytes_.size() + b.size(), 2 * bytes_.capacity()));
        bigger.insert(bigger.end(), bytes_.begin(), bytes_.end());
        clear();
        bytes_ = std::move(bigger);
    }
    bytes_.insert(bytes_.end(), b.begin(), b.end());
}

void secret::clear() noexcept
{
    secure_zero(bytes_.data(), bytes_.size());
    bytes_.clear();
}

namespace cpace {

void append_lv(byte_buffer& out, bytes_view data)
{
    std::array<std::byte, 10> len{};
    std::size_t n = leb128(data.size(), len);
    out.insert(out.end(), len.begin(), len.begin() + static_cast<std::ptrdiff_t>(n));
    append(out, data);
}

byte_buffer lv_cat(std::initializer_list<bytes_view> parts)
{
    byte_buffer out;
    for (auto p : parts) {
        append_lv(out, p);
    }
    return out;
}

secret generator_string(bytes_view dsi_bytes, bytes_view prs, bytes_view ci, bytes_view sid, std::size_t s_in_bytes)
{
    std::array<std::byte, 10> len{};
    const std::size_t prs_lv = leb128(prs.size(), len) + prs.size();
    const std::size_t dsi_lv = leb128(dsi_bytes.size(), len) + dsi_bytes.size();
    const std::size_t used = 1 + prs_lv + dsi_lv;
    const std::size_t zpad = s_in_bytes > used ? s_in_bytes - used : 0;

    // Build in one reserved buffer so the password is never left behind by a reallocation.
    secret out;
    byte_buffer tmp;
    tmp.reserve(dsi_lv + prs_lv + 10 + zpad + 10 + ci.size() + 10 + sid.size());
    append_lv(tmp, dsi_bytes);
    append_lv(tmp, prs);
    append_lv(tmp, byte_buffer(zpad)); // zero_bytes(len_zpad)
    append_lv(tmp, ci);
    append_lv(tmp, sid);
    out.append(tmp);
    secure_zero(tmp.data(), tmp.size());
    return out;
}

generator calculate_generator(bytes_view prs, bytes_view ci, bytes_view sid)
{
    ensure_sodium();
    secret gen_str = generator_string(as_bytes(dsi), prs, ci, sid, hash_block_size);
    std::array<std::byte, crypto_hash_sha512_BYTES> h{};
    crypto_hash_sha512(u8(h.data()), u8(gen_str.view().data()), gen_str.size());
    generator g;
    crypto_core_ristretto255_from_hash(u8(g.mutable_bytes().data()), u8(h.data()));
    secure_zero(h.data(), h.size());
    return g;
}

scalar sample_scalar(std::span<const std::byte, scalar_size> random)
{
    scalar y(random);
    // group_size_bits = 252: clear the top four bits of the little-endian value.
    y.mutable_bytes()[scalar_size - 1] &= std::byte{0x0f};
    return y;
}

scalar sample_scalar()
{
    ensure_sodium();
    std::array<std::byte, scalar_size> r{};
    randombytes_buf(r.data(), r.size());
    auto y = sample_scalar(r);
    secure_zero(r.data(), r.size());
    return y;
}

std::optional<point> scalar_mult(const scalar& y, const generator& g)
{
    ensure_sodium();
    point out{};
    // crypto_scalarmult_ristretto255 decodes g (always valid here: from_hash output) and fails when
    // the product is the identity.
    if (crypto_scalarmult_ristretto255(u8(out.data()), u8(y.bytes().data()), u8(g.bytes().data())) != 0) {
        return std::nullopt;
    }
    return out;
}

std::optional<shared_point> scalar_mult_vfy(const scalar& y, bytes_view x)
{
    ensure_sodium();
    if (x.size() != point_size) {
        return std::nullopt;
    }
    shared_point k;
    // Returns -1 when x does not decode (non-canonical, not on the group) or when y*x is the
    // identity: exactly the cases where the draft's scalar_mult_vfy returns G.I.
    if (crypto_scalarmult_ristretto255(u8(k.mutable_bytes().data()), u8(y.bytes().data()), u8(x.data())) != 0) {
        return std::nullopt;
    }
    return k;
}

byte_buffer transcript_ir(bytes_view ya, bytes_view ada, bytes_view yb, bytes_view adb)
{
    return lv_cat({ya, ada, yb, adb});
}

isk derive_isk(bytes_view sid, const shared_point& k, bytes_view ya, bytes_view ada, bytes_view yb, bytes_view adb)
{
    ensure_sodium();
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    hash_lv(st, as_bytes(dsi_isk));
    hash_lv(st, sid);
    hash_lv(st, k.bytes());
    hash_lv(st, ya);
    hash_lv(st, ada);
    hash_lv(st, yb);
    hash_lv(st, adb);
    isk out;
    crypto_hash_sha512_final(&st, u8(out.mutable_bytes().data()));
    secure_zero(&st, sizeof st);
    return out;
}

mac_key derive_mac_key(bytes_view sid, const isk& k)
{
    ensure_sodium();
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    hash_update(st, as_bytes(mac_label));
    hash_update(st, sid);
    hash_update(st, k.bytes());
    mac_key out;
    crypto_hash_sha512_final(&st, u8(out.mutable_bytes().data()));
    secure_zero(&st, sizeof st);
    return out;
}

tag confirmation_tag(const mac_key& mk, bytes_view y, bytes_view ad)
{
    ensure_sodium();
    crypto_auth_hmacsha512_state st;
    crypto_auth_hmacsha512_init(&st, u8(mk.bytes().data()), mk.bytes().size());
    std::array<std::byte, 10> len{};
    std::size_t n = leb128(y.size(), len);
    crypto_auth_hmacsha512_update(&st, u8(len.data()), n);
    crypto_auth_hmacsha512_update(&st, u8(y.data()), y.size());
    n = leb128(ad.size(), len);
    crypto_auth_hmacsha512_update(&st, u8(len.data()), n);
    crypto_auth_hmacsha512_update(&st, u8(ad.data()), ad.size());
    tag t{};
    crypto_auth_hmacsha512_final(&st, u8(t.data()));
    secure_zero(&st, sizeof st);
    return t;
}

secret_array<64> derive_key(const isk& k, std::string_view label)
{
    ensure_sodium();
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    hash_lv(st, as_bytes(label));
    hash_lv(st, k.bytes());
    secret_array<64> out;
    crypto_hash_sha512_final(&st, u8(out.mutable_bytes().data()));
    secure_zero(&st, sizeof st);
    return out;
}

} // namespace cpace
} // namespace pcp::crypto
