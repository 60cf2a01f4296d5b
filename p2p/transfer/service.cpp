// SPDX-License-Identifier: MIT
#include "p2p/transfer/service.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>

#include "crypto/crc32c.hpp"
#include "engine/cancel.hpp"
#include "engine/notify.hpp"
#include "p2p/transfer/fs.hpp"
#include "p2p/transfer/path.hpp"

namespace pcp::p2p::transfer {
namespace {

constexpr std::size_t read_buffer_size = 256 * 1024;
/// Bytes the receiver reads and drops after refusing, waiting for the sender to stop.
constexpr std::size_t max_drain = 16 * 1024 * 1024;
/// How long a sender that gives up waits for the receiver to take its Abort.
constexpr auto abort_linger = std::chrono::seconds(5);

std::string describe(const error_code& ec) { return ec.message(); }

/// The file still has the size and mtime its manifest entry announced.
bool matches_entry(const struct stat& st, const entry& e)
{
    return static_cast<std::uint64_t>(st.st_size) == e.size && st.st_mtim.tv_sec == e.mtime_sec &&
           static_cast<std::uint32_t>(st.st_mtim.tv_nsec) == e.mtime_nsec;
}

/// Nothing wrote to the file between the two fstat calls: same size, mtime and ctime.
bool same_version(const struct stat& a, const struct stat& b)
{
    return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
           a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

/// Read and drop until EOF (bounded), so the other side sees our last message before the close.
task<void> drain(transport::stream& s)
{
    byte_buffer buf(16 * 1024);
    std::size_t total = 0;
    while (total < max_drain) {
        auto n = co_await s.read_some(buf);
        if (!n || n.value() == 0) {
            co_return;
        }
        total += n.value();
    }
    s.abort();
}

// ---------------------------------------------------------------------------------------------
// sender

struct sent_file {
    std::uint64_t index;
    std::string path;
    std::uint64_t size;
};

struct sender_session {
    transport::stream& s;
    const send_options& opts;
    event_sink& sink;
    sender_machine sm;
    engine::notifier wake;
    bool accepted = false;
    bool stop = false;            // the reader has finished (any reason)
    error_code reader_error;      // why, when it was not `finished`
    bool finished = false;
    bool synced = false;
    std::deque<sent_file> in_flight;
    std::uint64_t files_verified = 0;
    progress prog;

    sender_session(transport::stream& st, const send_options& o, event_sink& sk, asio::any_io_executor ex)
        : s(st), opts(o), sink(sk), sm(sender_config{{}, o.agent, o.max_unacked_files, 512 * 1024}), wake(ex)
    {
    }

    void on_events()
    {
        while (auto ev = sm.poll_event()) {
            switch (ev->what) {
            case sender_event::kind::hello: break;
            case sender_event::kind::accepted: accepted = true; break;
            case sender_event::kind::rejected:
                sink.on_error("the receiver declined: " + escape_for_display(ev->reject_msg.message));
                reader_error = make_error_code(errc::rejected);
                stop = true;
                break;
            case sender_event::kind::acked:
                if (!in_flight.empty()) {
                    file_done fd{in_flight.front().index, std::move(in_flight.front().path), in_flight.front().size};
                    in_flight.pop_front();
                    ++files_verified;
                    sink.on_file_done(fd);
                }
                break;
            case sender_event::kind::finished:
                finished = true;
                synced = ev->synced;
                stop = true;
                break;
            case sender_event::kind::aborted: {
                auto code = static_cast<abort_code>(ev->abort_msg.code);
                sink.on_error("the receiver aborted: " + escape_for_display(ev->abort_msg.message));
                reader_error = make_error_code(code == abort_code::integrity ? errc::integrity : errc::peer_aborted);
                stop = true;
                break;
            }
            }
        }
    }

    task<void> reader()
    {
        byte_buffer buf(64 * 1024);
        while (!stop) {
            auto n = co_await s.read_some(buf);
            if (!n || n.value() == 0) {
                if (!stop) {
                    if (!n) {
                        sink.on_error("the connection to the receiver broke (" + n.error().message() + ")");
                    }
                    auto eof = sm.handle_eof();
                    reader_error = eof ? error_code{} : make_error_code(errc::interrupted);
                    stop = true;
                }
                break;
            }
            bytes_view in(buf.data(), n.value());
            while (!in.empty() && !stop) {
                auto used = sm.handle_input(in);
                if (!used) {
                    if (used.error() == errc::integrity) {
                        sink.on_error("a file differs on the receiver (CRC-32C mismatch)");
                    }
                    on_events();
                    if (!reader_error) {
                        reader_error = used.error();
                    }
                    stop = true;
                    break;
                }
                in = in.subspan(used.value());
                on_events();
            }
            wake.notify();
        }
        wake.notify();
    }

    /// Write whatever the machine queued.
    task<result<void>> flush()
    {
        byte_buffer out;
        if (sm.poll_transmit(out)) {
            PCP_CO_TRY(co_await s.write_all(out));
        }
        co_return ok();
    }

    /// After a local failure: tell the receiver, close, and give it up to `abort_linger` to read
    /// the Abort and close in turn (which ends the reader) before the reset: a reset drops what
    /// is still queued for the stream, and the receiver would only see "interrupted".
    task<void> give_up(abort_code code, std::string text, std::optional<std::uint64_t> file)
    {
        sm.fail(code, std::move(text), file);
        auto f = co_await flush();
        (void)f;
        auto c = co_await s.close_write();
        (void)c;
        auto until = steady::now() + abort_linger;
        while (!stop && steady::now() < until) {
            auto race = wake.wait() || engine::sleep_for(until - steady::now());
            auto r = co_await std::move(race);
            (void)r;
        }
        s.abort(); // ends the reader if the receiver did not answer
    }

    /// The writer's result when the reader has stopped.
    error_code stopped_error() const
    {
        if (reader_error) {
            return reader_error;
        }
        return make_error_code(finished ? errc::unexpected_message : errc::interrupted);
    }

    task<result<void>> send_file(const entry& e, std::uint64_t index, const std::string& src, byte_buffer& buf)
    {
        int fd = ::open(src.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            sink.on_error("cannot read " + escape_for_display(src) + ": " + std::strerror(err));
            co_await give_up(abort_code::source_changed, "the sender cannot read a file", index);
            co_return errno_code(err);
        }
        unique_fd file(fd);
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            sink.on_error(escape_for_display(src) + " is no longer a regular file");
            co_await give_up(abort_code::source_changed, "a file changed while it was being sent", index);
            co_return make_error_code(errc::source_changed);
        }
        if (!matches_entry(st, e)) {
            sink.on_error(escape_for_display(src) + " changed after it was offered (size or modification time)");
            co_await give_up(abort_code::source_changed, "a file changed while it was being sent", index);
            co_return make_error_code(errc::source_changed);
        }
        crypto::crc32c check;
        std::uint64_t offset = 0;
        const std::size_t room = max_data_header_size;
        do {
            if (stop) {
                co_return stopped_error();
            }
            auto n = static_cast<std::size_t>(std::min<std::uint64_t>(opts.chunk_size, e.size - offset));
            std::size_t got = 0;
            while (got < n) {
                auto r = ::pread(fd, buf.data() + room + got, n - got, static_cast<off_t>(offset + got));
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                if (r <= 0) {
                    int err = r < 0 ? errno : 0;
                    sink.on_error(escape_for_display(src) + (err ? std::string(": ") + std::strerror(err)
                                                                   : std::string(" shrank while it was being sent")));
                    co_await give_up(abort_code::source_changed, "a file changed while it was being sent", index);
                    co_return err ? errno_code(err) : make_error_code(errc::source_changed);
                }
                got += static_cast<std::size_t>(r);
            }
            // Before the last segment goes out (the receiver renames the file on it): a write
            // since the open means what was read mixes two versions of the file.
            struct stat end {};
            if (offset + n == e.size && (::fstat(fd, &end) != 0 || !same_version(st, end))) {
                sink.on_error(escape_for_display(src) + " changed while it was being sent");
                co_await give_up(abort_code::source_changed, "a file changed while it was being sent", index);
                co_return make_error_code(errc::source_changed);
            }
            data_header h{index, offset, n, offset + n == e.size};
            byte_buffer hdr;
            if (auto b = sm.begin_segment(h, hdr); !b) {
                co_return b.error();
            }
            std::memcpy(buf.data() + room - hdr.size(), hdr.data(), hdr.size());
            check.update(bytes_view(buf.data() + room, n));
            bytes_view frame(buf.data() + room - hdr.size(), hdr.size() + n);
            auto w = co_await s.write_all(frame);
            if (!w) {
                co_return stop ? stopped_error() : make_error_code(errc::interrupted);
            }
            offset += n;
            prog.bytes_done += n;
            sink.on_progress(prog);
        } while (offset < e.size);
        PCP_CO_TRY(sm.file_sent(index, check.value()));
        co_return ok();
    }

    task<result<send_summary>> writer(tree_walker& walker)
    {
        send_summary sum;
        PCP_CO_TRY(auto spool, entry_spool::create());
        // Manifest: walk, spool, batch.
        std::vector<skipped_item> skipped;
        while (true) {
            auto item = walker.next(skipped);
            for (auto& sk : skipped) {
                sink.on_skipped(escape_for_display(sk.path), sk.reason);
                ++sum.skipped;
            }
            skipped.clear();
            if (!item) {
                sink.on_error("cannot read the tree: " + describe(item.error()));
                co_await give_up(abort_code::io_error, "the sender cannot read its files", std::nullopt);
                co_return item.error();
            }
            if (!item.value()) {
                break;
            }
            auto& it = *item.value();
            if (auto a = sm.add_entry(it.item); !a) {
                sink.on_skipped(escape_for_display(it.item.path), describe(a.error()));
                ++sum.skipped;
                continue;
            }
            PCP_CO_TRY(spool.append(it.item, it.root));
            if (it.item.kind == kind_directory) {
                ++sum.directories;
            }
            if (stop) {
                co_return stopped_error();
            }
            byte_buffer out;
            if (sm.poll_transmit(out)) {
                auto w = co_await s.write_all(out);
                if (!w) {
                    co_return stop ? stopped_error() : make_error_code(errc::interrupted);
                }
            }
        }
        PCP_CO_TRY(sm.end_manifest());
        {
            auto w = co_await flush();
            if (!w) {
                co_return stop ? stopped_error() : make_error_code(errc::interrupted);
            }
        }
        offer mine;
        mine.entries = sm.totals().entries;
        mine.files = sm.totals().files;
        mine.directories = sum.directories;
        mine.bytes = sm.totals().bytes;
        mine.top_level_count = walker.names().size();
        for (const auto& n : walker.names()) {
            if (mine.top_level.size() < max_listed) {
                mine.top_level.push_back(escape_for_display(n));
            }
        }
        sink.on_offer(mine);
        prog.bytes_total = mine.bytes;
        prog.files_total = mine.files;

        while (!accepted && !stop) {
            if (!co_await wake.wait()) {
                co_return make_error_code(errc::cancelled);
            }
        }
        if (!accepted) {
            co_return stopped_error();
        }

        // Data, in manifest order.
        PCP_CO_TRY(spool.rewind());
        byte_buffer buf(max_data_header_size + opts.chunk_size);
        std::uint64_t index = 0;
        while (true) {
            std::uint32_t root = 0;
            PCP_CO_TRY(auto e, spool.next(&root));
            if (!e) {
                break;
            }
            if (e->kind == kind_file) {
                while (!sm.can_send_file() && !stop) {
                    if (!co_await wake.wait()) {
                        co_return make_error_code(errc::cancelled);
                    }
                }
                if (stop) {
                    co_return stopped_error();
                }
                in_flight.push_back({index, escape_for_display(e->path), e->size});
                auto src = walker.source_path(*e, root);
                PCP_CO_TRY(co_await send_file(*e, index, src, buf));
                ++sum.files;
                sum.bytes += e->size;
            }
            ++index;
        }
        PCP_CO_TRY(sm.finish_data());
        {
            auto w = co_await flush();
            if (!w) {
                co_return stop ? stopped_error() : make_error_code(errc::interrupted);
            }
        }
        while (!stop) {
            if (!co_await wake.wait()) {
                co_return make_error_code(errc::cancelled);
            }
        }
        if (!finished) {
            co_return stopped_error();
        }
        auto c = co_await s.close_write();
        (void)c;
        sum.receiver_synced = synced;
        co_return sum;
    }

    std::optional<result<send_summary>> outcome;

    task<void> writer_then_close(tree_walker& walker)
    {
        auto r = co_await writer(walker);
        if (!r) {
            // Stop the reader: the stream is of no further use.
            stop = true;
            s.abort();
            wake.notify();
        }
        outcome.emplace(std::move(r));
    }
};

// ---------------------------------------------------------------------------------------------
// receiver

struct receiver_session {
    transport::stream& s;
    const receive_options& opts;
    prompt& ask;
    event_sink& sink;
    receiver_machine rm;
    std::optional<receiver_fs> fs;
    std::optional<entry_spool> spool;
    std::optional<entry_spool> made_dirs; // directories we created: metadata at the end
    offer off;
    receive_summary sum;
    progress prog;
    // data phase
    std::uint64_t cursor = 0; // index of the next spooled entry
    std::optional<entry> current;
    std::uint64_t current_index = 0;
    std::optional<file_writer> writer;
    crypto::crc32c check; ///< of the current file's bytes
    std::uint64_t file_pos = 0;

    receiver_session(transport::stream& st, const receive_options& o, prompt& a, event_sink& sk)
        : s(st), opts(o), ask(a), sink(sk), rm(make_config(o))
    {
    }

    static receiver_config make_config(const receive_options& o)
    {
        receiver_config c = o.limits;
        c.agent = o.agent;
        return c;
    }

    task<result<void>> flush()
    {
        byte_buffer out;
        if (rm.poll_transmit(out)) {
            PCP_CO_TRY(co_await s.write_all(out));
        }
        co_return ok();
    }

    /// Send what the machine queued (reject or abort), close, and return `ec`.
    task<error_code> close_with(error_code ec)
    {
        auto f = co_await flush();
        (void)f;
        auto c = co_await s.close_write();
        (void)c;
        co_await drain(s);
        co_return ec;
    }

    /// A local failure during the data phase: abort with a message, drop the temp file. An
    /// empty `what`: the caller already reported the error (with the file's name).
    error_code local_failure(const error_code& ec, const std::string& what)
    {
        if (writer) {
            writer->discard();
            writer.reset();
        }
        if (!what.empty()) {
            sink.on_error(what + ": " + ec.message());
        }
        rm.fail(abort_code::io_error, "the receiver failed: " + ec.message(), current ? std::optional(current_index) : std::nullopt);
        return ec;
    }

    result<void> on_entry(std::uint64_t index, const entry& e)
    {
        PCP_TRY(spool->append(e));
        bool is_dir = e.kind == kind_directory;
        if (is_dir) {
            ++off.directories;
        }
        if (e.path.find('/') == std::string::npos) {
            ++off.top_level_count;
            if (off.top_level.size() < max_listed) {
                off.top_level.push_back(escape_for_display(e.path));
            }
        }
        if (fs) {
            PCP_TRY(auto c, fs->check(e.path, is_dir));
            if (c != conflict::none) {
                ++off.conflict_count;
                if (off.conflicts.size() < max_listed) {
                    off.conflicts.push_back(escape_for_display(e.path));
                }
                if (c == conflict::blocked) {
                    off.blocked = true;
                }
            }
        }
        (void)index;
        return ok();
    }

    /// Advance the spool to entry `index` (creating the directories passed on the way), which
    /// must be a file. Errors: out_of_order, system errors.
    result<void> seek_file(std::uint64_t index)
    {
        while (cursor <= index) {
            PCP_TRY(auto e, spool->next());
            if (!e) {
                return make_error_code(errc::out_of_order);
            }
            auto i = cursor++;
            if (e->kind == kind_directory) {
                PCP_TRY(make_directory(*e));
                continue;
            }
            if (i != index) {
                return make_error_code(errc::out_of_order); // a file without its data
            }
            current = std::move(*e);
            current_index = i;
            return ok();
        }
        return make_error_code(errc::out_of_order);
    }

    result<void> make_directory(const entry& e)
    {
        ++sum.directories;
        if (!fs) {
            return ok();
        }
        auto made = fs->make_dir(e.path);
        if (!made) {
            sink.on_error("cannot create directory " + escape_for_display(e.path) + ": " + made.error().message());
            return made.error();
        }
        if (made.value()) {
            PCP_TRY(made_dirs->append(e));
        }
        return ok();
    }

    result<void> on_segment(const data_header& h)
    {
        if (!current) {
            PCP_TRY(seek_file(h.file));
            check.reset();
            file_pos = 0;
            if (fs) {
                auto w = fs->create_file(current->path);
                if (!w) {
                    sink.on_error("cannot create " + escape_for_display(current->path) + ": " + w.error().message());
                    return w.error();
                }
                writer.emplace(std::move(w.value()));
            }
        }
        if (h.file != current_index || h.offset != file_pos || h.length > current->size - file_pos ||
            (h.last && h.offset + h.length != current->size) || (!h.last && h.offset + h.length == current->size && h.length == 0)) {
            return make_error_code(errc::manifest_mismatch);
        }
        return ok();
    }

    result<void> on_data(bytes_view b)
    {
        check.update(b);
        file_pos += b.size();
        prog.bytes_done += b.size();
        if (writer) {
            auto w = writer->write(b);
            if (!w) {
                sink.on_error("cannot write " + escape_for_display(current->path) + ": " + w.error().message());
                return w.error();
            }
        }
        return ok();
    }

    result<void> on_file_end(std::uint64_t index)
    {
        const std::uint32_t digest = check.value();
        if (writer) {
            auto c = writer->commit(current->mode, current->mtime_sec, current->mtime_nsec, opts.overwrite);
            if (!c) {
                sink.on_error("cannot finish " + escape_for_display(current->path) + ": " + c.error().message());
                return c.error();
            }
            writer.reset();
        }
        PCP_TRY(rm.file_ok(index, digest));
        ++sum.files;
        sum.bytes += current->size;
        ++prog.files_done;
        file_done fd{index, escape_for_display(current->path), current->size};
        current.reset();
        sink.on_file_done(fd);
        return ok();
    }

    result<void> on_done()
    {
        // Directories after the last file.
        while (true) {
            PCP_TRY(auto e, spool->next());
            if (!e) {
                break;
            }
            ++cursor;
            if (e->kind != kind_directory) {
                return make_error_code(errc::manifest_mismatch);
            }
            PCP_TRY(make_directory(*e));
        }
        if (fs) {
            PCP_TRY(made_dirs->rewind());
            while (true) {
                PCP_TRY(auto d, made_dirs->next());
                if (!d) {
                    break;
                }
                auto m = fs->set_dir_meta(d->path, d->mode, d->mtime_sec, d->mtime_nsec);
                if (!m) {
                    sink.on_error("cannot set the mode of " + escape_for_display(d->path) + ": " + m.error().message());
                    return m.error();
                }
            }
            if (opts.sync) {
                PCP_TRY(fs->sync());
                sum.synced = true;
            }
        }
        return ok();
    }

    /// Handle the machine's events; `offer_ready` is set at manifest end, `all_done` at done.
    result<void> on_events(bool& offer_ready, bool& all_done)
    {
        while (auto ev = rm.poll_event()) {
            switch (ev->what) {
            case receiver_event::kind::hello: off.agent = escape_for_display(ev->peer.agent); break;
            case receiver_event::kind::entry: {
                auto r = on_entry(ev->index, ev->item);
                if (!r) {
                    sink.on_error("cannot check " + escape_for_display(ev->item.path) + ": " + r.error().message());
                    rm.fail(abort_code::io_error, "the receiver failed", std::nullopt);
                    return r.error();
                }
                break;
            }
            case receiver_event::kind::offer: {
                off.entries = ev->totals.entries;
                off.files = ev->totals.files;
                off.bytes = ev->totals.bytes;
                offer_ready = true;
                break;
            }
            case receiver_event::kind::segment: {
                auto r = on_segment(ev->segment);
                if (!r) {
                    if (r.error().category() == transfer_category()) {
                        rm.fail(abort_code::protocol, r.error().message(), ev->segment.file);
                        return r.error();
                    }
                    return local_failure(r.error(), "write failed");
                }
                break;
            }
            case receiver_event::kind::data: {
                if (auto r = on_data(ev->bytes); !r) {
                    return local_failure(r.error(), "");
                }
                break;
            }
            case receiver_event::kind::file_end: {
                if (auto r = on_file_end(ev->index); !r) {
                    return local_failure(r.error(), "");
                }
                break;
            }
            case receiver_event::kind::done: {
                if (auto r = on_done(); !r) {
                    if (r.error().category() == transfer_category()) {
                        rm.fail(abort_code::protocol, r.error().message(), std::nullopt);
                        return r.error();
                    }
                    return local_failure(r.error(), "finishing failed");
                }
                all_done = true;
                break;
            }
            case receiver_event::kind::aborted: {
                auto code = static_cast<abort_code>(ev->abort_msg.code);
                sink.on_error("the sender aborted: " + escape_for_display(ev->abort_msg.message));
                return make_error_code(code == abort_code::integrity ? errc::integrity : errc::peer_aborted);
            }
            }
        }
        return ok();
    }

    /// Read and process until `offer_ready` or `all_done` becomes true.
    task<result<void>> pump(bool& offer_ready, bool& all_done, bool want_offer)
    {
        byte_buffer buf(read_buffer_size);
        while (want_offer ? !offer_ready : !all_done) {
            auto n = co_await s.read_some(buf);
            if (!n || n.value() == 0) {
                if (writer) {
                    writer->discard();
                    writer.reset();
                }
                if (n && n.value() == 0) {
                    auto e = rm.handle_eof();
                    (void)e;
                }
                sink.on_error(n ? std::string("the sender closed the stream before the transfer finished")
                                : "the connection to the sender broke (" + n.error().message() + ")");
                co_return make_error_code(errc::interrupted);
            }
            bytes_view in(buf.data(), n.value());
            while (!in.empty()) {
                auto used = rm.handle_input(in);
                if (!used) {
                    // Events queued before the error (e.g. earlier entries) are dropped.
                    while (rm.poll_event()) {
                    }
                    sink.on_error("the sender broke the protocol: " + used.error().message());
                    co_return co_await close_with(used.error());
                }
                in = in.subspan(used.value());
                if (auto r = on_events(offer_ready, all_done); !r) {
                    co_return co_await close_with(r.error());
                }
                if (offer_ready && want_offer && !in.empty()) {
                    // Nothing may follow manifest_end before our answer.
                    rm.fail(abort_code::protocol, "data before accept", std::nullopt);
                    co_return co_await close_with(make_error_code(errc::unexpected_message));
                }
            }
            if (!want_offer) {
                prog.files_total = off.files;
                prog.bytes_total = off.bytes;
                sink.on_progress(prog);
                auto f = co_await flush(); // file acks
                if (!f) {
                    co_return make_error_code(errc::interrupted);
                }
            }
        }
        co_return ok();
    }

    task<result<receive_summary>> run()
    {
        if (!opts.discard_data) {
            auto f = receiver_fs::open(opts.output_dir, opts.overwrite);
            if (!f) {
                sink.on_error("cannot open the output directory " + escape_for_display(opts.output_dir) + ": " +
                              f.error().message());
                co_return f.error();
            }
            fs.emplace(std::move(f.value()));
            PCP_CO_TRY(auto d, entry_spool::create());
            made_dirs.emplace(std::move(d));
        }
        PCP_CO_TRY(auto sp, entry_spool::create());
        spool.emplace(std::move(sp));
        off.overwrite = opts.overwrite;
        {
            auto f = co_await flush(); // our hello
            if (!f) {
                co_return make_error_code(errc::interrupted);
            }
        }
        bool offer_ready = false;
        bool all_done = false;
        PCP_CO_TRY(co_await pump(offer_ready, all_done, true));
        sink.on_offer(off);
        if (off.blocked || (off.conflict_count > 0 && !opts.overwrite)) {
            auto text = std::to_string(off.conflict_count) + " path(s) already exist on the receiver";
            auto r = rm.reject(reject_reason::conflicts, text);
            (void)r;
            co_return co_await close_with(make_error_code(errc::conflicts));
        }
        bool yes = co_await ask.confirm(off);
        if (!yes) {
            auto r = rm.reject(reject_reason::declined, "declined by the receiver");
            (void)r;
            co_return co_await close_with(make_error_code(errc::declined));
        }
        PCP_CO_TRY(rm.accept());
        {
            auto f = co_await flush();
            if (!f) {
                co_return make_error_code(errc::interrupted);
            }
        }
        PCP_CO_TRY(spool->rewind());
        prog.files_total = off.files;
        prog.bytes_total = off.bytes;
        if (rm.phase() == receiver_phase::data) {
            PCP_CO_TRY(co_await pump(offer_ready, all_done, false));
        }
        PCP_CO_TRY(rm.finish(sum.synced));
        {
            auto f = co_await flush();
            if (!f) {
                co_return make_error_code(errc::interrupted);
            }
        }
        auto c = co_await s.close_write();
        (void)c;
        co_await drain(s); // until the sender, having read `finished`, closes
        co_return sum;
    }
};

} // namespace

task<result<send_summary>> send(transport::stream& s, const send_options& opts, event_sink& sink)
{
    std::string problem;
    auto walker = tree_walker::open(opts.paths, &problem);
    if (!walker) {
        sink.on_error(escape_for_display(problem) + ": " + walker.error().message());
        co_return walker.error();
    }
    if (opts.chunk_size == 0 || opts.chunk_size > max_segment_size) {
        co_return make_error_code(errc::limit_exceeded);
    }
    auto ex = co_await asio::this_coro::executor;
    sender_session session(s, opts, sink, ex);
    // Our hello goes out at once; the reader runs beside the writer for the whole session so
    // that a reject or abort is seen while the manifest or the data is still being written.
    {
        auto f = co_await session.flush();
        if (!f) {
            co_return make_error_code(errc::interrupted);
        }
    }
    co_await (session.reader() && session.writer_then_close(walker.value()));
    co_return std::move(*session.outcome);
}

task<result<receive_summary>> receive(transport::stream& s, const receive_options& opts, prompt& ask, event_sink& sink)
{
    receiver_session session(s, opts, ask, sink);
    co_return co_await session.run();
}

} // namespace pcp::p2p::transfer
