// SPDX-License-Identifier: MIT
#include "p2p/kad/errc.hpp"

namespace pcp::p2p::kad {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::malformed: return "malformed message";
    case errc::too_large: return "message too large";
    case errc::bad_key: return "bad key";
    case errc::bad_record: return "bad record";
    case errc::unsupported_namespace: return "unsupported record namespace";
    case errc::bad_request: return "bad request";
    case errc::store_full: return "store full";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& kad_category() noexcept
{
    static const simple_category cat{"kad", &message_of};
    return cat;
}

} // namespace pcp::p2p::kad
