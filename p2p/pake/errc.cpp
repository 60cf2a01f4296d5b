// SPDX-License-Identifier: MIT
#include "p2p/pake/errc.hpp"

namespace pcp::p2p::pake {
namespace {
const char* message_of(int ev) noexcept
{
    switch (static_cast<errc>(ev)) {
    case errc::malformed:
        return "malformed message";
    case errc::message_too_large:
        return "message too large";
    case errc::limit_exceeded:
        return "associated data too long";
    case errc::invalid_input:
        return "invalid local input";
    case errc::unexpected_message:
        return "unexpected message";
    case errc::invalid_share:
        return "invalid key share from the peer";
    case errc::wrong_code:
        return "wrong code (key confirmation failed)";
    case errc::peer_aborted:
        return "the peer aborted the key exchange";
    case errc::abandoned:
        return "the peer did not confirm the key (counted as a failed attempt)";
    case errc::truncated:
        return "the stream ended during the key exchange";
    }
    return "unknown error";
}
} // namespace

const boost::system::error_category& pake_category() noexcept
{
    static const simple_category cat{"pake", &message_of};
    return cat;
}

} // namespace pcp::p2p::pake
