// SPDX-License-Identifier: MIT
// CRC-32C (Castagnoli, RFC 3720 §B.4): incremental, with the SSE4.2 `crc32` instruction when the
// CPU has it (checked once at run time) and a table otherwise. Not a cryptographic hash: pcp uses
// it as a cheap end-to-end check of its own data path (the AEAD already authenticates every byte
// in flight; this catches a byte misplaced between the Noise frame and the disk). Pure.
#pragma once

#include <cstdint>

#include "engine/bytes.hpp"

namespace pcp::crypto {

/// Incremental CRC-32C. `value()` may be read at any time; update() keeps going after it.
class crc32c {
public:
    /// Absorb more input.
    void update(bytes_view data) noexcept;
    /// The CRC of everything absorbed since construction or reset().
    [[nodiscard]] std::uint32_t value() const noexcept { return ~state_; }
    /// Start over with an empty input.
    void reset() noexcept { state_ = ~std::uint32_t{0}; }

private:
    std::uint32_t state_ = ~std::uint32_t{0};
};

/// One-shot CRC-32C of `data`.
[[nodiscard]] std::uint32_t crc32c_of(bytes_view data) noexcept;

/// The table path alone (what CPUs without SSE4.2 run), for tests against the hardware path.
[[nodiscard]] std::uint32_t crc32c_portable(bytes_view data) noexcept;

/// Whether update() uses the CPU's CRC32 instruction (for benchmarks and `pcp doctor`).
[[nodiscard]] bool crc32c_hardware() noexcept;

} // namespace pcp::crypto
