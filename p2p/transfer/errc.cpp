// SPDX-License-Identifier: MIT
#include "p2p/transfer/errc.hpp"

namespace pcp::p2p::transfer {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::malformed: return "malformed message";
    case errc::message_too_large: return "message too large";
    case errc::limit_exceeded: return "limit exceeded";
    case errc::unsupported_version: return "unsupported protocol version";
    case errc::unexpected_message: return "unexpected message";
    case errc::invalid_path: return "unsafe path in the manifest";
    case errc::invalid_entry: return "unsupported or inconsistent manifest entry";
    case errc::manifest_mismatch: return "totals do not match the manifest";
    case errc::out_of_order: return "file data out of order";
    case errc::rejected: return "the receiver rejected the transfer";
    case errc::declined: return "transfer declined";
    case errc::conflicts: return "existing files would be overwritten (use --overwrite)";
    case errc::interrupted: return "transfer interrupted";
    case errc::integrity: return "integrity check failed";
    case errc::peer_aborted: return "the other side aborted the transfer";
    case errc::source_changed: return "a file changed while it was being sent";
    case errc::duplicate_name: return "two paths have the same name";
    case errc::bad_source: return "cannot send this path";
    case errc::cancelled: return "transfer cancelled";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& transfer_category() noexcept
{
    static const simple_category cat{"transfer", &message_of};
    return cat;
}

} // namespace pcp::p2p::transfer
