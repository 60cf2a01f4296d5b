// SPDX-License-Identifier: MIT
// Identify errors (category "identify").
#pragma once

#include "engine/errc.hpp"

namespace pcp::p2p::identify {

enum class errc {
    malformed = 1,      ///< not a valid Identify protobuf or LP frame
    message_too_large,  ///< a message above max_message_size
    limit_exceeded,     ///< too many addresses, protocols or messages, or a string too long
    missing_public_key, ///< the remote's Identify has no publicKey
    key_mismatch,       ///< publicKey does not belong to the connection's peer ID
};

const boost::system::error_category& identify_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), identify_category()};
}

} // namespace pcp::p2p::identify

template <>
struct boost::system::is_error_code_enum<pcp::p2p::identify::errc> : std::true_type {};
