// SPDX-License-Identifier: MIT
// multistream-select machines: scripted byte exchanges, no sockets. Covers success, "na" fallback,
// "ls", optimistic data right behind the proposal, arbitrary chunking and the attempt limit.
#include "p2p/multistream/machine.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::multistream {
namespace {

byte_buffer msgs(std::initializer_list<std::string_view> texts)
{
    byte_buffer out;
    for (auto t : texts) {
        EXPECT_TRUE(encode(t, out));
    }
    return out;
}
byte_buffer drain(auto& m)
{
    byte_buffer out;
    while (m.poll_transmit(out)) {
    }
    return out;
}

TEST(multistream_dialer, sends_header_and_proposal_at_once)
{
    auto d = dialer::create({"/noise"});
    ASSERT_TRUE(d);
    EXPECT_EQ(to_hex(drain(d.value())), "132f6d756c746973747265616d2f312e302e300a072f6e6f6973650a");
    EXPECT_FALSE(d.value().poll_event());
    auto reply = msgs({protocol_id, "/noise"});
    auto n = d.value().handle_input(reply);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value(), reply.size());
    EXPECT_TRUE(d.value().confirmed());
    auto ev = d.value().poll_event();
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->what, event::kind::selected);
    EXPECT_EQ(ev->protocol, "/noise");
    EXPECT_EQ(*d.value().selected(), "/noise");
}

TEST(multistream_dialer, na_then_next_proposal)
{
    auto d = dialer::create({"/tls/1.0.0", "/noise"});
    ASSERT_TRUE(d);
    auto& m = d.value();
    drain(m);
    ASSERT_TRUE(m.handle_input(msgs({protocol_id, "na"})));
    EXPECT_EQ(drain(m), msgs({"/noise"}));
    auto ev = m.poll_event();
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->what, event::kind::refused);
    EXPECT_FALSE(m.selected());
    // Echo plus application bytes in one chunk: the tail is not consumed.
    auto in = msgs({"/noise"});
    in.push_back(std::byte{0x42});
    auto n = m.handle_input(in);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value(), in.size() - 1);
    EXPECT_EQ(m.last_consumed(), in.size() - 1);
    EXPECT_EQ(m.poll_event()->what, event::kind::selected);
    // After completion nothing is consumed.
    EXPECT_EQ(m.handle_input(in).value(), 0u);
}

TEST(multistream_dialer, all_refused)
{
    auto d = dialer::create({"/a", "/b"});
    auto& m = d.value();
    auto r = m.handle_input(msgs({protocol_id, "na", "na"}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::protocol_not_supported);
    EXPECT_TRUE(m.failed());
    EXPECT_EQ(m.handle_input(msgs({"/a"})).error(), errc::protocol_not_supported);
}

TEST(multistream_dialer, bad_header_and_unexpected)
{
    auto d = dialer::create({"/a"});
    EXPECT_EQ(d.value().handle_input(msgs({"/multistream/2.0.0"})).error(), errc::bad_header);
    auto d2 = dialer::create({"/a"});
    EXPECT_EQ(d2.value().handle_input(msgs({protocol_id, "/b"})).error(), errc::unexpected_message);
    EXPECT_EQ(dialer::create({}).error(), errc::invalid_argument);
    EXPECT_EQ(dialer::create({""}).error(), errc::invalid_argument);
    EXPECT_EQ(dialer::create({std::string(max_protocol_size + 1, 'x')}).error(), errc::invalid_argument);
    EXPECT_TRUE(dialer::create({std::string(max_protocol_size, 'x')}));
}

TEST(multistream_dialer, lazy_mode)
{
    auto d = dialer::create({"/ipfs/kad/1.0.0"}, true);
    auto& m = d.value();
    auto ev = m.poll_event();
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->what, event::kind::selected);
    EXPECT_EQ(*m.selected(), "/ipfs/kad/1.0.0");
    EXPECT_FALSE(m.confirmed());
    drain(m);
    auto in = msgs({protocol_id, "/ipfs/kad/1.0.0"});
    in.push_back(std::byte{1});
    in.push_back(std::byte{2});
    // Byte by byte: the machine takes exactly the two messages.
    std::size_t used = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto n = m.handle_input(bytes_view(in).subspan(i, 1));
        ASSERT_TRUE(n);
        used += n.value();
    }
    EXPECT_EQ(used, in.size() - 2);
    EXPECT_TRUE(m.confirmed());
    EXPECT_EQ(m.poll_event()->what, event::kind::confirmed);

    auto d2 = dialer::create({"/x"}, true);
    EXPECT_EQ(d2.value().handle_input(msgs({protocol_id, "na"})).error(), errc::protocol_not_supported);
    EXPECT_FALSE(d2.value().selected());
}

TEST(multistream_listener, header_and_proposal_together_with_optimistic_tail)
{
    auto l = listener::create({"/noise", "/yamux/1.0.0"});
    ASSERT_TRUE(l);
    auto& m = l.value();
    byte_buffer none;
    EXPECT_FALSE(m.poll_transmit(none));
    auto in = msgs({protocol_id, "/yamux/1.0.0"});
    const std::size_t negotiation = in.size();
    append(in, std::string_view("\x00\x01\x00\x01 app", 8));
    auto n = m.handle_input(in);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value(), negotiation);
    EXPECT_TRUE(m.done());
    EXPECT_EQ(drain(m), msgs({protocol_id, "/yamux/1.0.0"}));
    auto ev = m.poll_event();
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->protocol, "/yamux/1.0.0");
    EXPECT_FALSE(m.poll_event());
}

TEST(multistream_listener, separate_chunks_every_split)
{
    auto in = msgs({protocol_id, "/tls/1.0.0", "/noise"});
    const std::size_t negotiation = in.size();
    append(in, std::string_view("tail"));
    for (std::size_t a = 0; a <= in.size(); ++a) {
        for (std::size_t b = a; b <= in.size(); b += 3) {
            auto l = listener::create({"/noise"});
            auto& m = l.value();
            std::size_t used = 0;
            for (auto chunk : {bytes_view(in).subspan(0, a), bytes_view(in).subspan(a, b - a),
                               bytes_view(in).subspan(b)}) {
                auto n = m.handle_input(chunk);
                ASSERT_TRUE(n);
                used += n.value();
                if (m.done()) {
                    break;
                }
            }
            ASSERT_TRUE(m.done()) << a << "," << b;
            EXPECT_EQ(used, negotiation);
            EXPECT_EQ(drain(m), msgs({protocol_id, "na", "/noise"}));
        }
    }
}

TEST(multistream_listener, eager_header_and_ls)
{
    auto l = listener::create({"/a", "/bb"}, listener::options{.max_attempts = 32, .eager_header = true});
    auto& m = l.value();
    EXPECT_EQ(drain(m), msgs({protocol_id}));
    ASSERT_TRUE(m.handle_input(msgs({protocol_id, "ls"})));
    auto out = drain(m);
    EXPECT_EQ(to_hex(out), "0a032f610a042f62620a0a");
    EXPECT_FALSE(m.done());
    EXPECT_EQ(m.attempts(), 1u);
}

TEST(multistream_listener, attempt_limit)
{
    auto l = listener::create({"/a"}, listener::options{.max_attempts = 3});
    auto& m = l.value();
    ASSERT_TRUE(m.handle_input(msgs({protocol_id, "/x", "/y", "/z"})));
    auto r = m.handle_input(msgs({"/a"})); // 4th proposal: over the limit even if supported
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_many_attempts);
    EXPECT_TRUE(m.failed());
    // Exactly at the limit still succeeds.
    auto l2 = listener::create({"/a"}, listener::options{.max_attempts = 3});
    ASSERT_TRUE(l2.value().handle_input(msgs({protocol_id, "/x", "/y", "/a"})));
    EXPECT_TRUE(l2.value().done());
}

TEST(multistream_listener, errors)
{
    auto l = listener::create({"/a"});
    EXPECT_EQ(l.value().handle_input(msgs({"/a"})).error(), errc::bad_header);
    auto l2 = listener::create({"/a"});
    EXPECT_EQ(l2.value().handle_input(*from_hex("8108")).error(), errc::message_too_large);
    EXPECT_TRUE(l2.value().failed());
    EXPECT_EQ(listener::create({}).error(), errc::invalid_argument);
}

TEST(multistream_pair, dialer_meets_listener)
{
    auto d = dialer::create({"/tls/1.0.0", "/pcp/transfer/1.0.0", "/noise"});
    auto l = listener::create({"/noise", "/pcp/transfer/1.0.0"});
    auto& dm = d.value();
    auto& lm = l.value();
    for (int round = 0; round < 10 && !(dm.confirmed() && lm.done()); ++round) {
        auto a = drain(dm);
        ASSERT_TRUE(lm.handle_input(a));
        auto b = drain(lm);
        ASSERT_TRUE(dm.handle_input(b));
    }
    EXPECT_EQ(*dm.selected(), "/pcp/transfer/1.0.0");
    EXPECT_EQ(*lm.selected(), "/pcp/transfer/1.0.0");
}

} // namespace
} // namespace pcp::p2p::multistream
