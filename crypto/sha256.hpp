// SPDX-License-Identifier: MIT
// SHA-256 (FIPS 180-4) over OpenSSL 3 EVP: one-shot and incremental. Used for sha2-256 multihashes,
// peer IDs of large keys, CIDs and kad keys. Pure.
#pragma once

#include <array>
#include <cstddef>

#include "engine/bytes.hpp"

struct evp_md_ctx_st;

namespace pcp::crypto {

/// Size of a SHA-256 digest in bytes.
inline constexpr std::size_t sha256_size = 32;
/// A SHA-256 digest.
using sha256_digest = std::array<std::byte, sha256_size>;

/// One-shot SHA-256 of `data`.
[[nodiscard]] sha256_digest sha256(bytes_view data) noexcept;

/// Incremental SHA-256: update() any number of times, then finish() once. Move-only.
class sha256_hasher {
public:
    sha256_hasher();
    sha256_hasher(sha256_hasher&& other) noexcept;
    sha256_hasher& operator=(sha256_hasher&& other) noexcept;
    sha256_hasher(const sha256_hasher&) = delete;
    sha256_hasher& operator=(const sha256_hasher&) = delete;
    ~sha256_hasher();

    /// Absorb more input. Precondition: finish() has not been called since construction/reset().
    void update(bytes_view data) noexcept;
    /// Produce the digest; the hasher must be reset() before reuse.
    [[nodiscard]] sha256_digest finish() noexcept;
    /// Start over with an empty input.
    void reset() noexcept;

private:
    evp_md_ctx_st* ctx_ = nullptr;
};

} // namespace pcp::crypto
