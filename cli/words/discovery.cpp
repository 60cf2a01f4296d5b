// SPDX-License-Identifier: MIT
#include "cli/words/discovery.hpp"

#include <algorithm>

#include "crypto/sha256.hpp"
#include "engine/bytes.hpp"

namespace pcp::cli::words {
namespace {
std::int64_t clamp_time(std::int64_t t) noexcept { return std::clamp(t, min_time_nanos, max_time_nanos); }
} // namespace

std::int64_t slot_start_nanos(std::int64_t unix_nanos) noexcept
{
    const std::int64_t t = clamp_time(unix_nanos);
    std::int64_t r = t % slot_length_nanos;
    if (r < 0) {
        r += slot_length_nanos;
    }
    return t - r;
}

std::int64_t next_slot_start_nanos(std::int64_t unix_nanos) noexcept
{
    return slot_start_nanos(unix_nanos) + slot_length_nanos;
}

search_slots slots_at(std::int64_t unix_nanos) noexcept
{
    const std::int64_t current = slot_start_nanos(unix_nanos);
    return search_slots{current, current - slot_length_nanos};
}

std::string discovery_id(std::int64_t slot_nanos, std::uint32_t channel)
{
    std::string out = "/pcp/";
    out += std::to_string(slot_nanos);
    out += '/';
    out += std::to_string(channel);
    return out;
}

std::string current_discovery_id(std::int64_t unix_nanos, std::uint32_t channel)
{
    return discovery_id(slot_start_nanos(unix_nanos), channel);
}

std::array<std::string, 2> search_discovery_ids(std::int64_t unix_nanos, std::uint32_t channel)
{
    const search_slots s = slots_at(unix_nanos);
    return {discovery_id(s.current, channel), discovery_id(s.previous, channel)};
}

std::string mdns_name(std::string_view id)
{
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    const crypto::sha256_digest digest = crypto::sha256(as_bytes(id));
    // 20 bytes = 160 bits = exactly 32 groups of 5 bits: no padding, no partial group.
    std::string out;
    out.reserve(mdns_name_size);
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < 20; ++i) {
        acc = (acc << 8) | std::to_integer<std::uint32_t>(digest[i]);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += alphabet[(acc >> bits) & 0x1f];
        }
    }
    return out;
}

} // namespace pcp::cli::words
