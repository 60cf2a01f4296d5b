// SPDX-License-Identifier: MIT
// The two machines wired back to back (no sockets), and the receiver machine against hostile
// manifests and data.
#include "p2p/transfer/errc.hpp"
#include "p2p/transfer/machine.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::transfer {
namespace {

std::uint32_t digest_of(std::uint64_t i)
{
    return 0x9e3779b9u * static_cast<std::uint32_t>(i + 1);
}

/// Feed everything `from` has to send into the receiver; collect events.
std::vector<receiver_event> to_receiver(sender_machine& s, receiver_machine& r, byte_buffer extra = {}, result<void>* err = nullptr)
{
    byte_buffer out;
    s.poll_transmit(out);
    append(out, extra);
    std::vector<receiver_event> evs;
    bytes_view in(out);
    while (!in.empty()) {
        auto used = r.handle_input(in);
        if (!used) {
            if (err) {
                *err = used.error();
            }
            break;
        }
        in = in.subspan(used.value());
        while (auto ev = r.poll_event()) {
            evs.push_back(*ev);
        }
    }
    return evs;
}

std::vector<sender_event> to_sender(receiver_machine& r, sender_machine& s, result<void>* err = nullptr)
{
    byte_buffer out;
    r.poll_transmit(out);
    std::vector<sender_event> evs;
    bytes_view in(out);
    while (!in.empty()) {
        auto used = s.handle_input(in);
        if (!used) {
            if (err) {
                *err = used.error();
            }
            break;
        }
        in = in.subspan(used.value());
        while (auto ev = s.poll_event()) {
            evs.push_back(*ev);
        }
    }
    return evs;
}

TEST(transfer_machine, full_conversation)
{
    sender_machine s;
    receiver_machine r;
    ASSERT_TRUE(s.add_entry({"top", kind_directory, 0, 0755, 1, 0}));
    ASSERT_TRUE(s.add_entry({"top/a", kind_file, 3, 0644, 1, 0}));
    ASSERT_TRUE(s.add_entry({"top/sub", kind_directory, 0, 0700, 1, 0}));
    ASSERT_TRUE(s.add_entry({"top/sub/empty", kind_file, 0, 0600, 1, 0}));
    ASSERT_TRUE(s.add_entry({"file2", kind_file, 2, 0644, 1, 0}));
    ASSERT_TRUE(s.end_manifest());
    auto evs = to_receiver(s, r);
    ASSERT_EQ(evs.size(), 1u + 5 + 1);
    EXPECT_EQ(evs[0].what, receiver_event::kind::hello);
    EXPECT_EQ(evs[2].item.path, "top/a");
    EXPECT_EQ(evs.back().what, receiver_event::kind::offer);
    EXPECT_EQ(evs.back().totals, (manifest_end{5, 3, 5}));
    ASSERT_TRUE(r.accept());
    auto sev = to_sender(r, s);
    ASSERT_EQ(sev.size(), 2u);
    EXPECT_EQ(sev[0].what, sender_event::kind::hello);
    EXPECT_EQ(sev[1].what, sender_event::kind::accepted);

    byte_buffer wire;
    ASSERT_TRUE(s.begin_segment({1, 0, 2, false}, wire));
    append(wire, std::string_view("ab"));
    ASSERT_TRUE(s.begin_segment({1, 2, 1, true}, wire));
    append(wire, std::string_view("c"));
    ASSERT_TRUE(s.file_sent(1, digest_of(1)));
    ASSERT_TRUE(s.begin_segment({3, 0, 0, true}, wire));
    ASSERT_TRUE(s.file_sent(3, digest_of(3)));
    ASSERT_TRUE(s.begin_segment({4, 0, 2, true}, wire));
    append(wire, std::string_view("xy"));
    ASSERT_TRUE(s.file_sent(4, digest_of(4)));
    ASSERT_TRUE(s.finish_data());
    byte_buffer done_frame;
    s.poll_transmit(done_frame);
    append(wire, done_frame);
    std::string data;
    std::vector<std::uint64_t> ended;
    bool done_seen = false;
    // Deliver in 1-byte pieces: raw bytes and frames interleave.
    for (auto b : wire) {
        auto used = r.handle_input(bytes_view(&b, 1));
        ASSERT_TRUE(used) << used.error().message();
        while (auto ev = r.poll_event()) {
            if (ev->what == receiver_event::kind::data) {
                data.append(as_chars(ev->bytes));
            } else if (ev->what == receiver_event::kind::file_end) {
                ended.push_back(ev->index);
                ASSERT_TRUE(r.file_ok(ev->index, digest_of(ev->index)));
            } else if (ev->what == receiver_event::kind::done) {
                done_seen = true;
            }
        }
    }
    EXPECT_EQ(data, "abcxy");
    EXPECT_EQ(ended, (std::vector<std::uint64_t>{1, 3, 4}));
    ASSERT_TRUE(done_seen);
    ASSERT_TRUE(r.finish(true));
    sev = to_sender(r, s);
    ASSERT_EQ(sev.size(), 4u);
    EXPECT_EQ(sev[0].what, sender_event::kind::acked);
    EXPECT_EQ(sev[3].what, sender_event::kind::finished);
    EXPECT_TRUE(sev[3].synced);
    EXPECT_EQ(s.phase(), sender_phase::closed);
    EXPECT_EQ(r.phase(), receiver_phase::closed);
    EXPECT_TRUE(r.handle_eof());
    EXPECT_TRUE(s.handle_eof());
}

TEST(transfer_machine, sender_detects_a_hash_mismatch_and_aborts)
{
    sender_machine s;
    receiver_machine r;
    ASSERT_TRUE(s.add_entry({"f", kind_file, 1, 0644, 1, 0}));
    ASSERT_TRUE(s.end_manifest());
    to_receiver(s, r);
    ASSERT_TRUE(r.accept());
    to_sender(r, s);
    byte_buffer wire;
    ASSERT_TRUE(s.begin_segment({0, 0, 1, true}, wire));
    append(wire, std::string_view("z"));
    ASSERT_TRUE(s.file_sent(0, digest_of(0)));
    for (auto b : wire) {
        ASSERT_TRUE(r.handle_input(bytes_view(&b, 1)));
    }
    while (r.poll_event()) {
    }
    ASSERT_TRUE(r.file_ok(0, digest_of(99)));
    result<void> err = ok();
    to_sender(r, s, &err);
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error(), errc::integrity);
    byte_buffer abort_frame;
    ASSERT_TRUE(s.poll_transmit(abort_frame));
    auto d = decode(abort_frame);
    ASSERT_TRUE(d);
    EXPECT_EQ(std::get<abort>(*d.value().message).code, static_cast<std::uint32_t>(abort_code::integrity));
}

TEST(transfer_machine, reject_reaches_the_sender_even_during_the_manifest)
{
    sender_machine s;
    receiver_machine r;
    ASSERT_TRUE(s.add_entry({"f", kind_file, 1, 0644, 1, 0}));
    to_receiver(s, r);
    ASSERT_TRUE(r.reject(reject_reason::declined, "no"));
    auto sev = to_sender(r, s);
    ASSERT_EQ(sev.size(), 2u);
    EXPECT_EQ(sev[1].what, sender_event::kind::rejected);
    EXPECT_EQ(sev[1].reject_msg.message, "no");
}

/// Receiver fed a raw manifest: the first error and what it answered.
error_code receive_manifest(std::vector<entry> entries, manifest_end end, receiver_config cfg = {}, reject* answer = nullptr)
{
    receiver_machine r(std::move(cfg));
    byte_buffer junk;
    r.poll_transmit(junk);
    byte_buffer in;
    encode(message{hello{}}, in);
    for (std::size_t i = 0; i < entries.size(); i += max_batch_entries) {
        manifest_batch b;
        for (std::size_t k = i; k < std::min(entries.size(), i + max_batch_entries); ++k) {
            b.entries.push_back(entries[k]);
        }
        encode(message{b}, in);
    }
    encode(message{end}, in);
    bytes_view v(in);
    while (!v.empty()) {
        auto used = r.handle_input(v);
        if (!used) {
            byte_buffer out;
            if (r.poll_transmit(out) && answer) {
                auto d = decode(out);
                if (d && d.value().complete()) {
                    if (auto* rj = std::get_if<reject>(&*d.value().message)) {
                        *answer = *rj;
                    }
                }
            }
            return used.error();
        }
        v = v.subspan(used.value());
        while (r.poll_event()) {
        }
    }
    return {};
}

TEST(transfer_machine, hostile_manifests_are_rejected)
{
    auto f = [](std::string p) { return entry{std::move(p), kind_file, 1, 0644, 0, 0}; };
    auto d = [](std::string p) { return entry{std::move(p), kind_directory, 0, 0755, 0, 0}; };
    reject answer;
    EXPECT_EQ(receive_manifest({f("../evil")}, {1, 1, 1}, {}, &answer), errc::invalid_path);
    EXPECT_EQ(answer.reason, static_cast<std::uint32_t>(reject_reason::invalid));
    EXPECT_EQ(receive_manifest({f("/etc/passwd")}, {1, 1, 1}), errc::invalid_path);
    EXPECT_EQ(receive_manifest({d("a"), f("a/../../b")}, {2, 1, 1}), errc::invalid_path);
    EXPECT_EQ(receive_manifest({entry{"link", kind_symlink, 0, 0777, 0, 0}}, {1, 0, 0}), errc::invalid_entry);
    EXPECT_EQ(receive_manifest({entry{"dev", 9, 0, 0, 0, 0}}, {1, 0, 0}), errc::invalid_entry);
    EXPECT_EQ(receive_manifest({entry{"d", kind_directory, 5, 0, 0, 0}}, {1, 0, 0}), errc::invalid_entry);
    EXPECT_EQ(receive_manifest({entry{"t", kind_file, 0, 0, 0, 1000000000}}, {1, 1, 0}), errc::invalid_entry);
    // Parent not declared (or declared as a file), child out of pre-order.
    EXPECT_EQ(receive_manifest({f("a/b")}, {1, 1, 1}), errc::invalid_entry);
    EXPECT_EQ(receive_manifest({f("a"), f("a/b")}, {2, 2, 2}), errc::invalid_entry);
    EXPECT_EQ(receive_manifest({d("a"), d("b"), f("a/x")}, {3, 1, 1}), errc::invalid_entry);
    // Pre-order with backtracking is fine.
    EXPECT_EQ(receive_manifest({d("a"), d("a/b"), f("a/b/c"), f("a/x"), d("z"), f("z/q")}, {6, 3, 3}), error_code{});
    // Totals that lie.
    EXPECT_EQ(receive_manifest({f("a")}, {1, 1, 2}), errc::manifest_mismatch);
    EXPECT_EQ(receive_manifest({f("a")}, {2, 1, 1}), errc::manifest_mismatch);
    // Limits at N and N+1.
    receiver_config small;
    small.max_entries = 3;
    EXPECT_EQ(receive_manifest({f("a"), f("b"), f("c")}, {3, 3, 3}, small), error_code{});
    EXPECT_EQ(receive_manifest({f("a"), f("b"), f("c"), f("d")}, {4, 4, 4}, small, &answer), errc::limit_exceeded);
    EXPECT_EQ(answer.reason, static_cast<std::uint32_t>(reject_reason::limits));
    receiver_config bytes;
    bytes.max_total_bytes = 2;
    EXPECT_EQ(receive_manifest({f("a"), f("b")}, {2, 2, 2}, bytes), error_code{});
    EXPECT_EQ(receive_manifest({f("a"), f("b"), f("c")}, {3, 3, 3}, bytes), errc::limit_exceeded);
    EXPECT_EQ(receive_manifest({entry{"huge", kind_file, max_file_size + 1, 0, 0, 0}}, {1, 1, 0}), errc::limit_exceeded);
}

TEST(transfer_machine, receiver_refuses_another_version)
{
    receiver_machine r;
    byte_buffer in;
    encode(message{hello{2, {}, ""}}, in);
    auto used = r.handle_input(in);
    ASSERT_FALSE(used);
    EXPECT_EQ(used.error(), errc::unsupported_version);
}

/// A receiver that accepted a manifest of `files` one-byte files.
receiver_machine accepted_receiver(std::size_t files)
{
    receiver_machine r;
    byte_buffer in;
    encode(message{hello{}}, in);
    manifest_batch b;
    for (std::size_t i = 0; i < files; ++i) {
        b.entries.push_back({"f" + std::to_string(i), kind_file, 1, 0644, 0, 0});
    }
    encode(message{b}, in);
    encode(message{manifest_end{files, files, files}}, in);
    bytes_view v(in);
    while (!v.empty()) {
        auto used = r.handle_input(v);
        EXPECT_TRUE(used);
        v = v.subspan(used.value());
    }
    while (r.poll_event()) {
    }
    EXPECT_TRUE(r.accept());
    return r;
}

error_code feed(receiver_machine& r, const byte_buffer& in)
{
    bytes_view v(in);
    while (!v.empty()) {
        auto used = r.handle_input(v);
        if (!used) {
            return used.error();
        }
        v = v.subspan(used.value());
        while (auto ev = r.poll_event()) {
            if (ev->what == receiver_event::kind::file_end) {
                EXPECT_TRUE(r.file_ok(ev->index, {}));
            }
        }
    }
    return {};
}

TEST(transfer_machine, data_out_of_order_is_refused)
{
    {
        auto r = accepted_receiver(2);
        byte_buffer in;
        encode(message{data_header{1, 0, 1, true}}, in); // skips file 0: fine for the machine
        in.push_back(std::byte{'x'});
        encode(message{data_header{0, 0, 1, true}}, in); // going back
        EXPECT_EQ(feed(r, in), errc::out_of_order);
    }
    {
        auto r = accepted_receiver(2);
        byte_buffer in;
        encode(message{data_header{0, 5, 1, true}}, in); // offset ≠ 0
        EXPECT_EQ(feed(r, in), errc::out_of_order);
    }
    {
        auto r = accepted_receiver(1);
        byte_buffer in;
        encode(message{data_header{0, 0, 2, true}}, in); // more than the manifest's bytes
        EXPECT_EQ(feed(r, in), errc::manifest_mismatch);
    }
    {
        auto r = accepted_receiver(2);
        byte_buffer in;
        encode(message{data_header{0, 0, 1, true}}, in);
        in.push_back(std::byte{'x'});
        encode(message{done{1, 1}}, in); // one file missing
        EXPECT_EQ(feed(r, in), errc::manifest_mismatch);
    }
    {
        auto r = accepted_receiver(1);
        byte_buffer in;
        encode(message{manifest_end{}}, in); // wrong phase
        EXPECT_EQ(feed(r, in), errc::unexpected_message);
    }
}

TEST(transfer_machine, eof_before_the_end_is_interrupted)
{
    auto r = accepted_receiver(1);
    EXPECT_EQ(r.handle_eof().error(), errc::interrupted);
}

TEST(transfer_machine, preorder_rule)
{
    std::string stack;
    std::vector<std::size_t> ends;
    EXPECT_TRUE(check_preorder(stack, ends, "a", true));
    EXPECT_TRUE(check_preorder(stack, ends, "a/b", true));
    EXPECT_TRUE(check_preorder(stack, ends, "a/b/f", false));
    EXPECT_TRUE(check_preorder(stack, ends, "a/g", false));
    EXPECT_FALSE(check_preorder(stack, ends, "a/b/h", false)); // a/b was left
    EXPECT_TRUE(check_preorder(stack, ends, "top", false));
    EXPECT_FALSE(check_preorder(stack, ends, "ab/x", false));
}

TEST(transfer_machine, sender_splits_batches_by_count_and_bytes)
{
    sender_machine s;
    for (std::size_t i = 0; i < max_batch_entries * 2 + 1; ++i) {
        ASSERT_TRUE(s.add_entry({"f" + std::to_string(i), kind_file, 1, 0644, 0, 0}));
    }
    ASSERT_TRUE(s.end_manifest());
    byte_buffer out;
    s.poll_transmit(out);
    std::size_t batches = 0;
    bytes_view v(out);
    while (!v.empty()) {
        auto d = decode(v);
        ASSERT_TRUE(d);
        ASSERT_TRUE(d.value().complete());
        batches += std::holds_alternative<manifest_batch>(*d.value().message) ? 1 : 0;
        v = v.subspan(d.value().consumed);
    }
    EXPECT_EQ(batches, 3u);
    // Long paths: the byte bound splits first, and every frame stays below max_message_size.
    sender_machine big;
    ASSERT_TRUE(big.add_entry({"d", kind_directory, 0, 0755, 0, 0}));
    for (int i = 0; i < 400; ++i) {
        ASSERT_TRUE(big.add_entry({"d/" + std::to_string(i) + std::string(250, 'x'), kind_file, 1, 0644, 0, 0}));
    }
    ASSERT_TRUE(big.end_manifest());
    out.clear();
    big.poll_transmit(out);
    v = bytes_view(out);
    batches = 0;
    while (!v.empty()) {
        auto d = decode(v);
        ASSERT_TRUE(d);
        batches += std::holds_alternative<manifest_batch>(*d.value().message) ? 1 : 0;
        v = v.subspan(d.value().consumed);
    }
    EXPECT_EQ(batches, 1u); // 400 × ~270 B < 512 KiB
}

} // namespace
} // namespace pcp::p2p::transfer
