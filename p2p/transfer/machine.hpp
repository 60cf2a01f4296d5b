// SPDX-License-Identifier: MIT
// Sans-I/O machines for the two roles of `/pcp/transfer/1.0.0` (docs/protocols/transfer.md):
// handle_input(bytes) / handle_command (named methods) / poll_transmit(out) / poll_event().
// No clock, no files, no sockets: the glue (service.cpp) spools the manifest, writes files and
// hashes; the machines enforce the conversation order, the limits and the totals. Pure.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/wire.hpp"

namespace pcp::p2p::transfer {

namespace detail {
/// Reassembles frames from arbitrary chunks; buffers at most one partial frame
/// (≤ max_prefix_size + max_message_size bytes) and never takes a byte past a frame.
class frame_reader {
public:
    /// Take bytes from `in` up to the end of the next frame; returns how many were used and sets
    /// `out` when a frame completed.
    [[nodiscard]] result<std::size_t> next(bytes_view in, std::optional<message>& out);
    [[nodiscard]] std::size_t buffered() const noexcept { return partial_.size(); }

private:
    byte_buffer partial_;
};
} // namespace detail

/// Receiver limits (defaults: docs/protocols/transfer.md §Limits).
struct receiver_config {
    std::uint64_t max_entries = std::uint64_t{1} << 22; ///< entries in one offer
    std::uint64_t max_total_bytes = max_file_size;      ///< sum of file sizes
    std::vector<std::string> capabilities;              ///< sent in our hello
    std::string agent;                                  ///< sent in our hello
};

/// What the receiver machine reports to its glue.
struct receiver_event {
    enum class kind {
        hello,    ///< `peer`: the sender's hello (version already checked)
        entry,    ///< `index`, `item`: a validated manifest entry (spool it; check conflicts)
        offer,    ///< `totals`: manifest complete and consistent; call accept() or reject()
        segment,  ///< `segment`: a data header (check it against the spooled entry)
        data,     ///< `bytes`: raw file bytes of the current segment; valid until the next handle_input
        file_end, ///< `index`: the file's last segment is complete; commit, then file_ok()
        done,     ///< the sender sent every file (totals checked); finish() after syncfs
        aborted,  ///< `abort_msg`: the sender gave up
    };
    kind what = kind::hello;
    std::uint64_t index = 0;
    hello peer;
    entry item;
    manifest_end totals;
    data_header segment;
    bytes_view bytes;
    abort abort_msg;
};

/// Phases of the receiver (the same names are used in the spec).
enum class receiver_phase { expect_hello, manifest, decide, data, finishing, closed, failed };

/// The receiving side. Our hello is queued at construction (sent without waiting).
///
/// Manifest validation keeps O(depth) state: counts, totals and the directory stack of the
/// previous entry (pre-order rule: an entry's parent must be a directory on that stack), so a
/// million entries need no more memory than one. The glue keeps what it needs (a spool file).
class receiver_machine {
public:
    explicit receiver_machine(receiver_config cfg = {});

    /// Feed bytes from the sender; consumes at most one frame or one run of raw segment bytes
    /// and returns how many bytes were used (call again with the rest). Drain poll_event() after
    /// every call: a `data` event views `in`. Errors (the machine is failed; send
    /// poll_transmit's abort if any, then close): wire errors, unsupported_version,
    /// unexpected_message, invalid_path, invalid_entry, limit_exceeded, manifest_mismatch,
    /// out_of_order.
    [[nodiscard]] result<std::size_t> handle_input(bytes_view in);
    /// The sender's half-close: ok in closed (after finish()), errc::interrupted otherwise.
    [[nodiscard]] result<void> handle_eof();

    /// Accept the offer (phase decide). v1: every file starts at 0.
    [[nodiscard]] result<void> accept();
    /// Refuse the offer (phase manifest or decide): reject is queued, the machine closes.
    [[nodiscard]] result<void> reject(reject_reason why, std::string message);
    /// Report file `index` written and renamed, with the CRC-32C of what was written. Files are
    /// acknowledged in order, after their file_end event.
    [[nodiscard]] result<void> file_ok(std::uint64_t index, std::uint32_t crc32c);
    /// After the done event and every file_ok: queue `finished` (after syncfs when synced).
    [[nodiscard]] result<void> finish(bool synced);
    /// Give up: queue an abort (unless one was already sent or the machine is closed).
    void fail(abort_code code, std::string message, std::optional<std::uint64_t> file = std::nullopt);

    /// Append bytes to send; false when there is nothing.
    bool poll_transmit(byte_buffer& out);
    /// Next event (at most max_batch_entries + 1 are queued by one handle_input).
    [[nodiscard]] std::optional<receiver_event> poll_event();

    [[nodiscard]] receiver_phase phase() const noexcept { return phase_; }
    [[nodiscard]] const manifest_end& totals() const noexcept { return counted_; }
    /// Raw bytes still expected in the current segment.
    [[nodiscard]] std::uint64_t raw_remaining() const noexcept { return raw_remaining_; }

private:
    result<void> on_message(message&& m);
    result<void> on_entry(entry&& e);
    result<void> on_segment(const data_header& h);
    error_code failure(error_code ec);
    void queue(const message& m);

    receiver_config cfg_;
    receiver_phase phase_ = receiver_phase::expect_hello;
    detail::frame_reader reader_;
    byte_buffer tx_;
    std::deque<receiver_event> events_;
    manifest_end counted_;
    std::string stack_;              // directory path of the pre-order stack ("" = top level)
    std::vector<std::size_t> ends_;  // end offset in stack_ of each stacked directory
    // data phase
    std::optional<std::uint64_t> open_file_; // file whose segments are arriving
    std::optional<std::uint64_t> last_file_; // last completed file
    std::uint64_t file_offset_ = 0;
    std::uint64_t raw_remaining_ = 0;
    bool segment_last_ = false;
    std::uint64_t files_done_ = 0;
    std::uint64_t bytes_done_ = 0;
    std::deque<std::uint64_t> unacked_; // file_end reported, file_ok not yet given
    bool done_seen_ = false;
    bool abort_sent_ = false;
};

/// Sender settings.
struct sender_config {
    std::vector<std::string> capabilities;
    std::string agent;
    std::size_t max_unacked_files = 1024;      ///< files sent but not yet acknowledged
    std::size_t max_batch_bytes = 512 * 1024;  ///< encoded size of one manifest batch
};

/// What the sender machine reports.
struct sender_event {
    enum class kind {
        hello,    ///< `peer`: the receiver's hello
        accepted, ///< the receiver accepted: send the data
        rejected, ///< `reject_msg`: the receiver refused (errc::rejected)
        acked,    ///< `index`: file verified by the receiver (hash equal)
        finished, ///< `synced`: the receiver has everything; the transfer succeeded
        aborted,  ///< `abort_msg`: the receiver gave up
    };
    kind what = kind::hello;
    std::uint64_t index = 0;
    bool synced = false;
    hello peer;
    reject reject_msg;
    abort abort_msg;
};

enum class sender_phase { manifest, await_decision, data, await_finish, closed, failed };

/// The sending side. Our hello is queued at construction.
class sender_machine {
public:
    explicit sender_machine(sender_config cfg = {});

    /// Add the next manifest entry (pre-order; validated like the receiver does). Batches are
    /// queued for poll_transmit as they fill. Errors: invalid_path, invalid_entry, unexpected_message.
    [[nodiscard]] result<void> add_entry(const entry& e);
    /// Flush the last batch and queue manifest_end.
    [[nodiscard]] result<void> end_manifest();

    /// Feed bytes from the receiver (consumes at most one frame; call again with the rest).
    /// Errors: wire errors, unexpected_message, unsupported_version, integrity (a file's hash
    /// differs: the machine queues an abort), manifest_mismatch (an ack for an unknown file).
    [[nodiscard]] result<std::size_t> handle_input(bytes_view in);
    /// The receiver's half-close: ok once finished, errc::interrupted before.
    [[nodiscard]] result<void> handle_eof();

    /// True when another file may be started (fewer than max_unacked_files unacknowledged).
    [[nodiscard]] bool can_send_file() const noexcept { return unacked_.size() < cfg_.max_unacked_files; }
    /// Append the frame of a data header to `out`; the caller then sends h.length raw bytes.
    /// Segments go in manifest order of files, contiguous from offset 0. Errors: unexpected_message.
    [[nodiscard]] result<void> begin_segment(const data_header& h, byte_buffer& out);
    /// Record the CRC-32C of what was read for file `index` (after its last segment).
    [[nodiscard]] result<void> file_sent(std::uint64_t index, std::uint32_t crc32c);
    /// Every file sent: queue done.
    [[nodiscard]] result<void> finish_data();
    /// Give up: queue an abort.
    void fail(abort_code code, std::string message, std::optional<std::uint64_t> file = std::nullopt);

    bool poll_transmit(byte_buffer& out);
    [[nodiscard]] std::optional<sender_event> poll_event();

    [[nodiscard]] sender_phase phase() const noexcept { return phase_; }
    [[nodiscard]] const manifest_end& totals() const noexcept { return totals_; }
    [[nodiscard]] std::size_t unacked() const noexcept { return unacked_.size(); }
    [[nodiscard]] bool peer_hello_seen() const noexcept { return peer_hello_; }

private:
    result<void> on_message(message&& m);
    error_code failure(error_code ec);
    void flush_batch();
    void queue(const message& m);

    sender_config cfg_;
    sender_phase phase_ = sender_phase::manifest;
    detail::frame_reader reader_;
    byte_buffer tx_;
    std::deque<sender_event> events_;
    manifest_batch batch_;
    std::size_t batch_bytes_ = 0;
    manifest_end totals_;
    std::string stack_;
    std::vector<std::size_t> ends_;
    bool peer_hello_ = false;
    std::optional<std::uint64_t> open_file_;
    std::optional<std::uint64_t> last_file_;
    std::uint64_t file_offset_ = 0;
    std::uint64_t files_sent_ = 0;
    std::uint64_t bytes_sent_ = 0;
    struct pending {
        std::uint64_t index;
        std::uint32_t crc32c;
    };
    std::deque<pending> unacked_;
    bool abort_sent_ = false;
};

/// The pre-order rule shared by both machines: `path`'s parent must be the stacked directory
/// path or one of its ancestors; on success the stack becomes that parent (plus `path` when it
/// is a directory). Errors: invalid_entry. Exposed for tests.
[[nodiscard]] result<void> check_preorder(std::string& stack, std::vector<std::size_t>& ends, std::string_view path,
                                          bool is_dir);

} // namespace pcp::p2p::transfer
