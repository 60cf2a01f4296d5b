// SPDX-License-Identifier: MIT
// receiver_fs in a temporary directory: symlinks planted in the output are never followed,
// nothing is overwritten silently, temporary files disappear on error, modes and mtimes are
// applied; the sender's walk skips symlinks and refuses duplicate names; the spool round-trips.
#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace pcp::p2p::transfer {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
    fs::path path;
    temp_dir()
    {
        std::string t = (fs::temp_directory_path() / "pcp-transfer-XXXXXX").string();
        EXPECT_NE(::mkdtemp(t.data()), nullptr);
        path = t;
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

std::vector<std::string> listing(const fs::path& p)
{
    std::vector<std::string> v;
    for (auto& e : fs::recursive_directory_iterator(p)) {
        v.push_back(e.path().lexically_relative(p).string());
    }
    std::sort(v.begin(), v.end());
    return v;
}

TEST(transfer_fs, writes_a_file_through_a_temp_name_with_mode_and_mtime)
{
    temp_dir t;
    auto r = receiver_fs::open(t.path.string(), false);
    ASSERT_TRUE(r);
    auto& rfs = r.value();
    ASSERT_TRUE(rfs.make_dir("d").value());
    EXPECT_FALSE(rfs.make_dir("d").value()); // existing directory: merged
    auto w = rfs.create_file("d/f.txt");
    ASSERT_TRUE(w);
    EXPECT_TRUE(w.value().temp_name().starts_with(".pcp-"));
    EXPECT_TRUE(w.value().temp_name().ends_with(".part"));
    EXPECT_TRUE(fs::exists(t.path / "d" / w.value().temp_name()));
    EXPECT_FALSE(fs::exists(t.path / "d/f.txt"));
    ASSERT_TRUE(w.value().write(as_bytes("hello")));
    ASSERT_TRUE(w.value().commit(04751, 1234567890, 123456789, false)); // setuid bit dropped
    EXPECT_EQ(slurp(t.path / "d/f.txt"), "hello");
    struct stat st {};
    ASSERT_EQ(::stat((t.path / "d/f.txt").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0751u);
    EXPECT_EQ(st.st_mtim.tv_sec, 1234567890);
    EXPECT_EQ(st.st_mtim.tv_nsec, 123456789);
    ASSERT_TRUE(rfs.set_dir_meta("d", 0750, 1000, 5));
    ASSERT_EQ(::stat((t.path / "d").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    EXPECT_EQ(st.st_mtim.tv_sec, 1000);
    EXPECT_EQ(listing(t.path), (std::vector<std::string>{"d", "d/f.txt"}));
    ASSERT_TRUE(rfs.sync());
}

TEST(transfer_fs, a_planted_symlink_is_never_followed)
{
    temp_dir t;
    temp_dir elsewhere;
    fs::create_directory(t.path / "out");
    fs::create_directory_symlink(elsewhere.path, t.path / "out" / "x");
    auto r = receiver_fs::open((t.path / "out").string(), true);
    ASSERT_TRUE(r);
    auto& rfs = r.value();
    EXPECT_EQ(rfs.check("x", true).value(), conflict::blocked);
    EXPECT_EQ(rfs.check("x/file", false).value(), conflict::blocked);
    EXPECT_FALSE(rfs.make_dir("x"));
    EXPECT_FALSE(rfs.make_dir("x/sub"));
    EXPECT_FALSE(rfs.create_file("x/file"));
    EXPECT_FALSE(rfs.set_dir_meta("x", 0777, 0, 0));
    EXPECT_TRUE(fs::is_empty(elsewhere.path));
    // The fallback path (no openat2) refuses it too.
    auto fd = open_dir_beneath(rfs.root(), "x");
    EXPECT_FALSE(fd);
}

TEST(transfer_fs, a_symlink_as_a_file_is_replaced_only_with_overwrite_and_not_followed)
{
    temp_dir t;
    temp_dir elsewhere;
    std::ofstream(elsewhere.path / "target") << "precious";
    fs::create_symlink(elsewhere.path / "target", t.path / "f");
    {
        auto r = receiver_fs::open(t.path.string(), false);
        ASSERT_TRUE(r);
        EXPECT_EQ(r.value().check("f", false).value(), conflict::existing);
        auto w = r.value().create_file("f");
        ASSERT_TRUE(w);
        ASSERT_TRUE(w.value().write(as_bytes("new")));
        auto c = w.value().commit(0644, 0, 0, false);
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error(), errno_code(EEXIST));
    }
    EXPECT_EQ(listing(t.path), (std::vector<std::string>{"f"})); // temp file gone
    {
        auto r = receiver_fs::open(t.path.string(), true);
        auto w = r.value().create_file("f");
        ASSERT_TRUE(w.value().write(as_bytes("new")));
        ASSERT_TRUE(w.value().commit(0644, 0, 0, true));
    }
    EXPECT_FALSE(fs::is_symlink(t.path / "f"));
    EXPECT_EQ(slurp(t.path / "f"), "new");
    EXPECT_EQ(slurp(elsewhere.path / "target"), "precious");
}

TEST(transfer_fs, existing_files_are_never_overwritten_silently)
{
    temp_dir t;
    std::ofstream(t.path / "a") << "old";
    fs::create_directory(t.path / "dir");
    auto r = receiver_fs::open(t.path.string(), false);
    ASSERT_TRUE(r);
    auto& rfs = r.value();
    EXPECT_EQ(rfs.check("a", false).value(), conflict::existing);
    EXPECT_EQ(rfs.check("a", true).value(), conflict::blocked);   // a directory over a file
    EXPECT_EQ(rfs.check("dir", false).value(), conflict::blocked);// a file over a directory
    EXPECT_EQ(rfs.check("dir", true).value(), conflict::none);    // merge
    EXPECT_EQ(rfs.check("a/b", false).value(), conflict::blocked); // through a file
    EXPECT_EQ(rfs.check("new/deep/x", false).value(), conflict::none);
    auto w = rfs.create_file("a");
    ASSERT_TRUE(w.value().write(as_bytes("new")));
    EXPECT_FALSE(w.value().commit(0644, 0, 0, false));
    EXPECT_EQ(slurp(t.path / "a"), "old");
    auto w2 = rfs.create_file("dir");
    ASSERT_TRUE(w2.value().write(as_bytes("new")));
    EXPECT_FALSE(w2.value().commit(0644, 0, 0, true)); // never a file over a directory
    EXPECT_TRUE(fs::is_directory(t.path / "dir"));
}

TEST(transfer_fs, temp_files_are_removed_when_the_writer_is_dropped)
{
    temp_dir t;
    auto r = receiver_fs::open(t.path.string(), false);
    {
        auto w = r.value().create_file("partial");
        ASSERT_TRUE(w.value().write(as_bytes("half")));
        EXPECT_EQ(listing(t.path).size(), 1u);
    }
    EXPECT_TRUE(fs::is_empty(t.path));
    auto w = r.value().create_file("p2");
    w.value().discard();
    EXPECT_TRUE(fs::is_empty(t.path));
}

TEST(transfer_fs, permission_errors_surface)
{
    temp_dir t;
    auto r = receiver_fs::open(t.path.string(), false);
    ASSERT_TRUE(r.value().make_dir("ro").value());
    ASSERT_TRUE(r.value().set_dir_meta("ro", 0500, 0, 0));
    if (::geteuid() == 0) {
        GTEST_SKIP() << "root ignores directory permissions";
    }
    auto denied = r.value().create_file("ro/f");
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error(), errno_code(EACCES));
}

TEST(transfer_fs, walker_skips_symlinks_and_special_files_and_keeps_empty_things)
{
    temp_dir t;
    auto root = t.path / "tree";
    fs::create_directories(root / "empty_dir");
    fs::create_directories(root / "sub/deeper");
    std::ofstream(root / "empty_file");
    std::ofstream(root / "sub/deeper/x") << "x";
    std::ofstream(root / "naïve ☃.txt") << "u";
    fs::create_symlink("/etc/passwd", root / "link");
    fs::create_directory_symlink("/etc", root / "sub/dirlink");
    ::mkfifo((root / "fifo").c_str(), 0600);
    std::ofstream(t.path / "single") << "s";
    auto w = tree_walker::open({root.string() + "/", (t.path / "single").string()});
    ASSERT_TRUE(w);
    std::vector<skipped_item> skipped;
    std::vector<std::string> seen;
    std::string stack;
    while (true) {
        auto it = w.value().next(skipped);
        ASSERT_TRUE(it);
        if (!it.value()) {
            break;
        }
        seen.push_back(it.value()->item.path + (it.value()->item.kind == kind_directory ? "/" : ""));
        if (it.value()->item.path == "tree/sub/deeper/x") {
            EXPECT_EQ(w.value().source_path(it.value()->item, it.value()->root), (root / "sub/deeper/x").string());
            EXPECT_EQ(it.value()->item.size, 1u);
        }
    }
    EXPECT_EQ(seen.front(), "tree/");
    EXPECT_EQ(seen.back(), "single");
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<std::string>{"single", "tree/", "tree/empty_dir/", "tree/empty_file", "tree/naïve ☃.txt",
                                              "tree/sub/", "tree/sub/deeper/", "tree/sub/deeper/x"}));
    EXPECT_EQ(skipped.size(), 3u);
}

TEST(transfer_fs, walker_refuses_duplicate_names_and_missing_paths)
{
    temp_dir t;
    fs::create_directories(t.path / "a/x");
    fs::create_directories(t.path / "b/x");
    std::string problem;
    auto w = tree_walker::open({(t.path / "a/x").string(), (t.path / "b/x").string()}, &problem);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error(), errc::duplicate_name);
    EXPECT_EQ(problem, "x");
    auto m = tree_walker::open({(t.path / "missing").string()}, &problem);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error(), errno_code(ENOENT));
}

TEST(transfer_fs, spool_round_trips_many_entries)
{
    auto s = entry_spool::create();
    ASSERT_TRUE(s);
    for (std::uint32_t i = 0; i < 20000; ++i) {
        entry e{"p/" + std::to_string(i) + std::string(i % 300, 'z'), kind_file, i, 0644, -static_cast<std::int64_t>(i), i};
        ASSERT_TRUE(s.value().append(e, i * 3));
    }
    for (int pass = 0; pass < 2; ++pass) {
        ASSERT_TRUE(s.value().rewind());
        for (std::uint32_t i = 0; i < 20000; ++i) {
            std::uint32_t tag = 0;
            auto e = s.value().next(&tag);
            ASSERT_TRUE(e);
            ASSERT_TRUE(e.value());
            ASSERT_EQ(e.value()->path, "p/" + std::to_string(i) + std::string(i % 300, 'z'));
            ASSERT_EQ(e.value()->size, i);
            ASSERT_EQ(e.value()->mtime_sec, -static_cast<std::int64_t>(i));
            ASSERT_EQ(tag, i * 3);
        }
        EXPECT_FALSE(s.value().next().value());
    }
}

} // namespace
} // namespace pcp::p2p::transfer
