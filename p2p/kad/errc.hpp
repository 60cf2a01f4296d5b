// SPDX-License-Identifier: MIT
// Kademlia DHT errors (category "kad").
#pragma once

#include "engine/errc.hpp"

namespace pcp::p2p::kad {

enum class errc {
    malformed = 1,         ///< not a valid kad protobuf (bad varint, length past the end, wrong
                           ///< wire type for a known field): drop the message, reset the stream
    too_large,             ///< a message above config::max_message_size: reset the stream
    bad_key,               ///< a key that is empty where one is required, or longer than allowed
    bad_record,            ///< a PUT_VALUE record that is missing, mismatched or fails validation
    unsupported_namespace, ///< a record key outside the namespaces we validate (/pk; /ipns refused)
    bad_request,           ///< a request type we do not serve (or a required field missing)
    store_full,            ///< the provider or record store is at its bound: the request is refused
};

const boost::system::error_category& kad_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), kad_category()};
}

} // namespace pcp::p2p::kad

template <>
struct boost::system::is_error_code_enum<pcp::p2p::kad::errc> : std::true_type {};
