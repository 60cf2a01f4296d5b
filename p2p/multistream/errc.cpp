// SPDX-License-Identifier: MIT
// Messages of the multistream error category.
#include "p2p/multistream/errc.hpp"

#include "engine/errc.hpp"

namespace pcp::p2p::multistream {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::message_too_large: return "message too large";
    case errc::bad_length: return "bad length prefix";
    case errc::missing_newline: return "message does not end with a newline";
    case errc::bad_header: return "bad or missing /multistream/1.0.0 header";
    case errc::unexpected_message: return "unexpected message";
    case errc::protocol_not_supported: return "protocol not supported";
    case errc::too_many_attempts: return "too many negotiation attempts";
    case errc::invalid_argument: return "invalid argument";
    case errc::bad_listing: return "malformed ls response";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& multistream_category() noexcept
{
    static const simple_category cat{"multistream", &message_of};
    return cat;
}
} // namespace pcp::p2p::multistream
