// SPDX-License-Identifier: MIT
// ChaCha20-Poly1305 (RFC 8439) via OpenSSL EVP. See chacha20poly1305.hpp.
#include "crypto/chacha20poly1305.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace pcp::crypto {
namespace {
EVP_CIPHER_CTX* as_ctx(void* p) noexcept
{
    return static_cast<EVP_CIPHER_CTX*>(p);
}
auto* u8(std::byte* p) noexcept
{
    return reinterpret_cast<unsigned char*>(p);
}
const auto* u8(const std::byte* p) noexcept
{
    return reinterpret_cast<const unsigned char*>(p);
}

// OpenSSL takes int lengths: feed long inputs in chunks (ChaCha20's keystream position carries
// over between EVP_CipherUpdate calls).
constexpr std::size_t chunk = std::size_t{1} << 30;

[[noreturn]] void openssl_broken() noexcept
{
    std::abort();
}

// Re-arm the keyed context for one message: direction, nonce, additional data.
void start(EVP_CIPHER_CTX* ctx, int enc, const aead_nonce& nonce, bytes_view ad) noexcept
{
    if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, u8(nonce.data()), enc) != 1) {
        openssl_broken();
    }
    for (std::size_t off = 0; off < ad.size(); off += chunk) {
        int outl = 0;
        auto n = std::min(chunk, ad.size() - off);
        if (EVP_CipherUpdate(ctx, nullptr, &outl, u8(ad.data() + off), static_cast<int>(n)) != 1) {
            openssl_broken();
        }
    }
}

void crypt(EVP_CIPHER_CTX* ctx, std::span<std::byte> data) noexcept
{
    for (std::size_t off = 0; off < data.size(); off += chunk) {
        int outl = 0;
        auto n = std::min(chunk, data.size() - off);
        if (EVP_CipherUpdate(ctx, u8(data.data() + off), &outl, u8(data.data() + off),
                             static_cast<int>(n)) != 1) {
            openssl_broken();
        }
    }
}
} // namespace

chacha20poly1305::chacha20poly1305(std::span<const std::byte, aead_key_size> key)
{
    auto* ctx = EVP_CIPHER_CTX_new();
    if (ctx == nullptr ||
        EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, u8(key.data()), nullptr, 1) != 1) {
        openssl_broken();
    }
    ctx_ = ctx;
}

chacha20poly1305::chacha20poly1305(chacha20poly1305&& o) noexcept
    : ctx_(std::exchange(o.ctx_, nullptr))
{
}

chacha20poly1305& chacha20poly1305::operator=(chacha20poly1305&& o) noexcept
{
    if (this != &o) {
        EVP_CIPHER_CTX_free(as_ctx(ctx_)); // cleanses the key schedule
        ctx_ = std::exchange(o.ctx_, nullptr);
    }
    return *this;
}

chacha20poly1305::~chacha20poly1305()
{
    EVP_CIPHER_CTX_free(as_ctx(ctx_));
}

void chacha20poly1305::seal(const aead_nonce& nonce, bytes_view ad, std::span<std::byte> data,
                            std::span<std::byte, aead_tag_size> tag)
{
    auto* ctx = as_ctx(ctx_);
    start(ctx, 1, nonce, ad);
    crypt(ctx, data);
    int outl = 0;
    unsigned char none[aead_tag_size]; // ChaCha20 is a stream cipher: Final writes nothing
    if (EVP_CipherFinal_ex(ctx, none, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(aead_tag_size),
                            tag.data()) != 1) {
        openssl_broken();
    }
}

void chacha20poly1305::seal(const aead_nonce& nonce, bytes_view ad, std::span<std::byte> buf)
{
    if (buf.size() < aead_tag_size) {
        std::abort(); // precondition: room for the tag
    }
    auto n = buf.size() - aead_tag_size;
    seal(nonce, ad, buf.first(n), buf.subspan(n).first<aead_tag_size>());
}

bool chacha20poly1305::open(const aead_nonce& nonce, bytes_view ad, std::span<std::byte> data,
                            std::span<const std::byte, aead_tag_size> tag)
{
    auto* ctx = as_ctx(ctx_);
    start(ctx, 0, nonce, ad);
    // OpenSSL 3 copies the expected tag; the cast only satisfies the C prototype.
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(aead_tag_size),
                            const_cast<std::byte*>(tag.data())) != 1) {
        openssl_broken();
    }
    crypt(ctx, data);
    int outl = 0;
    unsigned char none[aead_tag_size];
    if (EVP_CipherFinal_ex(ctx, none, &outl) != 1) {
        // Authentication failed: the in-place output is unauthenticated, never release it.
        OPENSSL_cleanse(data.data(), data.size());
        return false;
    }
    return true;
}

bool chacha20poly1305::open(const aead_nonce& nonce, bytes_view ad, std::span<std::byte> buf)
{
    if (buf.size() < aead_tag_size) {
        OPENSSL_cleanse(buf.data(), buf.size());
        return false;
    }
    auto n = buf.size() - aead_tag_size;
    std::array<std::byte, aead_tag_size> tag;
    std::copy(buf.begin() + static_cast<std::ptrdiff_t>(n), buf.end(), tag.begin());
    bool ok = open(nonce, ad, buf.first(n), tag);
    if (!ok) {
        OPENSSL_cleanse(buf.data(), buf.size());
    }
    return ok;
}

} // namespace pcp::crypto
