// SPDX-License-Identifier: MIT
#include "p2p/identify/errc.hpp"

namespace pcp::p2p::identify {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::malformed: return "malformed message";
    case errc::message_too_large: return "message too large";
    case errc::limit_exceeded: return "limit exceeded";
    case errc::missing_public_key: return "no public key";
    case errc::key_mismatch: return "public key does not match the peer ID";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& identify_category() noexcept
{
    static const simple_category cat{"identify", &message_of};
    return cat;
}

} // namespace pcp::p2p::identify
