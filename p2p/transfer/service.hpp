// SPDX-License-Identifier: MIT
// Coroutine glue for `/pcp/transfer/1.0.0` (docs/protocols/transfer.md): send() walks PATHs,
// streams the manifest and the files; receive() validates, prompts, writes beneath the output
// directory, acknowledges every file with its SHA-256 and syncs once. The caller has already
// opened the stream (the receiver dials the sender after the PAKE) and negotiated the protocol.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/task.hpp"
#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/machine.hpp"
#include "transport/stream.hpp"

namespace pcp::p2p::transfer {

/// Names listed at most in an offer (top-level names, conflicts); the counts are exact.
inline constexpr std::size_t max_listed = 20;

/// What the receiver is asked to accept. Every string is already escaped for display.
struct offer {
    std::uint64_t entries = 0;
    std::uint64_t files = 0;
    std::uint64_t directories = 0;
    std::uint64_t bytes = 0;
    std::vector<std::string> top_level;  ///< first max_listed top-level names
    std::uint64_t top_level_count = 0;
    std::vector<std::string> conflicts;  ///< first max_listed paths that already exist
    std::uint64_t conflict_count = 0;
    bool blocked = false;                ///< some conflict cannot be overwritten at all
    bool overwrite = false;              ///< conflicts will be replaced (--overwrite)
    std::string agent;                   ///< the sender's agent string
};

/// The receiver's decision, implemented by the CLI (a TTY question, or --yes). Called at most
/// once, after the whole manifest was validated, and never when the offer has conflicts that are
/// not allowed (the transfer is then refused with errc::conflicts without asking).
class prompt {
public:
    virtual ~prompt() = default;
    /// true: accept. Cancelling the caller cancels this too.
    [[nodiscard]] virtual task<bool> confirm(const offer& o) = 0;
};

/// --yes.
class accept_all final : public prompt {
public:
    [[nodiscard]] task<bool> confirm(const offer&) override { co_return true; }
};

/// Progress for bars and --json.
struct progress {
    std::uint64_t bytes_done = 0;
    std::uint64_t bytes_total = 0;
    std::uint64_t files_done = 0;
    std::uint64_t files_total = 0;
};

/// A file completed: written and renamed (receiver), or verified by the receiver (sender).
struct file_done {
    std::uint64_t index = 0;  ///< manifest index
    std::string path;         ///< escaped
    std::uint64_t size = 0;
};

/// Observer of a transfer. Called on the stream's executor; keep it quick. Default: ignore.
class event_sink {
public:
    virtual ~event_sink() = default;
    /// Receiver: the validated offer, before the prompt (also when it is refused for conflicts).
    /// Sender: its own summary once the manifest is sent.
    virtual void on_offer(const offer&) {}
    /// After every chunk (sender) or read (receiver).
    virtual void on_progress(const progress&) {}
    virtual void on_file_done(const file_done&) {}
    /// Sender: a path left out (symlink, special file, unsendable name); path escaped.
    virtual void on_skipped(const std::string& path, const std::string& reason) {}
    /// Human-readable detail of the error about to be returned (escaped; e.g. the path and
    /// strerror, or the other side's abort/reject message).
    virtual void on_error(const std::string& message) {}
};

struct send_options {
    std::vector<std::string> paths;     ///< PATH arguments (files or directories)
    std::size_t chunk_size = 256 * 1024;///< bytes read and written per data segment
    std::string agent = "pcp";          ///< sent in hello
    std::size_t max_unacked_files = 1024;
};

struct send_summary {
    std::uint64_t files = 0;
    std::uint64_t directories = 0;
    std::uint64_t bytes = 0;
    std::uint64_t skipped = 0;
    bool receiver_synced = false; ///< the receiver ran syncfs before answering
};

struct receive_options {
    std::string output_dir = ".";   ///< -o; created when missing (one level)
    bool overwrite = false;         ///< --overwrite: replace existing files (never directories)
    bool sync = true;               ///< false: --no-sync (no syncfs)
    bool discard_data = false;      ///< PCP_BENCH_SINK=discard: hash and drop, write nothing
    receiver_config limits;         ///< max_entries, max_total_bytes
    std::string agent = "pcp";
};

struct receive_summary {
    std::uint64_t files = 0;
    std::uint64_t directories = 0;
    std::uint64_t bytes = 0;
    bool synced = false;
};

/// Sender role. Errors: bad_source, duplicate_name (before anything is written to the stream);
/// rejected (exit 5); interrupted, integrity, peer_aborted (exit 6); source_changed and system
/// errors for local read failures (the receiver is told with an abort). Details go to on_error.
[[nodiscard]] task<result<send_summary>> send(transport::stream& s, const send_options& opts, event_sink& sink);

/// Receiver role. Errors: conflicts, declined (nothing written), protocol errors from the machine
/// (the sender is told), interrupted / integrity / peer_aborted (exit 6), system errors (disk
/// full, permission; temp file removed, completed files kept). Cancelling removes the temp file.
[[nodiscard]] task<result<receive_summary>> receive(transport::stream& s, const receive_options& opts, prompt& ask,
                                                     event_sink& sink);

} // namespace pcp::p2p::transfer
