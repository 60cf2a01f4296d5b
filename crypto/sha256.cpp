// SPDX-License-Identifier: MIT
#include "crypto/sha256.hpp"

#include <cstdlib>
#include <utility>

#include <openssl/evp.h>

namespace pcp::crypto {

sha256_digest sha256(bytes_view data) noexcept
{
    sha256_digest out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                   EVP_sha256(), nullptr) != 1 ||
        len != sha256_size) {
        std::abort(); // SHA-256 cannot fail short of memory exhaustion
    }
    return out;
}

sha256_hasher::sha256_hasher() : ctx_(EVP_MD_CTX_new())
{
    if (ctx_ == nullptr) {
        std::abort();
    }
    reset();
}

sha256_hasher::sha256_hasher(sha256_hasher&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

sha256_hasher& sha256_hasher::operator=(sha256_hasher&& other) noexcept
{
    if (this != &other) {
        EVP_MD_CTX_free(ctx_);
        ctx_ = std::exchange(other.ctx_, nullptr);
    }
    return *this;
}

sha256_hasher::~sha256_hasher() { EVP_MD_CTX_free(ctx_); }

void sha256_hasher::update(bytes_view data) noexcept
{
    if (ctx_ == nullptr || EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
        std::abort();
    }
}

sha256_digest sha256_hasher::finish() noexcept
{
    sha256_digest out{};
    unsigned int len = 0;
    if (ctx_ == nullptr ||
        EVP_DigestFinal_ex(ctx_, reinterpret_cast<unsigned char*>(out.data()), &len) != 1 ||
        len != sha256_size) {
        std::abort();
    }
    return out;
}

void sha256_hasher::reset() noexcept
{
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
        std::abort();
    }
}

} // namespace pcp::crypto
