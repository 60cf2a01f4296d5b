// SPDX-License-Identifier: MIT
#include "p2p/mdns/errc.hpp"

namespace pcp::p2p::mdns {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::malformed: return "malformed DNS message";
    case errc::truncated: return "truncated DNS message";
    case errc::too_large: return "DNS message too large";
    case errc::limit_exceeded: return "limit exceeded";
    case errc::bad_name: return "bad DNS name";
    case errc::bad_label: return "bad discovery label";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& mdns_category() noexcept
{
    static const simple_category cat{"mdns", &message_of};
    return cat;
}

} // namespace pcp::p2p::mdns
