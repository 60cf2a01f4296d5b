// SPDX-License-Identifier: MIT
#include "transport/dns/errc.hpp"

namespace pcp::transport::dns {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::not_found: return "no such name (NXDOMAIN) or no record of that type";
    case errc::offline: return "no DNS server answered (timed out or refused): the network looks offline";
    case errc::bad_response: return "malformed DNS answer";
    case errc::bad_name: return "name cannot be looked up";
    case errc::cancelled: return "lookup cancelled";
    case errc::bad_config: return "bad resolver configuration (server address, family or timeout)";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& dns_category() noexcept
{
    static const simple_category cat{"dns", &message_of};
    return cat;
}

} // namespace pcp::transport::dns
