// SPDX-License-Identifier: MIT
// Filesystem side of the transfer (docs/protocols/transfer.md §Receiver safety, §Sender): plain
// Linux syscalls, no Asio. receiver_fs writes beneath one output directory and never follows a
// symlink; tree_walker walks PATH arguments without following symlinks inside trees; entry_spool
// keeps a manifest on disk so a million entries need bounded memory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/transfer/wire.hpp"

namespace pcp::p2p::transfer {

/// An owned file descriptor.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
    unique_fd& operator=(unique_fd&& o) noexcept;
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }
    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept;
    void reset() noexcept;

private:
    int fd_ = -1;
};

/// errno as an error_code (system category).
[[nodiscard]] error_code errno_code(int e) noexcept;

/// An unlinked temporary file of fixed-layout records (entry + one 32-bit tag), written once in
/// order, then read back in order any number of times. Buffered (64 KiB); memory does not grow
/// with the number of entries.
class entry_spool {
public:
    /// Create it in $TMPDIR (or /tmp), O_TMPFILE when the filesystem allows.
    [[nodiscard]] static result<entry_spool> create();
    entry_spool(entry_spool&&) noexcept = default;
    entry_spool& operator=(entry_spool&&) noexcept = default;

    [[nodiscard]] result<void> append(const entry& e, std::uint32_t tag = 0);
    /// Flush and start reading from the first record.
    [[nodiscard]] result<void> rewind();
    /// The next record, nullopt at the end.
    [[nodiscard]] result<std::optional<entry>> next(std::uint32_t* tag = nullptr);
    [[nodiscard]] std::uint64_t size() const noexcept { return count_; }

private:
    entry_spool() = default;
    result<void> flush();
    result<bool> fill(std::size_t need);
    unique_fd fd_;
    byte_buffer buf_;
    std::size_t pos_ = 0;       // read position in buf_
    std::uint64_t file_pos_ = 0;// read position in the file
    std::uint64_t count_ = 0;
    bool reading_ = false;
};

/// What exists at a manifest path in the output directory (prompt-time check).
enum class conflict {
    none,     ///< nothing there (or a directory where a directory is offered: merged)
    existing, ///< a regular file or a symlink where a file is offered: replaced only with --overwrite
    blocked,  ///< cannot be written at all: a directory where a file is offered, a file where a
              ///< directory is offered, a special file, or a symlink / non-directory on the way
};

/// Open a directory beneath `root` without following any symlink (openat2 RESOLVE_BENEATH |
/// RESOLVE_NO_SYMLINKS, else openat O_NOFOLLOW per component). `rel` is validated or empty.
[[nodiscard]] result<unique_fd> open_dir_beneath(int root, std::string_view rel);

class file_writer;

/// All writes beneath one output directory. Paths passed in must have passed validate_path().
class receiver_fs {
public:
    /// Open the output directory (created if missing; the user's own path may be a symlink).
    [[nodiscard]] static result<receiver_fs> open(const std::string& dir, bool overwrite);
    receiver_fs(receiver_fs&&) noexcept = default;
    receiver_fs& operator=(receiver_fs&&) noexcept = default;

    /// What is at `rel` (no writes). Errors only for unexpected I/O failures.
    [[nodiscard]] result<conflict> check(std::string_view rel, bool is_dir);
    /// mkdirat (mode 0700 until set_dir_meta); true when created, false when a directory was
    /// already there. A non-directory there: EEXIST; a symlink on the way: ELOOP/ENOTDIR.
    [[nodiscard]] result<bool> make_dir(std::string_view rel);
    /// A temporary `.pcp-<random>.part` file in `rel`'s directory (O_EXCL|O_NOFOLLOW, mode 0600).
    [[nodiscard]] result<file_writer> create_file(std::string_view rel);
    /// Apply permission bits (mode & 0777) and mtime to a directory (no symlink followed).
    [[nodiscard]] result<void> set_dir_meta(std::string_view rel, std::uint32_t mode, std::int64_t sec, std::uint32_t nsec);
    /// One syncfs on the output directory's filesystem.
    [[nodiscard]] result<void> sync();
    [[nodiscard]] int root() const noexcept { return root_.get(); }
    [[nodiscard]] bool overwrite() const noexcept { return overwrite_; }

private:
    receiver_fs() = default;
    /// The directory fd for rel's parent (cached for consecutive entries) and rel's last component.
    result<int> parent_of(std::string_view rel, std::string_view& leaf);
    unique_fd root_;
    bool overwrite_ = false;
    std::string cached_path_;
    unique_fd cached_fd_;
    bool cached_ = false;
};

/// A file being received under a temporary name. Destroying it without commit() removes the
/// temporary file (so a cancelled coroutine leaves no half-written file).
class file_writer {
public:
    file_writer(file_writer&& o) noexcept;
    file_writer& operator=(file_writer&& o) noexcept;
    file_writer(const file_writer&) = delete;
    file_writer& operator=(const file_writer&) = delete;
    ~file_writer() { discard(); }

    /// Append bytes (pwrite loop at the current offset). ENOSPC etc. as system errors.
    [[nodiscard]] result<void> write(bytes_view b);
    /// fchmod(mode & 0777), futimens(mtime), then rename to the final name: renameat2
    /// RENAME_NOREPLACE (EEXIST when something appeared there) unless overwrite.
    [[nodiscard]] result<void> commit(std::uint32_t mode, std::int64_t sec, std::uint32_t nsec, bool overwrite);
    /// Remove the temporary file (idempotent).
    void discard() noexcept;
    [[nodiscard]] std::uint64_t written() const noexcept { return offset_; }
    [[nodiscard]] const std::string& temp_name() const noexcept { return temp_; }

private:
    friend class receiver_fs;
    file_writer() = default;
    unique_fd dir_;
    unique_fd fd_;
    std::string temp_;
    std::string final_;
    std::uint64_t offset_ = 0;
};

/// One item of a sender's walk.
struct source_item {
    entry item;           ///< relative path (top-level name first), kind, size, mode, mtime
    std::uint32_t root = 0; ///< index of the PATH argument it came from
};

/// Something the walk left out (symlinks, special files, unsendable names, unreadable dirs).
struct skipped_item {
    std::string path;   ///< the local path, raw (escape before display)
    std::string reason;
};

/// Walks PATH arguments in pre-order with a stack of open directories (depth ≤ max_walk_depth):
/// memory is O(depth), not O(tree). Top-level PATHs are resolved (a symlink given on the command
/// line is followed); symlinks inside trees are never followed (skipped). Directory order is the
/// kernel's readdir order.
class tree_walker {
public:
    /// Deepest directory nesting below a PATH (each level holds one open directory).
    static constexpr std::size_t max_walk_depth = 256;

    /// Check every PATH (exists, regular file or directory, has a base name) and that base names
    /// are unique. Errors: bad_source, duplicate_name (the offending name via `problem`).
    [[nodiscard]] static result<tree_walker> open(const std::vector<std::string>& paths, std::string* problem = nullptr);
    tree_walker(tree_walker&&) noexcept;
    tree_walker& operator=(tree_walker&&) noexcept;
    ~tree_walker();

    /// The next entry; skipped ones are appended to `skipped`. nullopt at the end.
    /// Errors: bad_source (a directory deeper than max_walk_depth), system errors.
    [[nodiscard]] result<std::optional<source_item>> next(std::vector<skipped_item>& skipped);

    /// The local path of an item (for reading its data).
    [[nodiscard]] std::string source_path(const entry& e, std::uint32_t root) const;
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

private:
    tree_walker() = default;
    struct frame {
        void* dir = nullptr; // DIR*
        std::string rel;
    };
    void close_all() noexcept;
    std::vector<std::string> roots_; // as given (trailing '/' removed)
    std::vector<std::string> names_; // top-level names
    std::size_t next_root_ = 0;
    std::vector<frame> stack_;
    std::uint32_t cur_root_ = 0;
};

/// Fill `e`'s kind-independent metadata (mode & 0777, mtime) from a stat buffer; for tests too.
void fill_meta(entry& e, std::uint32_t st_mode, std::int64_t sec, std::int64_t nsec);

} // namespace pcp::p2p::transfer
