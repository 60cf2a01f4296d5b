// SPDX-License-Identifier: MIT
// send() → receive() over an in-memory stream pair on a real core_pool: a generated tree compared
// byte for byte with modes and mtimes; decline and conflict paths; a hostile sender speaking the
// wire format directly (traversal, absolute paths, symlink escape, oversized manifests); a
// stream cut mid-file.
#include "engine/cancel.hpp"
#include "engine/core_pool.hpp"
#include "p2p/transfer/fs.hpp"
#include "p2p/transfer/service.hpp"
#include "transport/memory/memory_stream.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace pcp::p2p::transfer {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
    fs::path path;
    temp_dir()
    {
        std::string t = (fs::temp_directory_path() / "pcp-xfer-XXXXXX").string();
        EXPECT_NE(::mkdtemp(t.data()), nullptr);
        path = t;
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

struct recording_sink final : event_sink {
    std::vector<offer> offers;
    std::vector<file_done> done;
    std::vector<std::string> errors;
    std::vector<std::string> skipped;
    progress last;
    void on_offer(const offer& o) override { offers.push_back(o); }
    void on_progress(const progress& p) override { last = p; }
    void on_file_done(const file_done& f) override { done.push_back(f); }
    void on_skipped(const std::string& p, const std::string& r) override { skipped.push_back(p + ": " + r); }
    void on_error(const std::string& m) override { errors.push_back(m); }
};

struct scripted_prompt final : prompt {
    bool answer = true;
    int calls = 0;
    task<bool> confirm(const offer&) override
    {
        ++calls;
        co_return answer;
    }
};

struct outcome {
    std::optional<result<send_summary>> sent;
    std::optional<result<receive_summary>> received;
    int finished = 0;
};

task<void> run_send(std::unique_ptr<transport::stream> s, const send_options& o, recording_sink& sink, outcome& out,
                    engine::core_pool& pool)
{
    auto r = co_await send(*s, o, sink);
    out.sent.emplace(std::move(r));
    s.reset();
    if (++out.finished == 2) {
        pool.stop();
    }
}

task<void> run_receive(std::unique_ptr<transport::stream> s, const receive_options& o, prompt& ask, recording_sink& sink,
                       outcome& out, engine::core_pool& pool)
{
    auto r = co_await receive(*s, o, ask, sink);
    out.received.emplace(std::move(r));
    s.reset();
    if (++out.finished == 2) {
        pool.stop();
    }
}

task<void> watchdog(engine::core_pool& pool)
{
    auto e = co_await engine::sleep_for(std::chrono::seconds(120));
    (void)e;
    pool.stop();
}

/// Run one transfer with both ends on one core (the counter above is not atomic).
outcome transfer(const send_options& so, const receive_options& ro, prompt& ask, recording_sink& ssink,
                 recording_sink& rsink)
{
    engine::core_pool pool({.cores = 1});
    auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(0));
    outcome out;
    asio::co_spawn(pool.executor(0), watchdog(pool), asio::detached);
    asio::co_spawn(pool.executor(0), run_receive(std::move(a), ro, ask, rsink, out, pool), asio::detached);
    asio::co_spawn(pool.executor(0), run_send(std::move(b), so, ssink, out, pool), asio::detached);
    pool.run();
    pool.join();
    return out;
}

void write_file(const fs::path& p, const std::string& data, fs::perms mode, std::int64_t mtime)
{
    std::ofstream(p, std::ios::binary) << data;
    fs::permissions(p, mode);
    timespec ts[2] = {{mtime, 0}, {mtime, 0}};
    ::utimensat(AT_FDCWD, p.c_str(), ts, 0);
}

void set_mtime(const fs::path& p, std::int64_t sec, long nsec)
{
    timespec ts[2] = {{sec, nsec}, {sec, nsec}};
    ::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW);
}

std::string slurp(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

/// Every path beneath `root` with type, permission bits, mtime and content.
std::map<std::string, std::string> snapshot(const fs::path& root)
{
    std::map<std::string, std::string> m;
    for (auto& e : fs::recursive_directory_iterator(root)) {
        struct stat st {};
        ::lstat(e.path().c_str(), &st);
        std::string desc = (S_ISDIR(st.st_mode) ? "d " : S_ISREG(st.st_mode) ? "f " : "? ") +
                           std::to_string(st.st_mode & 07777) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                           std::to_string(st.st_mtim.tv_nsec);
        if (S_ISREG(st.st_mode)) {
            desc += " " + std::to_string(st.st_size) + " " + std::to_string(std::hash<std::string>{}(slurp(e.path())));
        }
        m[e.path().lexically_relative(root).string()] = desc;
    }
    return m;
}

fs::path make_tree(const fs::path& base)
{
    auto root = base / "tree";
    fs::create_directories(root / "empty_dir");
    fs::create_directories(root / "a/b/c");
    fs::create_directories(root / "many");
    write_file(root / "empty_file", "", fs::perms::owner_read | fs::perms::owner_write, 1600000000);
    write_file(root / "ünï ☃ 日本.txt", "unicode", fs::perms(0640), 1600000001);
    write_file(root / "a/b/c/deep", "deep file", fs::perms(0755), 1600000002);
    std::mt19937_64 rng(42);
    std::string big(5 * 1024 * 1024 + 123, '\0');
    for (auto& ch : big) {
        ch = static_cast<char>(rng());
    }
    write_file(root / "a/big.bin", big, fs::perms(0600), 1600000003);
    for (int i = 0; i < 2000; ++i) {
        std::string data(static_cast<std::size_t>(rng() % 3000), static_cast<char>('a' + i % 26));
        write_file(root / "many" / ("f" + std::to_string(i)), data, fs::perms(0644), 1600000100 + i);
    }
    fs::permissions(root / "a/b", fs::perms(0750));
    set_mtime(root / "a/b", 1500000000, 5);
    set_mtime(root / "empty_dir", 1500000001, 0);
    set_mtime(root / "many", 1500000002, 0);
    set_mtime(root / "a/b/c", 1500000003, 0);
    set_mtime(root / "a", 1500000004, 0);
    set_mtime(root, 1500000005, 0);
    return root;
}

TEST(transfer_service, a_tree_arrives_identical_with_modes_and_mtimes)
{
    temp_dir src;
    temp_dir dst;
    auto root = make_tree(src.path);
    write_file(src.path / "single.txt", "single", fs::perms(0604), 1400000000);
    send_options so;
    so.paths = {root.string(), (src.path / "single.txt").string()};
    so.chunk_size = 64 * 1024; // several segments for the big file
    so.max_unacked_files = 64; // exercise the ack window
    receive_options ro;
    ro.output_dir = (dst.path / "out").string(); // created
    scripted_prompt ask;
    recording_sink ss;
    recording_sink rs;
    auto out = transfer(so, ro, ask, ss, rs);
    ASSERT_TRUE(out.sent && out.received);
    ASSERT_TRUE(*out.sent) << out.sent->error().message() << (ss.errors.empty() ? "" : ss.errors[0]);
    ASSERT_TRUE(*out.received) << out.received->error().message() << (rs.errors.empty() ? "" : rs.errors[0]);
    EXPECT_EQ(ask.calls, 1);
    auto& sum = out.received->value();
    EXPECT_EQ(sum.files, 2000u + 5);
    EXPECT_EQ(sum.directories, 6u);
    EXPECT_TRUE(sum.synced);
    EXPECT_TRUE(out.sent->value().receiver_synced);
    EXPECT_EQ(out.sent->value().files, sum.files);
    EXPECT_EQ(out.sent->value().bytes, sum.bytes);
    ASSERT_EQ(rs.offers.size(), 1u);
    EXPECT_EQ(rs.offers[0].top_level, (std::vector<std::string>{"tree", "single.txt"}));
    EXPECT_EQ(rs.offers[0].conflict_count, 0u);
    EXPECT_EQ(ss.done.size(), sum.files);
    EXPECT_EQ(rs.done.size(), sum.files);
    EXPECT_EQ(rs.last.bytes_done, sum.bytes);
    auto out_dir = dst.path / "out";
    EXPECT_EQ(snapshot(root), snapshot(out_dir / "tree"));
    EXPECT_EQ(slurp(out_dir / "single.txt"), "single");
    struct stat st {};
    ::stat((out_dir / "single.txt").c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0604u);
    EXPECT_EQ(st.st_mtim.tv_sec, 1400000000);
    for (auto& e : fs::recursive_directory_iterator(out_dir)) {
        EXPECT_EQ(e.path().filename().string().find(".pcp-"), std::string::npos) << e.path();
    }
}

TEST(transfer_service, declined_offer_writes_nothing)
{
    temp_dir src;
    temp_dir dst;
    write_file(src.path / "f", "data", fs::perms(0644), 1);
    send_options so;
    so.paths = {(src.path / "f").string()};
    receive_options ro;
    ro.output_dir = dst.path.string();
    scripted_prompt ask;
    ask.answer = false;
    recording_sink ss;
    recording_sink rs;
    auto out = transfer(so, ro, ask, ss, rs);
    ASSERT_TRUE(out.sent && out.received);
    ASSERT_FALSE(*out.sent);
    EXPECT_EQ(out.sent->error(), errc::rejected);
    ASSERT_FALSE(*out.received);
    EXPECT_EQ(out.received->error(), errc::declined);
    EXPECT_TRUE(fs::is_empty(dst.path));
}

TEST(transfer_service, conflicts_are_refused_before_any_data_unless_overwrite)
{
    temp_dir src;
    temp_dir dst;
    write_file(src.path / "f", "new", fs::perms(0644), 1);
    write_file(dst.path / "f", "old", fs::perms(0644), 1);
    send_options so;
    so.paths = {(src.path / "f").string()};
    receive_options ro;
    ro.output_dir = dst.path.string();
    {
        scripted_prompt ask;
        recording_sink ss;
        recording_sink rs;
        auto out = transfer(so, ro, ask, ss, rs);
        ASSERT_FALSE(*out.sent);
        EXPECT_EQ(out.sent->error(), errc::rejected);
        ASSERT_FALSE(*out.received);
        EXPECT_EQ(out.received->error(), errc::conflicts);
        EXPECT_EQ(ask.calls, 0);
        ASSERT_EQ(rs.offers.size(), 1u);
        EXPECT_EQ(rs.offers[0].conflicts, (std::vector<std::string>{"f"}));
        EXPECT_EQ(slurp(dst.path / "f"), "old");
    }
    ro.overwrite = true;
    {
        scripted_prompt ask;
        recording_sink ss;
        recording_sink rs;
        auto out = transfer(so, ro, ask, ss, rs);
        ASSERT_TRUE(*out.sent);
        ASSERT_TRUE(*out.received);
        EXPECT_EQ(ask.calls, 1);
        EXPECT_EQ(slurp(dst.path / "f"), "new");
    }
}

TEST(transfer_service, discard_mode_writes_nothing_and_still_verifies)
{
    temp_dir src;
    temp_dir dst;
    auto root = make_tree(src.path);
    send_options so;
    so.paths = {root.string()};
    receive_options ro;
    ro.output_dir = dst.path.string();
    ro.discard_data = true;
    scripted_prompt ask;
    recording_sink ss;
    recording_sink rs;
    auto out = transfer(so, ro, ask, ss, rs);
    ASSERT_TRUE(*out.sent);
    ASSERT_TRUE(*out.received);
    EXPECT_FALSE(out.received->value().synced);
    EXPECT_TRUE(fs::is_empty(dst.path));
}

TEST(transfer_service, duplicate_top_level_names_are_refused_by_the_sender)
{
    temp_dir src;
    fs::create_directories(src.path / "a/x");
    fs::create_directories(src.path / "b/x");
    send_options so;
    so.paths = {(src.path / "a/x").string(), (src.path / "b/x").string()};
    receive_options ro;
    temp_dir dst;
    ro.output_dir = dst.path.string();
    scripted_prompt ask;
    recording_sink ss;
    recording_sink rs;
    auto out = transfer(so, ro, ask, ss, rs);
    ASSERT_FALSE(*out.sent);
    EXPECT_EQ(out.sent->error(), errc::duplicate_name);
    ASSERT_FALSE(*out.received);
    EXPECT_EQ(out.received->error(), errc::interrupted);
}

// ---------------------------------------------------------------------------------------------
// A hostile sender: raw frames, optionally followed (after the accept) by more raw bytes.

struct script {
    byte_buffer before_accept;
    byte_buffer after_accept;
    bool wait_for_accept = false;
    bool saw_accept = false;
    std::vector<message> answers;
};

task<void> run_hostile(std::unique_ptr<transport::stream> s, script& sc, outcome& out, engine::core_pool& pool)
{
    auto w = co_await s->write_all(sc.before_accept);
    (void)w;
    byte_buffer in;
    byte_buffer buf(4096);
    if (sc.wait_for_accept) {
        while (!sc.saw_accept) {
            auto n = co_await s->read_some(buf);
            if (!n || n.value() == 0) {
                break;
            }
            in.insert(in.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n.value()));
            while (true) {
                auto d = decode(in);
                if (!d || !d.value().complete()) {
                    break;
                }
                sc.saw_accept |= std::holds_alternative<accept>(*d.value().message);
                sc.answers.push_back(*d.value().message);
                in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(d.value().consumed));
            }
        }
        if (sc.saw_accept) {
            auto w2 = co_await s->write_all(sc.after_accept);
            (void)w2;
        }
    }
    auto c = co_await s->close_write();
    (void)c;
    while (true) {
        auto n = co_await s->read_some(buf);
        if (!n || n.value() == 0) {
            break;
        }
        in.insert(in.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n.value()));
    }
    bytes_view v(in);
    while (true) {
        auto d = decode(v);
        if (!d || !d.value().complete()) {
            break;
        }
        sc.answers.push_back(*d.value().message);
        v = v.subspan(d.value().consumed);
    }
    s.reset();
    if (++out.finished == 2) {
        pool.stop();
    }
}

outcome hostile(script& sc, const receive_options& ro, prompt& ask, recording_sink& rsink)
{
    engine::core_pool pool({.cores = 1});
    auto [a, b] = transport::memory::make_pair(pool.executor(0), pool.executor(0));
    outcome out;
    asio::co_spawn(pool.executor(0), watchdog(pool), asio::detached);
    asio::co_spawn(pool.executor(0), run_receive(std::move(a), ro, ask, rsink, out, pool), asio::detached);
    asio::co_spawn(pool.executor(0), run_hostile(std::move(b), sc, out, pool), asio::detached);
    pool.run();
    pool.join();
    return out;
}

byte_buffer manifest_of(const std::vector<entry>& entries, std::optional<manifest_end> end = std::nullopt)
{
    byte_buffer out;
    encode(message{hello{}}, out);
    manifest_end t;
    for (std::size_t i = 0; i < entries.size(); i += max_batch_entries) {
        manifest_batch b;
        for (std::size_t k = i; k < std::min(entries.size(), i + max_batch_entries); ++k) {
            b.entries.push_back(entries[k]);
            ++t.entries;
            if (entries[k].kind == kind_file) {
                ++t.files;
                t.bytes += entries[k].size;
            }
        }
        encode(message{b}, out);
    }
    encode(message{end.value_or(t)}, out);
    return out;
}

entry file_entry(std::string p, std::uint64_t size = 1) { return {std::move(p), kind_file, size, 0644, 1, 0}; }
entry dir_entry(std::string p) { return {std::move(p), kind_directory, 0, 0755, 1, 0}; }

std::optional<reject> reject_in(const script& sc)
{
    for (const auto& m : sc.answers) {
        if (auto* r = std::get_if<reject>(&m)) {
            return *r;
        }
    }
    return std::nullopt;
}

TEST(transfer_service, hostile_manifests_are_rejected_and_nothing_is_written)
{
    temp_dir base;
    auto out_dir = base.path / "out";
    auto elsewhere = base.path / "elsewhere";
    fs::create_directories(out_dir);
    fs::create_directories(elsewhere);
    fs::create_directory_symlink(elsewhere, out_dir / "x");
    struct row {
        std::string name;
        byte_buffer wire;
        error_code expected;
    };
    std::vector<entry> too_many;
    for (int i = 0; i < 11; ++i) {
        too_many.push_back(file_entry("f" + std::to_string(i)));
    }
    std::vector<row> rows{
        {"dotdot", manifest_of({file_entry("../escape")}), errc::invalid_path},
        {"nested dotdot", manifest_of({dir_entry("d"), file_entry("d/../../escape")}), errc::invalid_path},
        {"absolute", manifest_of({file_entry("/tmp/escape")}), errc::invalid_path},
        {"nul", manifest_of({file_entry(std::string("a\0b", 3))}), errc::invalid_path},
        {"symlink entry", manifest_of({entry{"l", kind_symlink, 0, 0777, 0, 0}}), errc::invalid_entry},
        {"device kind", manifest_of({entry{"dev", 6, 0, 0666, 0, 0}}), errc::invalid_entry},
        {"undeclared parent", manifest_of({file_entry("nodir/f")}), errc::invalid_entry},
        {"symlink escape", manifest_of({dir_entry("x"), file_entry("x/file")}), errc::conflicts},
        {"too many entries", manifest_of(too_many), errc::limit_exceeded},
        {"too many bytes", manifest_of({file_entry("big", 1001)}), errc::limit_exceeded},
        {"lying totals", manifest_of({file_entry("a")}, manifest_end{1, 1, 5}), errc::manifest_mismatch},
        {"wrong version", [] {
             byte_buffer b;
             encode(message{hello{7, {}, ""}}, b);
             return b;
         }(), errc::unsupported_version},
    };
    for (auto& r : rows) {
        SCOPED_TRACE(r.name);
        script sc;
        sc.before_accept = r.wire;
        receive_options ro;
        ro.output_dir = out_dir.string();
        ro.overwrite = true; // even with --overwrite
        ro.limits.max_entries = 10;
        ro.limits.max_total_bytes = 1000;
        scripted_prompt ask;
        recording_sink rs;
        auto out = hostile(sc, ro, ask, rs);
        ASSERT_TRUE(out.received);
        ASSERT_FALSE(*out.received);
        EXPECT_EQ(out.received->error(), r.expected) << out.received->error().message();
        EXPECT_EQ(ask.calls, 0);
        EXPECT_TRUE(reject_in(sc).has_value());
        EXPECT_TRUE(fs::is_empty(elsewhere));
        std::vector<std::string> left;
        for (auto& e : fs::directory_iterator(out_dir)) {
            left.push_back(e.path().filename().string());
        }
        EXPECT_EQ(left, std::vector<std::string>{"x"});
        EXPECT_FALSE(fs::exists(base.path / "escape"));
    }
}

TEST(transfer_service, a_stream_cut_mid_file_leaves_no_file_and_no_temp)
{
    temp_dir dst;
    script sc;
    sc.before_accept = manifest_of({file_entry("done", 3), file_entry("partial", 1000)});
    sc.wait_for_accept = true;
    encode(message{data_header{0, 0, 3, true}}, sc.after_accept);
    append(sc.after_accept, std::string_view("abc"));
    encode(message{data_header{1, 0, 1000, true}}, sc.after_accept);
    append(sc.after_accept, std::string(500, 'p'));
    receive_options ro;
    ro.output_dir = dst.path.string();
    scripted_prompt ask;
    recording_sink rs;
    auto out = hostile(sc, ro, ask, rs);
    ASSERT_TRUE(out.received);
    ASSERT_FALSE(*out.received);
    EXPECT_EQ(out.received->error(), errc::interrupted);
    std::vector<std::string> left;
    for (auto& e : fs::directory_iterator(dst.path)) {
        left.push_back(e.path().filename().string());
    }
    EXPECT_EQ(left, std::vector<std::string>{"done"}); // completed file kept, no partial, no temp
    EXPECT_EQ(slurp(dst.path / "done"), "abc");
}

TEST(transfer_service, data_that_overruns_the_manifest_is_refused)
{
    temp_dir dst;
    script sc;
    sc.before_accept = manifest_of({file_entry("a", 3), file_entry("b", 3)});
    sc.wait_for_accept = true;
    encode(message{data_header{0, 0, 2, true}}, sc.after_accept); // shorter than declared
    append(sc.after_accept, std::string_view("ab"));
    receive_options ro;
    ro.output_dir = dst.path.string();
    scripted_prompt ask;
    recording_sink rs;
    auto out = hostile(sc, ro, ask, rs);
    ASSERT_FALSE(*out.received);
    EXPECT_EQ(out.received->error(), errc::manifest_mismatch);
    EXPECT_TRUE(fs::is_empty(dst.path));
    bool aborted = false;
    for (const auto& m : sc.answers) {
        aborted |= std::holds_alternative<abort>(m);
    }
    EXPECT_TRUE(aborted);
}

TEST(transfer_service, a_duplicate_entry_cannot_overwrite_the_first)
{
    temp_dir dst;
    script sc;
    sc.before_accept = manifest_of({file_entry("a", 1), file_entry("a", 1)});
    sc.wait_for_accept = true;
    encode(message{data_header{0, 0, 1, true}}, sc.after_accept);
    append(sc.after_accept, std::string_view("1"));
    encode(message{data_header{1, 0, 1, true}}, sc.after_accept);
    append(sc.after_accept, std::string_view("2"));
    receive_options ro;
    ro.output_dir = dst.path.string();
    scripted_prompt ask;
    recording_sink rs;
    auto out = hostile(sc, ro, ask, rs);
    ASSERT_FALSE(*out.received);
    EXPECT_EQ(out.received->error(), errno_code(EEXIST));
    EXPECT_EQ(slurp(dst.path / "a"), "1");
    std::size_t n = 0;
    for (auto& e : fs::directory_iterator(dst.path)) {
        (void)e;
        ++n;
    }
    EXPECT_EQ(n, 1u);
}

} // namespace
} // namespace pcp::p2p::transfer
