// SPDX-License-Identifier: MIT
// Transfer errors (category "transfer"), docs/protocols/transfer.md §Errors. The CLI maps
// rejected → exit 5, interrupted / integrity / peer_aborted → exit 6, the rest → exit 1.
#pragma once

#include "engine/errc.hpp"

namespace pcp::p2p::transfer {

enum class errc {
    malformed = 1,        ///< not a valid frame or protobuf
    message_too_large,    ///< a frame above max_message_size
    limit_exceeded,       ///< a configured bound was hit (entries, bytes, strings, depth)
    unsupported_version,  ///< the peer's hello carries another major version
    unexpected_message,   ///< a message that is not allowed in the current phase
    invalid_path,         ///< a manifest path that is not a safe relative path
    invalid_entry,        ///< a manifest entry with an unsupported kind or inconsistent fields
    manifest_mismatch,    ///< manifest_end / done totals differ from what was received
    out_of_order,         ///< a data segment for the wrong file or at the wrong offset
    rejected,             ///< sender: the receiver declined the offer (exit 5)
    declined,             ///< receiver: the local user declined the offer
    conflicts,            ///< receiver: existing files would be overwritten (no --overwrite)
    interrupted,          ///< the stream broke or ended before the transfer finished (exit 6)
    integrity,            ///< a file's SHA-256 differs between the two ends (exit 6)
    peer_aborted,         ///< the other side sent abort (its message goes to the event sink)
    source_changed,       ///< sender: a file shrank or vanished while it was being sent
    duplicate_name,       ///< sender: two PATH arguments have the same base name
    bad_source,           ///< sender: a PATH cannot be sent (missing, special file, no name)
    cancelled,            ///< the local side gave up (Ctrl-C): temporary files were removed
};

const boost::system::error_category& transfer_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), transfer_category()};
}

} // namespace pcp::p2p::transfer

template <>
struct boost::system::is_error_code_enum<pcp::p2p::transfer::errc> : std::true_type {};
