// SPDX-License-Identifier: MIT
// X25519 via libsodium (RFC 7748). See x25519.hpp.
#include "crypto/x25519.hpp"

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
} // namespace

x25519_shared_secret::x25519_shared_secret(x25519_shared_secret&& o) noexcept : bytes_(o.bytes_)
{
    sodium_memzero(o.bytes_.data(), o.bytes_.size());
}
x25519_shared_secret& x25519_shared_secret::operator=(x25519_shared_secret&& o) noexcept
{
    if (this != &o) {
        bytes_ = o.bytes_;
        sodium_memzero(o.bytes_.data(), o.bytes_.size());
    }
    return *this;
}
x25519_shared_secret::~x25519_shared_secret()
{
    sodium_memzero(bytes_.data(), bytes_.size());
}

x25519_keypair x25519_keypair::from_secret(std::span<const std::byte, x25519_key_size> secret)
{
    ensure_sodium();
    x25519_keypair kp;
    std::copy(secret.begin(), secret.end(), kp.secret_.begin());
    crypto_scalarmult_base(u8(kp.public_.data()), u8(kp.secret_.data()));
    return kp;
}

x25519_keypair x25519_keypair::generate()
{
    ensure_sodium();
    std::array<std::byte, x25519_key_size> secret;
    randombytes_buf(secret.data(), secret.size());
    auto kp = from_secret(secret);
    sodium_memzero(secret.data(), secret.size());
    return kp;
}

x25519_keypair::x25519_keypair(x25519_keypair&& o) noexcept : secret_(o.secret_), public_(o.public_)
{
    sodium_memzero(o.secret_.data(), o.secret_.size());
}
x25519_keypair& x25519_keypair::operator=(x25519_keypair&& o) noexcept
{
    if (this != &o) {
        secret_ = o.secret_;
        public_ = o.public_;
        sodium_memzero(o.secret_.data(), o.secret_.size());
    }
    return *this;
}
x25519_keypair::~x25519_keypair()
{
    sodium_memzero(secret_.data(), secret_.size());
}

std::optional<x25519_shared_secret>
x25519_keypair::dh(std::span<const std::byte, x25519_key_size> remote) const
{
    x25519_shared_secret out;
    // crypto_scalarmult returns -1 when the output is all zeros (a low-order remote point).
    if (crypto_scalarmult(u8(out.mutable_bytes().data()), u8(secret_.data()), u8(remote.data())) !=
        0) {
        return std::nullopt;
    }
    return out;
}

} // namespace pcp::crypto
