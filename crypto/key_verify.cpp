// SPDX-License-Identifier: MIT
#include "crypto/key_verify.hpp"

#include <array>
#include <cstring>
#include <memory>
#include <string_view>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>

namespace pcp::crypto {
namespace {

struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct md_ctx_free {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct pkey_ctx_free {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

const unsigned char* uc(const std::byte* p) noexcept
{
    return reinterpret_cast<const unsigned char*>(p);
}

/// Parse a DER SubjectPublicKeyInfo; the whole input must be consumed.
pkey_ptr parse_pkix(bytes_view der, int want_id) noexcept
{
    if (der.empty() || der.size() > max_rsa_der_size) {
        return nullptr;
    }
    const unsigned char* p = uc(der.data());
    pkey_ptr key{d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()))};
    if (!key || p != uc(der.data()) + der.size() || EVP_PKEY_get_base_id(key.get()) != want_id) {
        return nullptr;
    }
    return key;
}

pkey_ptr parse_rsa(bytes_view der) noexcept
{
    auto key = parse_pkix(der, EVP_PKEY_RSA);
    if (!key) {
        return nullptr;
    }
    int bits = EVP_PKEY_get_bits(key.get());
    if (bits < min_rsa_bits || bits > max_rsa_bits) {
        return nullptr;
    }
    return key;
}

bool group_is(EVP_PKEY* key, std::initializer_list<std::string_view> names) noexcept
{
    std::array<char, 64> name{};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name.data(), name.size(),
                                       &len) != 1) {
        return false;
    }
    std::string_view got(name.data(), len);
    for (auto n : names) {
        if (got == n) {
            return true;
        }
    }
    return false;
}

pkey_ptr parse_ecdsa(bytes_view der) noexcept
{
    if (der.size() > max_ecdsa_der_size) {
        return nullptr;
    }
    auto key = parse_pkix(der, EVP_PKEY_EC);
    if (!key || !group_is(key.get(), {"prime256v1", "secp384r1", "secp521r1"})) {
        return nullptr;
    }
    return key;
}

pkey_ptr parse_secp256k1(bytes_view point) noexcept
{
    if (point.size() != secp256k1_compressed_size ||
        (point[0] != std::byte{0x02} && point[0] != std::byte{0x03})) {
        return nullptr;
    }
    std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> ctx{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
        return nullptr;
    }
    std::array<unsigned char, secp256k1_compressed_size> pub{};
    std::memcpy(pub.data(), point.data(), pub.size());
    char group[] = "secp256k1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size()),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        return nullptr;
    }
    pkey_ptr key{raw};
    // fromdata decodes the point (on-curve check); confirm with a public-key check as well.
    std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> check{EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr)};
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
        return nullptr;
    }
    return key;
}

bool verify_sha256(EVP_PKEY* key, bytes_view msg, bytes_view sig) noexcept
{
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx{EVP_MD_CTX_new()};
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
        return false;
    }
    // RSA keys default to PKCS#1 v1.5 padding, which is what libp2p uses.
    return EVP_DigestVerify(ctx.get(), uc(sig.data()), sig.size(), uc(msg.data()), msg.size()) == 1;
}

} // namespace

bool rsa_public_key_valid(bytes_view der) noexcept { return parse_rsa(der) != nullptr; }

bool rsa_verify_sha256(bytes_view der, bytes_view msg, bytes_view sig) noexcept
{
    auto key = parse_rsa(der);
    if (!key || sig.empty() || sig.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.get()))) {
        return false;
    }
    return verify_sha256(key.get(), msg, sig);
}

bool ecdsa_public_key_valid(bytes_view der) noexcept { return parse_ecdsa(der) != nullptr; }

bool ecdsa_verify_sha256(bytes_view der, bytes_view msg, bytes_view sig) noexcept
{
    if (sig.empty() || sig.size() > max_ecdsa_sig_size) {
        return false;
    }
    auto key = parse_ecdsa(der);
    return key && verify_sha256(key.get(), msg, sig);
}

bool secp256k1_public_key_valid(bytes_view point) noexcept { return parse_secp256k1(point) != nullptr; }

bool secp256k1_verify_sha256(bytes_view point, bytes_view msg, bytes_view sig) noexcept
{
    if (sig.empty() || sig.size() > max_ecdsa_sig_size) {
        return false;
    }
    auto key = parse_secp256k1(point);
    return key && verify_sha256(key.get(), msg, sig);
}

} // namespace pcp::crypto
