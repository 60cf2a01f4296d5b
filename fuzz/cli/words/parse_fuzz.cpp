// SPDX-License-Identifier: MIT
// Code phrases typed by users (DESIGN §5): parse must never crash; an accepted code re-parses from its
// canonical text to the same code; a refusal carries a consistent parse_error; suggest() is total.
// The first 8 bytes also drive the slot arithmetic (no overflow at any time).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "cli/words/code.hpp"
#include "cli/words/discovery.hpp"

using namespace pcp::cli::words;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    parse_error e;
    auto c = parse(text, &e);
    if (c) {
        const code& got = c.value();
        if (!valid(got)) {
            __builtin_trap();
        }
        const std::string canonical = to_string(got);
        auto again = parse(canonical);
        if (!again || !(again.value() == got) || phrase(got).view() != canonical) {
            __builtin_trap();
        }
        const auto pw = password(got);
        const std::size_t skip = channel_words(got.indices.size());
        if (pw.empty() || channel_id(got) >= (1u << 22) || (skip == 1 && channel_id(got) >= 2048)) {
            __builtin_trap();
        }
    } else {
        if (c.error() != make_error_code(e.reason) || e.word.size() > max_reported_word_size ||
            e.position > text.size()) {
            __builtin_trap();
        }
        if (e.suggestion && !index_of(*e.suggestion)) {
            __builtin_trap();
        }
        (void)e.message();
    }
    if (auto s = suggest(text.substr(0, 64)); s && !index_of(*s)) {
        __builtin_trap();
    }
    if (size >= 8) {
        std::int64_t t = 0;
        std::memcpy(&t, data, sizeof(t));
        const auto s = slots_at(t);
        if (s.current % slot_length_nanos != 0 || s.current - s.previous != slot_length_nanos ||
            next_slot_start_nanos(t) - s.current != slot_length_nanos) {
            __builtin_trap();
        }
        const auto id = discovery_id(s.current, static_cast<std::uint32_t>(size));
        if (mdns_name(id).size() != mdns_name_size) {
            __builtin_trap();
        }
    }
    return 0;
}
