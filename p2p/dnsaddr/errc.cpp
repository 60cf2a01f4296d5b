// SPDX-License-Identifier: MIT
#include "p2p/dnsaddr/errc.hpp"

namespace pcp::p2p::dnsaddr {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::bad_entry: return "TXT entry is not dnsaddr=<multiaddr>";
    case errc::no_addresses: return "no TXT entry matches the address";
    case errc::too_deep: return "nested /dnsaddr too deep";
    case errc::too_many_lookups: return "too many DNS lookups for one address";
    case errc::too_many_addresses: return "too many addresses";
    case errc::bad_name: return "DNS name too long";
    case errc::too_many_entries: return "too many addresses to resolve";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& dnsaddr_category() noexcept
{
    static const simple_category cat{"dnsaddr", &message_of};
    return cat;
}

} // namespace pcp::p2p::dnsaddr
