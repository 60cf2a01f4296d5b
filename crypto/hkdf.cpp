// SPDX-License-Identifier: MIT
// HMAC-SHA256 and the Noise HKDF via OpenSSL 3 (EVP_MAC / EVP_Digest). See hkdf.hpp.
#include "crypto/hkdf.hpp"

#include <cstdlib>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace pcp::crypto {
namespace {
const auto* u8(const std::byte* p) noexcept
{
    return reinterpret_cast<const unsigned char*>(p);
}
auto* u8(std::byte* p) noexcept
{
    return reinterpret_cast<unsigned char*>(p);
}

[[noreturn]] void openssl_broken() noexcept
{
    std::abort();
}

// The HMAC algorithm is fetched once per process (fetching is the slow part of EVP_MAC).
EVP_MAC* hmac_algorithm() noexcept
{
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) {
        openssl_broken();
    }
    return mac;
}

void hmac_parts(bytes_view key, bytes_view a, bytes_view b,
                std::span<std::byte, hash_size> out) noexcept
{
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_algorithm());
    if (ctx == nullptr) {
        openssl_broken();
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    static const unsigned char empty = 0;
    const unsigned char* k = key.empty() ? &empty : u8(key.data());
    std::size_t outl = 0;
    bool ok = EVP_MAC_init(ctx, k, key.size(), params) == 1 &&
              (a.empty() || EVP_MAC_update(ctx, u8(a.data()), a.size()) == 1) &&
              (b.empty() || EVP_MAC_update(ctx, u8(b.data()), b.size()) == 1) &&
              EVP_MAC_final(ctx, u8(out.data()), &outl, out.size()) == 1 && outl == hash_size;
    EVP_MAC_CTX_free(ctx);
    if (!ok) {
        openssl_broken();
    }
}

void hkdf(bytes_view ck, bytes_view ikm, std::span<std::byte, hash_size> out1,
          std::span<std::byte, hash_size> out2, std::span<std::byte, hash_size>* out3) noexcept
{
    hash32 temp;
    hmac_parts(ck, ikm, {}, temp);
    const std::byte one{1}, two{2}, three{3};
    hash32 t1, t2;
    hmac_parts(temp, {}, {&one, 1}, t1);
    hmac_parts(temp, t1, {&two, 1}, t2);
    if (out3 != nullptr) {
        hmac_parts(temp, t2, {&three, 1}, *out3);
    }
    // Outputs are written last so that they may alias the chaining key (MixKey updates ck in
    // place).
    std::copy(t1.begin(), t1.end(), out1.begin());
    std::copy(t2.begin(), t2.end(), out2.begin());
    OPENSSL_cleanse(temp.data(), temp.size());
    OPENSSL_cleanse(t1.data(), t1.size());
    OPENSSL_cleanse(t2.data(), t2.size());
}
} // namespace

hash32 hmac_sha256(bytes_view key, bytes_view data)
{
    hash32 out;
    hmac_parts(key, data, {}, out);
    return out;
}

hash32 hmac_sha256(bytes_view key, bytes_view a, bytes_view b)
{
    hash32 out;
    hmac_parts(key, a, b, out);
    return out;
}

hash32 sha256_concat(bytes_view a, bytes_view b)
{
    hash32 out;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    unsigned int outl = 0;
    bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
              (a.empty() || EVP_DigestUpdate(ctx, a.data(), a.size()) == 1) &&
              (b.empty() || EVP_DigestUpdate(ctx, b.data(), b.size()) == 1) &&
              EVP_DigestFinal_ex(ctx, u8(out.data()), &outl) == 1 && outl == hash_size;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        openssl_broken();
    }
    return out;
}

void noise_hkdf(bytes_view chaining_key, bytes_view ikm, std::span<std::byte, hash_size> out1,
                std::span<std::byte, hash_size> out2)
{
    hkdf(chaining_key, ikm, out1, out2, nullptr);
}

void noise_hkdf(bytes_view chaining_key, bytes_view ikm, std::span<std::byte, hash_size> out1,
                std::span<std::byte, hash_size> out2, std::span<std::byte, hash_size> out3)
{
    hkdf(chaining_key, ikm, out1, out2, &out3);
}

} // namespace pcp::crypto
