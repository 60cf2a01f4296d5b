// SPDX-License-Identifier: MIT
// The discovery identifier (DESIGN §5; original pcp: docs/original-pcp.md §2.1):
// "/pcp/{unix nanoseconds of the 5-minute slot start}/{channel id}". The sender advertises the
// current slot and re-advertises when it rolls over; the receiver searches the current and the
// previous slot. Time is always a parameter (no clock reads here). Pure.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace pcp::cli::words {

/// Slot length: 5 minutes, in nanoseconds.
inline constexpr std::int64_t slot_length_nanos = 300'000'000'000;
/// Times outside [min_time_nanos, max_time_nanos] are clamped into it, so that the slot start, the
/// previous slot and the next slot are all representable.
inline constexpr std::int64_t min_time_nanos =
    (std::numeric_limits<std::int64_t>::min() / slot_length_nanos + 1) * slot_length_nanos;
inline constexpr std::int64_t max_time_nanos =
    (std::numeric_limits<std::int64_t>::max() / slot_length_nanos) * slot_length_nanos - 1;

/// Nanoseconds since the Unix epoch of a system_clock time point (a conversion, not a clock read).
[[nodiscard]] inline std::int64_t unix_nanos(std::chrono::system_clock::time_point t) noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Start of the slot containing `unix_nanos`: floor(t / 5 min) * 5 min (floor also before 1970).
[[nodiscard]] std::int64_t slot_start_nanos(std::int64_t unix_nanos) noexcept;
/// Start of the slot after the one containing `unix_nanos` (when the sender re-advertises).
[[nodiscard]] std::int64_t next_slot_start_nanos(std::int64_t unix_nanos) noexcept;

/// The slots a receiver searches at time `unix_nanos`.
struct search_slots {
    std::int64_t current = 0;  ///< slot_start_nanos(t)
    std::int64_t previous = 0; ///< current - 5 min
};
[[nodiscard]] search_slots slots_at(std::int64_t unix_nanos) noexcept;

/// "/pcp/{slot_nanos}/{channel}", both in decimal, e.g. "/pcp/1618057800000000000/234".
[[nodiscard]] std::string discovery_id(std::int64_t slot_nanos, std::uint32_t channel);
/// The identifier the sender advertises at time `unix_nanos`: discovery_id(slot_start_nanos(t), channel).
[[nodiscard]] std::string current_discovery_id(std::int64_t unix_nanos, std::uint32_t channel);
/// The identifiers a receiver searches at time `unix_nanos`: {current slot, previous slot}.
[[nodiscard]] std::array<std::string, 2> search_discovery_ids(std::int64_t unix_nanos, std::uint32_t channel);

/// Length of mdns_name() in characters.
inline constexpr std::size_t mdns_name_size = 32;
/// A DNS-safe label for the mDNS service of a discovery ID: RFC 4648 base32, lower case, no padding,
/// of the first 20 bytes of SHA-256(discovery_id) → 32 characters from [a-z2-7] (a valid LDH label,
/// well under 63). The original pcp put the raw identifier, slashes included, into one label; a
/// hashed label keeps the name short, valid and free of the public channel/slot pair.
[[nodiscard]] std::string mdns_name(std::string_view discovery_id);

} // namespace pcp::cli::words
