// SPDX-License-Identifier: MIT
// STUB: replaced by the real codec in the next commit.
#include "p2p/kad/wire.hpp"

#include "p2p/kad/errc.hpp"

namespace pcp::p2p::kad {

result<message> decode(bytes_view, const config&) { return errc::malformed; }
void encode(const message&, byte_buffer&) {}
byte_buffer encode(const message& m)
{
    byte_buffer out;
    encode(m, out);
    return out;
}
void encode_framed(const message&, byte_buffer&) {}

} // namespace pcp::p2p::kad
