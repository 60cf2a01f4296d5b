// SPDX-License-Identifier: MIT
#include "p2p/transfer/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/path.hpp"

namespace pcp::p2p::transfer {

// ---------------------------------------------------------------------------------------------
// unique_fd

unique_fd& unique_fd::operator=(unique_fd&& o) noexcept
{
    if (this != &o) {
        reset();
        fd_ = o.release();
    }
    return *this;
}
int unique_fd::release() noexcept
{
    int fd = fd_;
    fd_ = -1;
    return fd;
}
void unique_fd::reset() noexcept
{
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

error_code errno_code(int e) noexcept { return {e, boost::system::system_category()}; }

namespace {
error_code last_error() noexcept { return errno_code(errno); }

/// Split a validated relative path into parent ("" at top) and leaf.
void split(std::string_view rel, std::string_view& parent, std::string_view& leaf)
{
    auto slash = rel.rfind('/');
    if (slash == std::string_view::npos) {
        parent = {};
        leaf = rel;
    } else {
        parent = rel.substr(0, slash);
        leaf = rel.substr(slash + 1);
    }
}

bool openat2_unavailable = false;
} // namespace

// ---------------------------------------------------------------------------------------------
// entry_spool

namespace {
constexpr std::size_t spool_header = 4 + 4 + 8 + 4 + 8 + 4 + 4; // len, kind, size, mode, sec, nsec, tag
constexpr std::size_t spool_buffer = 64 * 1024;

template <class T>
void put(byte_buffer& b, T v)
{
    auto old = b.size();
    b.resize(old + sizeof v);
    std::memcpy(b.data() + old, &v, sizeof v);
}
template <class T>
T get(const std::byte* p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
} // namespace

result<entry_spool> entry_spool::create()
{
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = tmp && *tmp ? tmp : "/tmp";
    entry_spool s;
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::string templ = dir + "/.pcp-spool-XXXXXX";
        fd = ::mkostemp(templ.data(), O_CLOEXEC);
        if (fd < 0) {
            return last_error();
        }
        ::unlink(templ.c_str());
    }
    s.fd_ = unique_fd(fd);
    s.buf_.reserve(spool_buffer);
    return s;
}

result<void> entry_spool::flush()
{
    std::size_t off = 0;
    while (off < buf_.size()) {
        auto n = ::write(fd_.get(), buf_.data() + off, buf_.size() - off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return last_error();
        }
        off += static_cast<std::size_t>(n);
    }
    buf_.clear();
    return ok();
}

result<void> entry_spool::append(const entry& e, std::uint32_t tag)
{
    if (reading_) {
        return make_error_code(errc::unexpected_message);
    }
    put<std::uint32_t>(buf_, static_cast<std::uint32_t>(e.path.size()));
    put<std::uint32_t>(buf_, e.kind);
    put<std::uint64_t>(buf_, e.size);
    put<std::uint32_t>(buf_, e.mode);
    put<std::int64_t>(buf_, e.mtime_sec);
    put<std::uint32_t>(buf_, e.mtime_nsec);
    put<std::uint32_t>(buf_, tag);
    pcp::append(buf_, std::string_view(e.path));
    ++count_;
    if (buf_.size() >= spool_buffer) {
        return flush();
    }
    return ok();
}

result<void> entry_spool::rewind()
{
    if (!reading_) {
        PCP_TRY(flush());
        reading_ = true;
    }
    buf_.clear();
    pos_ = 0;
    file_pos_ = 0;
    return ok();
}

result<bool> entry_spool::fill(std::size_t need)
{
    if (buf_.size() - pos_ >= need) {
        return true;
    }
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
    while (buf_.size() < need) {
        auto old = buf_.size();
        buf_.resize(std::max(need, spool_buffer));
        auto n = ::pread(fd_.get(), buf_.data() + old, buf_.size() - old, static_cast<off_t>(file_pos_));
        if (n < 0) {
            buf_.resize(old);
            if (errno == EINTR) {
                continue;
            }
            return last_error();
        }
        buf_.resize(old + static_cast<std::size_t>(n));
        file_pos_ += static_cast<std::uint64_t>(n);
        if (n == 0) {
            return false;
        }
    }
    return true;
}

result<std::optional<entry>> entry_spool::next(std::uint32_t* tag)
{
    if (!reading_) {
        PCP_TRY(rewind());
    }
    PCP_TRY(auto have, fill(spool_header));
    if (!have) {
        return std::optional<entry>{};
    }
    const std::byte* p = buf_.data() + pos_;
    auto len = get<std::uint32_t>(p);
    entry e;
    e.kind = get<std::uint32_t>(p + 4);
    e.size = get<std::uint64_t>(p + 8);
    e.mode = get<std::uint32_t>(p + 16);
    e.mtime_sec = get<std::int64_t>(p + 20);
    e.mtime_nsec = get<std::uint32_t>(p + 28);
    if (tag) {
        *tag = get<std::uint32_t>(p + 32);
    }
    PCP_TRY(auto full, fill(spool_header + len));
    if (!full) {
        return make_error_code(errc::malformed);
    }
    p = buf_.data() + pos_;
    e.path.assign(reinterpret_cast<const char*>(p + spool_header), len);
    pos_ += spool_header + len;
    return std::optional<entry>(std::move(e));
}

// ---------------------------------------------------------------------------------------------
// safe directory opening

result<unique_fd> open_dir_beneath(int root, std::string_view rel)
{
    if (rel.empty()) {
        int fd = ::fcntl(root, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) {
            return last_error();
        }
        return unique_fd(fd);
    }
    std::string path(rel);
    if (!openat2_unavailable) {
        open_how how{};
        how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
        for (int attempt = 0; attempt < 8; ++attempt) {
            long fd = ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
            if (fd >= 0) {
                return unique_fd(static_cast<int>(fd));
            }
            if (errno == EAGAIN || errno == EINTR) {
                continue; // a concurrent rename; the kernel asks to retry
            }
            if (errno == ENOSYS || errno == EPERM || errno == E2BIG) {
                openat2_unavailable = true; // old kernel or seccomp: fall back below
                break;
            }
            return last_error();
        }
        if (!openat2_unavailable) {
            return errno_code(EAGAIN);
        }
    }
    // Fallback: one component at a time, never following a symlink (components are validated:
    // no "..", no ".", no empty ones).
    int fd = ::fcntl(root, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        return last_error();
    }
    unique_fd cur(fd);
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        std::string comp = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        int next = ::openat(cur.get(), comp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (next < 0) {
            return last_error();
        }
        cur = unique_fd(next);
        if (slash == std::string::npos) {
            break;
        }
        start = slash + 1;
    }
    return cur;
}

// ---------------------------------------------------------------------------------------------
// receiver_fs

result<receiver_fs> receiver_fs::open(const std::string& dir, bool overwrite)
{
    std::string d = dir.empty() ? std::string(".") : dir;
    if (::mkdir(d.c_str(), 0777) != 0 && errno != EEXIST) {
        return last_error();
    }
    int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return last_error();
    }
    receiver_fs fs;
    fs.root_ = unique_fd(fd);
    fs.overwrite_ = overwrite;
    return fs;
}

result<int> receiver_fs::parent_of(std::string_view rel, std::string_view& leaf)
{
    std::string_view parent;
    split(rel, parent, leaf);
    if (parent.empty()) {
        return root_.get();
    }
    if (cached_ && cached_path_ == parent) {
        if (!cached_fd_) {
            return errno_code(ENOENT);
        }
        return cached_fd_.get();
    }
    cached_ = false;
    cached_path_.assign(parent);
    auto fd = open_dir_beneath(root_.get(), parent);
    if (!fd) {
        if (fd.error() != errno_code(ENOENT)) {
            return fd.error();
        }
        cached_fd_.reset();
        cached_ = true; // remember "missing" for consecutive siblings
        return errno_code(ENOENT);
    }
    cached_fd_ = std::move(fd.value());
    cached_ = true;
    return cached_fd_.get();
}

result<conflict> receiver_fs::check(std::string_view rel, bool is_dir)
{
    std::string_view leaf;
    auto parent = parent_of(rel, leaf);
    if (!parent) {
        auto e = parent.error().value();
        if (e == ENOENT) {
            return conflict::none;
        }
        if (e == ELOOP || e == ENOTDIR || e == EXDEV) {
            return conflict::blocked;
        }
        return parent.error();
    }
    struct stat st {};
    std::string name(leaf);
    if (::fstatat(parent.value(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) {
            return conflict::none;
        }
        return last_error();
    }
    if (is_dir) {
        return S_ISDIR(st.st_mode) ? conflict::none : conflict::blocked;
    }
    if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
        return conflict::existing;
    }
    return conflict::blocked;
}

result<bool> receiver_fs::make_dir(std::string_view rel)
{
    std::string_view leaf;
    PCP_TRY(auto parent, parent_of(rel, leaf));
    std::string name(leaf);
    if (::mkdirat(parent, name.c_str(), 0700) == 0) {
        if (cached_ && cached_path_ == rel) {
            cached_ = false; // it exists now
        }
        return true;
    }
    if (errno != EEXIST) {
        return last_error();
    }
    struct stat st {};
    if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return last_error();
    }
    if (!S_ISDIR(st.st_mode)) {
        return errno_code(EEXIST);
    }
    return false;
}

result<file_writer> receiver_fs::create_file(std::string_view rel)
{
    std::string_view leaf;
    PCP_TRY(auto parent, parent_of(rel, leaf));
    file_writer w;
    int dfd = ::fcntl(parent, F_DUPFD_CLOEXEC, 0);
    if (dfd < 0) {
        return last_error();
    }
    w.dir_ = unique_fd(dfd);
    w.final_.assign(leaf);
    for (int attempt = 0; attempt < 16; ++attempt) {
        std::array<std::byte, 8> rnd{};
        if (::getrandom(rnd.data(), rnd.size(), 0) != static_cast<ssize_t>(rnd.size())) {
            return last_error();
        }
        w.temp_ = ".pcp-" + to_hex(rnd) + ".part";
        int fd = ::openat(w.dir_.get(), w.temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            w.fd_ = unique_fd(fd);
            return w;
        }
        if (errno != EEXIST) {
            w.temp_.clear();
            return last_error();
        }
    }
    w.temp_.clear();
    return errno_code(EEXIST);
}

result<void> receiver_fs::set_dir_meta(std::string_view rel, std::uint32_t mode, std::int64_t sec, std::uint32_t nsec)
{
    PCP_TRY(auto fd, open_dir_beneath(root_.get(), rel));
    if (::fchmod(fd.get(), mode & 0777) != 0) {
        return last_error();
    }
    timespec ts[2] = {{static_cast<time_t>(sec), static_cast<long>(nsec)}, {static_cast<time_t>(sec), static_cast<long>(nsec)}};
    if (::futimens(fd.get(), ts) != 0) {
        return last_error();
    }
    return ok();
}

result<void> receiver_fs::sync()
{
    if (::syncfs(root_.get()) != 0) {
        return last_error();
    }
    return ok();
}

// ---------------------------------------------------------------------------------------------
// file_writer

file_writer::file_writer(file_writer&& o) noexcept
    : dir_(std::move(o.dir_)), fd_(std::move(o.fd_)), temp_(std::move(o.temp_)), final_(std::move(o.final_)),
      offset_(o.offset_)
{
    o.temp_.clear();
}

file_writer& file_writer::operator=(file_writer&& o) noexcept
{
    if (this != &o) {
        discard();
        dir_ = std::move(o.dir_);
        fd_ = std::move(o.fd_);
        temp_ = std::move(o.temp_);
        final_ = std::move(o.final_);
        offset_ = o.offset_;
        o.temp_.clear();
    }
    return *this;
}

result<void> file_writer::write(bytes_view b)
{
    while (!b.empty()) {
        auto n = ::pwrite(fd_.get(), b.data(), b.size(), static_cast<off_t>(offset_));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return last_error();
        }
        offset_ += static_cast<std::uint64_t>(n);
        b = b.subspan(static_cast<std::size_t>(n));
    }
    return ok();
}

result<void> file_writer::commit(std::uint32_t mode, std::int64_t sec, std::uint32_t nsec, bool overwrite)
{
    if (::fchmod(fd_.get(), mode & 0777) != 0) {
        return last_error();
    }
    timespec ts[2] = {{static_cast<time_t>(sec), static_cast<long>(nsec)}, {static_cast<time_t>(sec), static_cast<long>(nsec)}};
    if (::futimens(fd_.get(), ts) != 0) {
        return last_error();
    }
    if (::close(fd_.release()) != 0) {
        return last_error(); // delayed write errors (NFS, quota) surface here
    }
    int rc = ::renameat2(dir_.get(), temp_.c_str(), dir_.get(), final_.c_str(), overwrite ? 0 : RENAME_NOREPLACE);
    if (rc != 0 && !overwrite && (errno == EINVAL || errno == ENOSYS)) {
        // The filesystem has no RENAME_NOREPLACE: link() fails on an existing name too.
        rc = ::linkat(dir_.get(), temp_.c_str(), dir_.get(), final_.c_str(), 0);
        if (rc == 0) {
            ::unlinkat(dir_.get(), temp_.c_str(), 0);
        }
    }
    if (rc != 0) {
        return last_error();
    }
    temp_.clear();
    return ok();
}

void file_writer::discard() noexcept
{
    fd_.reset();
    if (!temp_.empty() && dir_) {
        ::unlinkat(dir_.get(), temp_.c_str(), 0);
    }
    temp_.clear();
}

// ---------------------------------------------------------------------------------------------
// tree_walker

void fill_meta(entry& e, std::uint32_t st_mode, std::int64_t sec, std::int64_t nsec)
{
    e.mode = st_mode & 0777;
    e.mtime_sec = sec;
    e.mtime_nsec = static_cast<std::uint32_t>(nsec);
}

namespace {
std::string base_name(std::string p)
{
    while (p.size() > 1 && p.back() == '/') {
        p.pop_back();
    }
    auto slash = p.rfind('/');
    std::string b = slash == std::string::npos ? p : p.substr(slash + 1);
    if (b.empty() || b == "." || b == ".." || b == "/") {
        char* real = ::realpath(p.c_str(), nullptr);
        if (!real) {
            return {};
        }
        std::string r(real);
        std::free(real);
        auto s = r.rfind('/');
        b = s == std::string::npos ? r : r.substr(s + 1);
    }
    return b;
}
} // namespace

tree_walker::tree_walker(tree_walker&& o) noexcept
    : roots_(std::move(o.roots_)), names_(std::move(o.names_)), next_root_(o.next_root_), stack_(std::move(o.stack_)),
      cur_root_(o.cur_root_)
{
    o.stack_.clear();
}

tree_walker& tree_walker::operator=(tree_walker&& o) noexcept
{
    if (this != &o) {
        close_all();
        roots_ = std::move(o.roots_);
        names_ = std::move(o.names_);
        next_root_ = o.next_root_;
        stack_ = std::move(o.stack_);
        cur_root_ = o.cur_root_;
        o.stack_.clear();
    }
    return *this;
}

tree_walker::~tree_walker() { close_all(); }

void tree_walker::close_all() noexcept
{
    for (auto& f : stack_) {
        if (f.dir) {
            ::closedir(static_cast<DIR*>(f.dir));
        }
    }
    stack_.clear();
}

result<tree_walker> tree_walker::open(const std::vector<std::string>& paths, std::string* problem)
{
    tree_walker w;
    std::set<std::string> seen;
    for (const auto& p : paths) {
        auto name = base_name(p);
        if (name.empty() || !validate_path(name)) {
            if (problem) {
                *problem = p;
            }
            return make_error_code(errc::bad_source);
        }
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0) {
            if (problem) {
                *problem = p;
            }
            return last_error();
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            if (problem) {
                *problem = p;
            }
            return make_error_code(errc::bad_source);
        }
        if (!seen.insert(name).second) {
            if (problem) {
                *problem = name;
            }
            return make_error_code(errc::duplicate_name);
        }
        std::string root = p;
        while (root.size() > 1 && root.back() == '/') {
            root.pop_back();
        }
        w.roots_.push_back(std::move(root));
        w.names_.push_back(std::move(name));
    }
    return w;
}

std::string tree_walker::source_path(const entry& e, std::uint32_t root) const
{
    const auto& name = names_.at(root);
    return roots_.at(root) + e.path.substr(name.size());
}

result<std::optional<source_item>> tree_walker::next(std::vector<skipped_item>& skipped)
{
    while (true) {
        if (stack_.empty()) {
            if (next_root_ >= roots_.size()) {
                return std::optional<source_item>{};
            }
            auto i = next_root_++;
            struct stat st {};
            if (::stat(roots_[i].c_str(), &st) != 0) {
                return last_error();
            }
            source_item it;
            it.root = static_cast<std::uint32_t>(i);
            it.item.path = names_[i];
            fill_meta(it.item, st.st_mode, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
            if (S_ISREG(st.st_mode)) {
                it.item.kind = kind_file;
                it.item.size = static_cast<std::uint64_t>(st.st_size);
                return std::optional<source_item>(std::move(it));
            }
            if (!S_ISDIR(st.st_mode)) {
                return make_error_code(errc::bad_source);
            }
            it.item.kind = kind_directory;
            DIR* d = ::opendir(roots_[i].c_str());
            if (!d) {
                return last_error();
            }
            cur_root_ = it.root;
            stack_.push_back(frame{d, names_[i]});
            return std::optional<source_item>(std::move(it));
        }
        auto& top = stack_.back();
        DIR* d = static_cast<DIR*>(top.dir);
        errno = 0;
        dirent* de = ::readdir(d);
        if (!de) {
            if (errno != 0) {
                return last_error();
            }
            ::closedir(d);
            stack_.pop_back();
            continue;
        }
        std::string_view nm(de->d_name);
        if (nm == "." || nm == "..") {
            continue;
        }
        std::string rel = top.rel + "/" + std::string(nm);
        struct stat st {};
        if (::fstatat(::dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT) {
                continue; // vanished since readdir
            }
            return last_error();
        }
        if (S_ISLNK(st.st_mode)) {
            skipped.push_back({rel, "symbolic link (not followed)"});
            continue;
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            skipped.push_back({rel, "special file"});
            continue;
        }
        if (!validate_path(rel)) {
            skipped.push_back({rel, "name cannot be sent (backslash, or path too long)"});
            continue;
        }
        source_item it;
        it.root = cur_root_;
        it.item.path = rel;
        fill_meta(it.item, st.st_mode, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        if (S_ISREG(st.st_mode)) {
            it.item.kind = kind_file;
            it.item.size = static_cast<std::uint64_t>(st.st_size);
            return std::optional<source_item>(std::move(it));
        }
        it.item.kind = kind_directory;
        if (stack_.size() >= max_walk_depth) {
            return make_error_code(errc::bad_source);
        }
        int fd = ::openat(::dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            skipped.push_back({rel, std::string("cannot open directory: ") + std::strerror(errno)});
            continue;
        }
        DIR* sub = ::fdopendir(fd);
        if (!sub) {
            ::close(fd);
            return last_error();
        }
        stack_.push_back(frame{sub, rel}); // `top` is invalid from here
        return std::optional<source_item>(std::move(it));
    }
}

} // namespace pcp::p2p::transfer
