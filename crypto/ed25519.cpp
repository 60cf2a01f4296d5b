// SPDX-License-Identifier: MIT
#include "crypto/ed25519.hpp"

#include <cstdlib>

#include <sodium.h>

namespace pcp::crypto {
namespace {
unsigned char* uc(std::byte* p) noexcept { return reinterpret_cast<unsigned char*>(p); }
const unsigned char* uc(const std::byte* p) noexcept
{
    return reinterpret_cast<const unsigned char*>(p);
}
static_assert(crypto_sign_PUBLICKEYBYTES == ed25519_public_size);
static_assert(crypto_sign_SECRETKEYBYTES == ed25519_secret_size);
static_assert(crypto_sign_SEEDBYTES == ed25519_seed_size);
static_assert(crypto_sign_BYTES == ed25519_signature_size);
} // namespace

void sodium_ready() noexcept
{
    // A function-local static is initialised once even with concurrent callers.
    static const bool ready = [] { return sodium_init() >= 0; }();
    if (!ready) {
        std::abort();
    }
}

ed25519_public ed25519_from_seed(std::span<const std::byte, ed25519_seed_size> seed,
                                 ed25519_secret& secret) noexcept
{
    sodium_ready();
    ed25519_public pub{};
    crypto_sign_seed_keypair(uc(pub.data()), uc(secret.data()), uc(seed.data()));
    return pub;
}

ed25519_public ed25519_generate(ed25519_secret& secret) noexcept
{
    sodium_ready();
    ed25519_public pub{};
    crypto_sign_keypair(uc(pub.data()), uc(secret.data()));
    return pub;
}

ed25519_signature ed25519_sign(const ed25519_secret& secret, bytes_view msg) noexcept
{
    sodium_ready();
    ed25519_signature sig{};
    crypto_sign_detached(uc(sig.data()), nullptr, uc(msg.data()), msg.size(), uc(secret.data()));
    return sig;
}

bool ed25519_verify(bytes_view pub, bytes_view msg, bytes_view sig) noexcept
{
    if (pub.size() != ed25519_public_size || sig.size() != ed25519_signature_size) {
        return false;
    }
    sodium_ready();
    return crypto_sign_verify_detached(uc(sig.data()), uc(msg.data()), msg.size(), uc(pub.data())) == 0;
}

void secure_zero(mutable_bytes mem) noexcept { sodium_memzero(mem.data(), mem.size()); }

} // namespace pcp::crypto
