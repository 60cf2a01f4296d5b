// SPDX-License-Identifier: MIT
#include "p2p/transfer/machine.hpp"

#include <algorithm>

#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/path.hpp"

namespace pcp::p2p::transfer {

namespace detail {

result<std::size_t> frame_reader::next(bytes_view in, std::optional<message>& out)
{
    out.reset();
    if (partial_.empty()) {
        PCP_TRY(auto d, decode(in));
        if (d.complete()) {
            out = std::move(*d.message);
            return d.consumed;
        }
        partial_.assign(in.begin(), in.end()); // shorter than one frame: bounded
        return in.size();
    }
    std::size_t used = 0;
    while (used < in.size()) {
        PCP_TRY(auto d, decode(partial_));
        std::size_t want = d.needed > partial_.size() ? d.needed - partial_.size() : 1;
        std::size_t take = std::min(want, in.size() - used);
        partial_.insert(partial_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
                        in.begin() + static_cast<std::ptrdiff_t>(used + take));
        used += take;
        PCP_TRY(auto again, decode(partial_));
        if (again.complete()) {
            out = std::move(*again.message);
            partial_.clear();
            return used;
        }
    }
    return used;
}

} // namespace detail

namespace {

result<void> validate_entry(const entry& e)
{
    PCP_TRY(validate_path(e.path));
    if (e.kind == kind_file) {
        if (e.size > max_file_size) {
            return make_error_code(errc::limit_exceeded);
        }
    } else if (e.kind == kind_directory) {
        if (e.size != 0) {
            return make_error_code(errc::invalid_entry);
        }
    } else {
        return make_error_code(errc::invalid_entry); // symlinks (3) and unknown kinds: refused in v1
    }
    if (e.mtime_nsec >= 1'000'000'000u) {
        return make_error_code(errc::invalid_entry);
    }
    return ok();
}

reject_reason reason_for(const error_code& ec)
{
    if (ec == errc::limit_exceeded || ec == errc::message_too_large) {
        return reject_reason::limits;
    }
    if (ec == errc::unsupported_version) {
        return reject_reason::unsupported;
    }
    return reject_reason::invalid;
}

} // namespace

result<void> check_preorder(std::string& stack, std::vector<std::size_t>& ends, std::string_view path, bool is_dir)
{
    auto slash = path.rfind('/');
    std::size_t parent_depth = 0;
    std::string_view parent;
    if (slash != std::string_view::npos) {
        parent = path.substr(0, slash);
        parent_depth = path_depth(parent);
        if (ends.size() < parent_depth || std::string_view(stack).substr(0, ends[parent_depth - 1]) != parent) {
            return make_error_code(errc::invalid_entry); // parent not declared just before
        }
    }
    stack.resize(parent_depth == 0 ? 0 : ends[parent_depth - 1]);
    ends.resize(parent_depth);
    if (is_dir) {
        stack.assign(path);
        ends.push_back(path.size());
    }
    return ok();
}

// ---------------------------------------------------------------------------------------------
// receiver

receiver_machine::receiver_machine(receiver_config cfg) : cfg_(std::move(cfg))
{
    hello h;
    h.capabilities = cfg_.capabilities;
    h.agent = cfg_.agent;
    queue(message{std::move(h)});
}

void receiver_machine::queue(const message& m) { encode(m, tx_); }

error_code receiver_machine::failure(error_code ec)
{
    if (phase_ == receiver_phase::expect_hello || phase_ == receiver_phase::manifest ||
        phase_ == receiver_phase::decide) {
        queue(message{transfer::reject{static_cast<std::uint32_t>(reason_for(ec)), ec.message()}});
        abort_sent_ = true;
    } else if (phase_ != receiver_phase::closed && phase_ != receiver_phase::failed && !abort_sent_) {
        queue(message{transfer::abort{static_cast<std::uint32_t>(abort_code::protocol), ec.message(), std::nullopt}});
        abort_sent_ = true;
    }
    phase_ = receiver_phase::failed;
    return ec;
}

result<std::size_t> receiver_machine::handle_input(bytes_view in)
{
    if (phase_ == receiver_phase::failed) {
        return make_error_code(errc::unexpected_message);
    }
    if (in.empty()) {
        return std::size_t{0};
    }
    if (raw_remaining_ > 0) {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(raw_remaining_, in.size()));
        receiver_event ev;
        ev.what = receiver_event::kind::data;
        ev.index = *open_file_;
        ev.bytes = in.first(n);
        events_.push_back(ev);
        raw_remaining_ -= n;
        file_offset_ += n;
        bytes_done_ += n;
        if (raw_remaining_ == 0 && segment_last_) {
            receiver_event end;
            end.what = receiver_event::kind::file_end;
            end.index = *open_file_;
            events_.push_back(end);
            unacked_.push_back(*open_file_);
            last_file_ = open_file_;
            open_file_.reset();
            ++files_done_;
        }
        return n;
    }
    std::optional<message> m;
    auto used = reader_.next(in, m);
    if (!used) {
        return failure(used.error());
    }
    if (m) {
        PCP_TRY(on_message(std::move(*m)));
    }
    return used.value();
}

result<void> receiver_machine::on_entry(entry&& e)
{
    if (auto v = validate_entry(e); !v) {
        return failure(v.error());
    }
    if (counted_.entries >= cfg_.max_entries) {
        return failure(errc::limit_exceeded);
    }
    if (!check_preorder(stack_, ends_, e.path, e.kind == kind_directory)) {
        return failure(errc::invalid_entry);
    }
    if (e.kind == kind_file) {
        if (e.size > cfg_.max_total_bytes - counted_.bytes) {
            return failure(errc::limit_exceeded);
        }
        counted_.bytes += e.size;
        ++counted_.files;
    }
    receiver_event ev;
    ev.what = receiver_event::kind::entry;
    ev.index = counted_.entries++;
    ev.item = std::move(e);
    events_.push_back(std::move(ev));
    return ok();
}

result<void> receiver_machine::on_segment(const data_header& h)
{
    if (open_file_) {
        if (h.file != *open_file_ || h.offset != file_offset_) {
            return failure(errc::out_of_order);
        }
    } else {
        if ((last_file_ && h.file <= *last_file_) || h.file >= counted_.entries || h.offset != 0) {
            return failure(errc::out_of_order);
        }
        if (files_done_ >= counted_.files) {
            return failure(errc::out_of_order);
        }
        open_file_ = h.file;
        file_offset_ = 0;
    }
    if (h.length > max_file_size - file_offset_ || h.length > counted_.bytes - bytes_done_) {
        return failure(errc::manifest_mismatch);
    }
    raw_remaining_ = h.length;
    segment_last_ = h.last;
    receiver_event ev;
    ev.what = receiver_event::kind::segment;
    ev.index = h.file;
    ev.segment = h;
    events_.push_back(ev);
    if (h.length == 0 && h.last) {
        receiver_event end;
        end.what = receiver_event::kind::file_end;
        end.index = h.file;
        events_.push_back(end);
        unacked_.push_back(h.file);
        last_file_ = open_file_;
        open_file_.reset();
        ++files_done_;
    }
    return ok();
}

result<void> receiver_machine::on_message(message&& m)
{
    if (std::holds_alternative<std::monostate>(m)) {
        return ok();
    }
    if (auto* a = std::get_if<abort>(&m)) {
        receiver_event ev;
        ev.what = receiver_event::kind::aborted;
        ev.abort_msg = std::move(*a);
        events_.push_back(std::move(ev));
        phase_ = receiver_phase::failed;
        abort_sent_ = true; // never answer an abort with another
        return ok();
    }
    switch (phase_) {
    case receiver_phase::expect_hello: {
        auto* h = std::get_if<hello>(&m);
        if (!h) {
            return failure(errc::unexpected_message);
        }
        if (h->version != protocol_version) {
            return failure(errc::unsupported_version);
        }
        receiver_event ev;
        ev.what = receiver_event::kind::hello;
        ev.peer = std::move(*h);
        events_.push_back(std::move(ev));
        phase_ = receiver_phase::manifest;
        return ok();
    }
    case receiver_phase::manifest: {
        if (auto* b = std::get_if<manifest_batch>(&m)) {
            for (auto& e : b->entries) {
                PCP_TRY(on_entry(std::move(e)));
            }
            return ok();
        }
        if (auto* end = std::get_if<manifest_end>(&m)) {
            if (*end != counted_) {
                return failure(errc::manifest_mismatch);
            }
            receiver_event ev;
            ev.what = receiver_event::kind::offer;
            ev.totals = counted_;
            events_.push_back(ev);
            phase_ = receiver_phase::decide;
            return ok();
        }
        return failure(errc::unexpected_message);
    }
    case receiver_phase::data: {
        if (auto* h = std::get_if<data_header>(&m)) {
            return on_segment(*h);
        }
        if (auto* d = std::get_if<done>(&m)) {
            if (open_file_ || files_done_ != counted_.files || bytes_done_ != counted_.bytes ||
                d->files != files_done_ || d->bytes != bytes_done_) {
                return failure(errc::manifest_mismatch);
            }
            done_seen_ = true;
            phase_ = receiver_phase::finishing;
            receiver_event ev;
            ev.what = receiver_event::kind::done;
            events_.push_back(ev);
            return ok();
        }
        return failure(errc::unexpected_message);
    }
    default: return failure(errc::unexpected_message);
    }
}

result<void> receiver_machine::handle_eof()
{
    if (phase_ == receiver_phase::closed) {
        return ok();
    }
    if (phase_ != receiver_phase::failed) {
        phase_ = receiver_phase::failed;
    }
    return make_error_code(errc::interrupted);
}

result<void> receiver_machine::accept()
{
    if (phase_ != receiver_phase::decide) {
        return make_error_code(errc::unexpected_message);
    }
    queue(message{transfer::accept{}});
    phase_ = receiver_phase::data;
    return ok();
}

result<void> receiver_machine::reject(reject_reason why, std::string text)
{
    if (phase_ != receiver_phase::decide && phase_ != receiver_phase::manifest && phase_ != receiver_phase::expect_hello) {
        return make_error_code(errc::unexpected_message);
    }
    if (text.size() > max_text_size) {
        text.resize(max_text_size);
    }
    queue(message{transfer::reject{static_cast<std::uint32_t>(why), std::move(text)}});
    phase_ = receiver_phase::closed;
    abort_sent_ = true;
    return ok();
}

result<void> receiver_machine::file_ok(std::uint64_t index, std::uint32_t crc32c)
{
    if (unacked_.empty() || unacked_.front() != index) {
        return make_error_code(errc::unexpected_message);
    }
    unacked_.pop_front();
    queue(message{transfer::file_ack{index, crc32c}});
    return ok();
}

result<void> receiver_machine::finish(bool synced)
{
    if (phase_ != receiver_phase::finishing || !unacked_.empty()) {
        return make_error_code(errc::unexpected_message);
    }
    queue(message{transfer::finished{synced}});
    phase_ = receiver_phase::closed;
    return ok();
}

void receiver_machine::fail(abort_code code, std::string text, std::optional<std::uint64_t> file)
{
    if (!abort_sent_ && phase_ != receiver_phase::closed) {
        if (text.size() > max_text_size) {
            text.resize(max_text_size);
        }
        if (phase_ == receiver_phase::expect_hello || phase_ == receiver_phase::manifest ||
            phase_ == receiver_phase::decide) {
            queue(message{transfer::reject{static_cast<std::uint32_t>(reject_reason::invalid), std::move(text)}});
        } else {
            queue(message{transfer::abort{static_cast<std::uint32_t>(code), std::move(text), file}});
        }
        abort_sent_ = true;
    }
    phase_ = receiver_phase::failed;
}

bool receiver_machine::poll_transmit(byte_buffer& out)
{
    if (tx_.empty()) {
        return false;
    }
    append(out, tx_);
    tx_.clear();
    return true;
}

std::optional<receiver_event> receiver_machine::poll_event()
{
    if (events_.empty()) {
        return std::nullopt;
    }
    auto ev = std::move(events_.front());
    events_.pop_front();
    return ev;
}

// ---------------------------------------------------------------------------------------------
// sender

sender_machine::sender_machine(sender_config cfg) : cfg_(std::move(cfg))
{
    hello h;
    h.capabilities = cfg_.capabilities;
    h.agent = cfg_.agent;
    queue(message{std::move(h)});
}

void sender_machine::queue(const message& m) { encode(m, tx_); }

error_code sender_machine::failure(error_code ec)
{
    if (!abort_sent_ && phase_ != sender_phase::closed && phase_ != sender_phase::failed) {
        auto code = ec == errc::integrity ? abort_code::integrity : abort_code::protocol;
        queue(message{transfer::abort{static_cast<std::uint32_t>(code), ec.message(), std::nullopt}});
        abort_sent_ = true;
    }
    phase_ = sender_phase::failed;
    return ec;
}

void sender_machine::flush_batch()
{
    if (batch_.entries.empty()) {
        return;
    }
    queue(message{std::move(batch_)});
    batch_ = {};
    batch_bytes_ = 0;
}

result<void> sender_machine::add_entry(const entry& e)
{
    if (phase_ != sender_phase::manifest) {
        return make_error_code(errc::unexpected_message);
    }
    PCP_TRY(validate_entry(e));
    PCP_TRY(check_preorder(stack_, ends_, e.path, e.kind == kind_directory));
    auto size = encoded_entry_size(e);
    if (!batch_.entries.empty() &&
        (batch_.entries.size() == max_batch_entries || batch_bytes_ + size > cfg_.max_batch_bytes)) {
        flush_batch();
    }
    batch_.entries.push_back(e);
    batch_bytes_ += size;
    ++totals_.entries;
    if (e.kind == kind_file) {
        ++totals_.files;
        totals_.bytes += e.size;
    }
    return ok();
}

result<void> sender_machine::end_manifest()
{
    if (phase_ != sender_phase::manifest) {
        return make_error_code(errc::unexpected_message);
    }
    flush_batch();
    queue(message{totals_});
    phase_ = sender_phase::await_decision;
    return ok();
}

result<std::size_t> sender_machine::handle_input(bytes_view in)
{
    if (phase_ == sender_phase::failed || phase_ == sender_phase::closed) {
        return make_error_code(errc::unexpected_message);
    }
    std::optional<message> m;
    auto used = reader_.next(in, m);
    if (!used) {
        return failure(used.error());
    }
    if (m) {
        PCP_TRY(on_message(std::move(*m)));
    }
    return used.value();
}

result<void> sender_machine::on_message(message&& m)
{
    if (std::holds_alternative<std::monostate>(m)) {
        return ok();
    }
    if (auto* a = std::get_if<abort>(&m)) {
        sender_event ev;
        ev.what = sender_event::kind::aborted;
        ev.abort_msg = std::move(*a);
        events_.push_back(std::move(ev));
        phase_ = sender_phase::failed;
        abort_sent_ = true;
        return ok();
    }
    if (auto* h = std::get_if<hello>(&m)) {
        if (peer_hello_) {
            return failure(errc::unexpected_message);
        }
        if (h->version != protocol_version) {
            return failure(errc::unsupported_version);
        }
        peer_hello_ = true;
        sender_event ev;
        ev.what = sender_event::kind::hello;
        ev.peer = std::move(*h);
        events_.push_back(std::move(ev));
        return ok();
    }
    if (!peer_hello_) {
        return failure(errc::unexpected_message);
    }
    if (auto* r = std::get_if<reject>(&m)) {
        if (phase_ != sender_phase::manifest && phase_ != sender_phase::await_decision) {
            return failure(errc::unexpected_message);
        }
        sender_event ev;
        ev.what = sender_event::kind::rejected;
        ev.reject_msg = std::move(*r);
        events_.push_back(std::move(ev));
        phase_ = sender_phase::closed;
        return ok();
    }
    if (auto* a = std::get_if<accept>(&m)) {
        if (phase_ != sender_phase::await_decision || !a->starts.empty()) {
            return failure(errc::unexpected_message); // v1: no resume, so no start offsets
        }
        phase_ = sender_phase::data;
        sender_event ev;
        ev.what = sender_event::kind::accepted;
        events_.push_back(ev);
        return ok();
    }
    if (auto* k = std::get_if<file_ack>(&m)) {
        if ((phase_ != sender_phase::data && phase_ != sender_phase::await_finish) || unacked_.empty() ||
            unacked_.front().index != k->file) {
            return failure(errc::unexpected_message);
        }
        if (unacked_.front().crc32c != k->crc32c) {
            return failure(errc::integrity);
        }
        unacked_.pop_front();
        sender_event ev;
        ev.what = sender_event::kind::acked;
        ev.index = k->file;
        events_.push_back(ev);
        return ok();
    }
    if (auto* f = std::get_if<finished>(&m)) {
        if (phase_ != sender_phase::await_finish || !unacked_.empty()) {
            return failure(errc::unexpected_message);
        }
        phase_ = sender_phase::closed;
        sender_event ev;
        ev.what = sender_event::kind::finished;
        ev.synced = f->synced;
        events_.push_back(ev);
        return ok();
    }
    return failure(errc::unexpected_message);
}

result<void> sender_machine::handle_eof()
{
    if (phase_ == sender_phase::closed) {
        return ok();
    }
    phase_ = sender_phase::failed;
    return make_error_code(errc::interrupted);
}

result<void> sender_machine::begin_segment(const data_header& h, byte_buffer& out)
{
    if (phase_ != sender_phase::data || h.length > max_segment_size) {
        return make_error_code(errc::unexpected_message);
    }
    if (open_file_) {
        if (h.file != *open_file_ || h.offset != file_offset_) {
            return make_error_code(errc::out_of_order);
        }
    } else {
        if ((last_file_ && h.file <= *last_file_) || h.offset != 0 || !can_send_file()) {
            return make_error_code(errc::out_of_order);
        }
        open_file_ = h.file;
        file_offset_ = 0;
    }
    encode(message{h}, out);
    file_offset_ += h.length;
    bytes_sent_ += h.length;
    if (h.last) {
        last_file_ = open_file_;
    }
    return ok();
}

result<void> sender_machine::file_sent(std::uint64_t index, std::uint32_t crc32c)
{
    if (phase_ != sender_phase::data || !open_file_ || *open_file_ != index || last_file_ != open_file_) {
        return make_error_code(errc::unexpected_message);
    }
    open_file_.reset();
    ++files_sent_;
    unacked_.push_back({index, crc32c});
    return ok();
}

result<void> sender_machine::finish_data()
{
    if (phase_ != sender_phase::data || open_file_ || files_sent_ != totals_.files) {
        return make_error_code(errc::unexpected_message);
    }
    queue(message{transfer::done{files_sent_, bytes_sent_}});
    phase_ = sender_phase::await_finish;
    return ok();
}

void sender_machine::fail(abort_code code, std::string text, std::optional<std::uint64_t> file)
{
    if (!abort_sent_ && phase_ != sender_phase::closed && phase_ != sender_phase::failed) {
        if (text.size() > max_text_size) {
            text.resize(max_text_size);
        }
        queue(message{transfer::abort{static_cast<std::uint32_t>(code), std::move(text), file}});
        abort_sent_ = true;
    }
    phase_ = sender_phase::failed;
}

bool sender_machine::poll_transmit(byte_buffer& out)
{
    if (tx_.empty()) {
        return false;
    }
    append(out, tx_);
    tx_.clear();
    return true;
}

std::optional<sender_event> sender_machine::poll_event()
{
    if (events_.empty()) {
        return std::nullopt;
    }
    auto ev = std::move(events_.front());
    events_.pop_front();
    return ev;
}

} // namespace pcp::p2p::transfer
