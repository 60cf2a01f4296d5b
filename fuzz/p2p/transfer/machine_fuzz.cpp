// SPDX-License-Identifier: MIT
// The receiver machine driven by a hostile sender: the input is the byte stream from the sender,
// cut into pieces whose sizes come from the first bytes. The glue's answers are scripted (accept
// at the offer, file_ok at every file end, finish at done). Invariants: no crash, handle_input
// never claims more than it was given, data events never exceed the declared totals, and once
// failed the machine stays failed.
#include <cstddef>
#include <cstdint>

#include "p2p/transfer/machine.hpp"

using namespace pcp;
using namespace pcp::p2p::transfer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2) {
        return 0;
    }
    std::size_t cut = data[0] % 16 + 1; // piece size pattern
    bool decline = data[1] & 1;
    bytes_view in(reinterpret_cast<const std::byte*>(data + 2), size - 2);
    receiver_config cfg;
    cfg.max_entries = 4096;
    cfg.max_total_bytes = 1 << 20;
    receiver_machine r(cfg);
    byte_buffer out;
    std::uint64_t data_bytes = 0;
    std::size_t piece = cut;
    while (!in.empty()) {
        auto chunk = in.first(std::min(piece, in.size()));
        auto used = r.handle_input(chunk);
        if (!used) {
            if (r.phase() != receiver_phase::failed) {
                __builtin_trap();
            }
            if (r.handle_input(chunk)) {
                __builtin_trap();
            }
            break;
        }
        if (used.value() > chunk.size() || (used.value() == 0 && !chunk.empty())) {
            __builtin_trap();
        }
        in = in.subspan(used.value());
        while (auto ev = r.poll_event()) {
            switch (ev->what) {
            case receiver_event::kind::offer:
                if (decline) {
                    (void)r.reject(reject_reason::declined, "no");
                } else if (!r.accept()) {
                    __builtin_trap();
                }
                break;
            case receiver_event::kind::data: data_bytes += ev->bytes.size(); break;
            case receiver_event::kind::file_end:
                if (!r.file_ok(ev->index, {})) {
                    __builtin_trap();
                }
                break;
            case receiver_event::kind::done:
                if (data_bytes != r.totals().bytes || !r.finish(true)) {
                    __builtin_trap();
                }
                break;
            default: break;
            }
        }
        if (data_bytes > r.totals().bytes) {
            __builtin_trap();
        }
        out.clear();
        r.poll_transmit(out);
        piece = piece % cut + 1;
        if (r.phase() == receiver_phase::closed) {
            break;
        }
    }
    (void)r.handle_eof();
    return 0;
}
