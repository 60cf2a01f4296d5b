// SPDX-License-Identifier: MIT
// Fuzz the protobuf reader: it must stay inside the input, and re-encoding the fields it read
// (with the minimal writer) and reading again must give the same fields.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "p2p/peer/protobuf.hpp"

namespace {
using namespace pcp::p2p::peer;

void put(const pb::field& f, pcp::byte_buffer& out)
{
    switch (f.type) {
    case pb::varint_type: pb::put_varint(f.number, f.value, out); break;
    case pb::len_type: pb::put_bytes(f.number, f.bytes, out); break;
    case pb::fixed32_type:
    case pb::fixed64_type: {
        pb::put_key(f.number, f.type, out);
        for (int i = 0; i < (f.type == pb::fixed32_type ? 4 : 8); ++i) {
            out.push_back(static_cast<std::byte>(f.value >> (8 * i)));
        }
        break;
    }
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    pcp::bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    const std::byte* end = in.data() + in.size();
    pb::reader r(in);
    std::vector<pb::field> fields;
    while (auto f = r.next()) {
        if (f->type == pb::len_type && !f->bytes.empty() &&
            (f->bytes.data() < in.data() || f->bytes.data() + f->bytes.size() > end)) {
            __builtin_trap();
        }
        fields.push_back(*f);
        if (fields.size() > size) {
            __builtin_trap(); // every field consumes at least one byte
        }
    }
    if (r.failed()) {
        return 0;
    }
    pcp::byte_buffer again;
    for (const auto& f : fields) {
        put(f, again);
    }
    pb::reader r2(again);
    std::size_t i = 0;
    while (auto f = r2.next()) {
        if (i >= fields.size() || f->number != fields[i].number || f->type != fields[i].type ||
            f->value != fields[i].value || f->bytes.size() != fields[i].bytes.size() ||
            !std::equal(f->bytes.begin(), f->bytes.end(), fields[i].bytes.begin())) {
            __builtin_trap();
        }
        ++i;
    }
    if (r2.failed() || i != fields.size()) {
        __builtin_trap();
    }
    return 0;
}
