// SPDX-License-Identifier: MIT
#include "p2p/identify/errc.hpp"
#include "p2p/identify/wire.hpp"
#include "p2p/peer/protobuf.hpp"
#include "p2p/peer/varint.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::identify {
namespace {

message sample()
{
    message m;
    m.protocol_version = "ipfs/0.1.0";
    m.agent_version = "pcp/0.1.0";
    m.public_key = byte_buffer{std::byte{8}, std::byte{1}, std::byte{18}, std::byte{0}};
    m.listen_addrs = {byte_buffer{std::byte{4}, std::byte{127}, std::byte{0}, std::byte{0}, std::byte{1}}};
    m.observed_addr = byte_buffer{std::byte{4}, std::byte{10}, std::byte{0}, std::byte{0}, std::byte{2}};
    m.protocols = {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"};
    return m;
}

TEST(identify_wire, round_trip)
{
    byte_buffer out;
    encode_framed(sample(), out);
    auto d = decode_framed(out);
    ASSERT_TRUE(d);
    ASSERT_TRUE(d.value().complete());
    EXPECT_EQ(d.value().consumed, out.size());
    const auto& m = *d.value().message;
    EXPECT_EQ(m.agent_version, sample().agent_version);
    EXPECT_EQ(m.protocols, sample().protocols);
    EXPECT_EQ(m.listen_addrs, sample().listen_addrs);
    EXPECT_EQ(m.observed_addr, sample().observed_addr);
}

TEST(identify_wire, byte_at_a_time_needs_more_until_complete)
{
    byte_buffer out;
    encode_framed(sample(), out);
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto d = decode_framed(bytes_view(out.data(), i));
        ASSERT_TRUE(d) << i;
        EXPECT_FALSE(d.value().complete()) << i;
    }
}

TEST(identify_wire, unknown_fields_are_ignored)
{
    byte_buffer body;
    peer::pb::put_string(6, "x", body);
    peer::pb::put_varint(99, 7, body);
    auto m = decode(body);
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value().agent_version, "x");
}

TEST(identify_wire, limits_at_n_and_n_plus_one)
{
    message m;
    m.protocols.assign(max_protocols, "/p");
    byte_buffer ok_body;
    encode(m, ok_body);
    EXPECT_TRUE(decode(ok_body));
    m.protocols.push_back("/p");
    byte_buffer bad_body;
    encode(m, bad_body);
    EXPECT_EQ(decode(bad_body).error(), make_error_code(errc::limit_exceeded));

    byte_buffer big;
    peer::encode_varint(max_message_size + 1, big);
    big.resize(big.size() + max_message_size + 1);
    EXPECT_EQ(decode_framed(big).error(), make_error_code(errc::message_too_large));

    message s;
    s.agent_version = std::string(max_string + 1, 'a');
    byte_buffer long_string;
    encode(s, long_string);
    EXPECT_FALSE(decode(long_string));
}

TEST(identify_wire, malformed_protobuf_is_an_error)
{
    byte_buffer body{std::byte{0x0a}, std::byte{0x05}, std::byte{1}}; // field 1, length 5, 1 byte
    EXPECT_EQ(decode(body).error(), make_error_code(errc::malformed));
    byte_buffer wrong_type{std::byte{0x30}, std::byte{1}}; // field 6 as varint
    EXPECT_EQ(decode(wrong_type).error(), make_error_code(errc::malformed));
}

TEST(identify_wire, merge_keeps_absent_fields)
{
    message base = sample();
    message push;
    push.protocols = {"/new/1"};
    push.has_protocols = true;
    merge(base, push);
    EXPECT_EQ(base.protocols, std::vector<std::string>{"/new/1"});
    EXPECT_EQ(base.agent_version, sample().agent_version);
}

} // namespace
} // namespace pcp::p2p::identify
