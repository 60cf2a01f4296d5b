// SPDX-License-Identifier: MIT
// `/pcp/transfer/1.0.0` messages (docs/protocols/transfer.md): every control message is
// uvarint(len) || Frame, a protobuf with exactly one known field set; a data_header is followed by
// `length` raw bytes that are not framed. Decoding is incremental, total and bounded. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"

namespace pcp::p2p::transfer {

inline constexpr std::string_view protocol_id = "/pcp/transfer/1.0.0";
/// Major version carried in hello; a peer with another version is refused.
inline constexpr std::uint32_t protocol_version = 1;

/// Largest frame body (the uvarint length prefix value).
inline constexpr std::size_t max_message_size = 1024 * 1024;
/// Longest length prefix: 3 bytes cover max_message_size.
inline constexpr std::size_t max_prefix_size = 3;
/// Entries in one manifest batch.
inline constexpr std::size_t max_batch_entries = 1024;
/// Capabilities in one hello, and the size of each; agent string size.
inline constexpr std::size_t max_capabilities = 32;
inline constexpr std::size_t max_capability_size = 64;
inline constexpr std::size_t max_agent_size = 128;
/// Free-text messages (reject, abort).
inline constexpr std::size_t max_text_size = 1024;
/// Start offsets in one accept.
inline constexpr std::size_t max_starts = 16384;
/// Raw bytes behind one data_header (the receiver never buffers them; this bounds a header's reach).
inline constexpr std::uint64_t max_segment_size = 16 * 1024 * 1024;
/// Paths: bytes in total and per component (Linux PATH_MAX / NAME_MAX).
inline constexpr std::size_t max_path_size = 4096;
inline constexpr std::size_t max_component_size = 255;
/// Largest file and largest offer (2^62 bytes: far above any disk, and sums cannot overflow).
inline constexpr std::uint64_t max_file_size = std::uint64_t{1} << 62;

/// Capability names (hello.capabilities). v1 peers send none of these and ignore unknown ones.
inline constexpr std::string_view cap_resume = "resume";
inline constexpr std::string_view cap_aligned_frames = "aligned-frames";

/// Manifest entry kinds. Other values (3 = symlink is reserved) are refused by v1 receivers.
inline constexpr std::uint32_t kind_file = 1;
inline constexpr std::uint32_t kind_directory = 2;
inline constexpr std::uint32_t kind_symlink = 3;

/// Frame field numbers: the field that is set names the message.
enum class message_type : std::uint32_t {
    hello = 1,
    manifest = 2,
    manifest_end = 3,
    accept = 4,
    reject = 5,
    data = 6,
    file_ack = 7,
    done = 8,
    finished = 9,
    abort = 10,
};

/// Both sides, first message.
struct hello {
    std::uint32_t version = protocol_version;     ///< field 1
    std::vector<std::string> capabilities;        ///< field 2 (repeated)
    std::string agent;                            ///< field 3, e.g. "pcp/0.1.0"
    bool operator==(const hello&) const = default;
};

/// One manifest entry.
struct entry {
    std::string path;            ///< field 1: relative, '/'-separated, UTF-8 expected
    std::uint32_t kind = 0;      ///< field 2: kind_file / kind_directory
    std::uint64_t size = 0;      ///< field 3: bytes (0 for directories)
    std::uint32_t mode = 0;      ///< field 4: permission bits (0777 mask applied by receivers)
    std::int64_t mtime_sec = 0;  ///< field 5: Unix seconds (int64, two's complement varint)
    std::uint32_t mtime_nsec = 0;///< field 6: 0..999999999
    bool operator==(const entry&) const = default;
};

/// Sender → receiver, repeated: up to max_batch_entries entries.
struct manifest_batch {
    std::vector<entry> entries; ///< field 1 (repeated Entry)
    bool operator==(const manifest_batch&) const = default;
};

/// Sender → receiver, once: totals over the whole manifest.
struct manifest_end {
    std::uint64_t entries = 0; ///< field 1
    std::uint64_t files = 0;   ///< field 2
    std::uint64_t bytes = 0;   ///< field 3: sum of file sizes
    bool operator==(const manifest_end&) const = default;
};

/// A file's first byte to send (resume); files not listed start at 0.
struct start_offset {
    std::uint64_t file = 0;   ///< field 1: entry index
    std::uint64_t offset = 0; ///< field 2
    bool operator==(const start_offset&) const = default;
};

/// Receiver → sender: go ahead. v1 without "resume": starts is empty.
struct accept {
    std::vector<start_offset> starts; ///< field 1 (repeated)
    bool operator==(const accept&) const = default;
};

/// Why an offer was refused.
enum class reject_reason : std::uint32_t {
    declined = 1,    ///< the user said no
    conflicts = 2,   ///< existing files, no --overwrite
    invalid = 3,     ///< unsafe path or bad entry
    limits = 4,      ///< too many entries or bytes
    unsupported = 5, ///< version or entry kind
};

/// Receiver → sender: no.
struct reject {
    std::uint32_t reason = 0; ///< field 1: reject_reason
    std::string message;      ///< field 2: human-readable (hostile text: escape before display)
    bool operator==(const reject&) const = default;
};

/// Sender → receiver: `length` raw bytes of file `file` at `offset` follow this frame.
struct data_header {
    std::uint64_t file = 0;   ///< field 1: entry index
    std::uint64_t offset = 0; ///< field 2
    std::uint64_t length = 0; ///< field 3: ≤ max_segment_size
    bool last = false;        ///< field 4: the file ends with this segment
    bool operator==(const data_header&) const = default;
};

/// Receiver → sender: file `file` is complete, renamed into place, and this is the CRC-32C of the
/// bytes written (from the start offset to the end). Field 2 (a SHA-256, before 2026-11-25) is
/// retired: an ack without field 3 is refused.
struct file_ack {
    std::uint64_t file = 0;   ///< field 1
    std::uint32_t crc32c = 0; ///< field 3: fixed32
    bool operator==(const file_ack&) const = default;
};

/// Sender → receiver: every file has been sent.
struct done {
    std::uint64_t files = 0; ///< field 1
    std::uint64_t bytes = 0; ///< field 2: data bytes sent (after start offsets)
    bool operator==(const done&) const = default;
};

/// Receiver → sender: everything is written (and synced unless synced = false).
struct finished {
    bool synced = false; ///< field 1
    bool operator==(const finished&) const = default;
};

/// Why a side gave up.
enum class abort_code : std::uint32_t {
    io_error = 1,     ///< disk full, permission denied, read error
    protocol = 2,     ///< the peer broke the protocol
    integrity = 3,    ///< hash mismatch
    cancelled = 4,    ///< the user interrupted
    source_changed = 5,
};

/// Either side: the transfer stops; the sender then closes.
struct abort {
    std::uint32_t code = 0;             ///< field 1: abort_code
    std::string message;                ///< field 2 (hostile text)
    std::optional<std::uint64_t> file;  ///< field 3: the file concerned, if any
    bool operator==(const abort&) const = default;
};

/// A decoded frame. monostate: a frame whose only fields are unknown (ignored, forward compat).
using message = std::variant<std::monostate, hello, manifest_batch, manifest_end, accept, reject, data_header,
                             file_ack, done, finished, abort>;

/// Append uvarint(len) || Frame. Preconditions: the message respects the limits above.
void encode(const message& m, byte_buffer& out);
/// Bytes encode() would append for a data_header (at most max_data_header_size).
inline constexpr std::size_t max_data_header_size = 48;
/// Append one entry's encoded size to a running batch estimate (field key + length + body).
[[nodiscard]] std::size_t encoded_entry_size(const entry& e);

/// Decode one frame from the front of `in`. need_more until a whole frame is there (never
/// reads past it). Errors: malformed, message_too_large, limit_exceeded.
[[nodiscard]] result<decoded<message>> decode(bytes_view in);
/// Decode a Frame body (no prefix).
[[nodiscard]] result<message> decode_body(bytes_view body);

} // namespace pcp::p2p::transfer
