// SPDX-License-Identifier: MIT
#include "p2p/peer/addr_scope.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::peer {
namespace {

addr_scope scope(std::string_view text)
{
    auto ma = multiaddr::from_string(text);
    EXPECT_TRUE(ma) << text;
    return ma ? scope_of(ma.value()) : addr_scope::unknown;
}

TEST(addr_scope, ipv4_blocks)
{
    EXPECT_EQ(scope("/ip4/0.0.0.0/tcp/1"), addr_scope::unspecified);
    EXPECT_EQ(scope("/ip4/127.0.0.1/tcp/1"), addr_scope::loopback);
    EXPECT_EQ(scope("/ip4/127.255.0.9/tcp/1"), addr_scope::loopback);
    EXPECT_EQ(scope("/ip4/169.254.3.4/tcp/1"), addr_scope::link_local);
    EXPECT_EQ(scope("/ip4/10.1.2.3/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip4/172.16.0.1/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip4/172.31.255.1/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip4/172.32.0.1/tcp/1"), addr_scope::public_net);
    EXPECT_EQ(scope("/ip4/192.168.1.1/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip4/100.64.0.1/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip4/100.128.0.1/tcp/1"), addr_scope::public_net);
    EXPECT_EQ(scope("/ip4/224.0.0.251/udp/5353"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip4/104.131.131.82/tcp/4001"), addr_scope::public_net);
    EXPECT_EQ(scope("/ip4/8.8.8.8/udp/4001/quic-v1"), addr_scope::public_net);
}

TEST(addr_scope, ipv6_blocks)
{
    EXPECT_EQ(scope("/ip6/::/tcp/1"), addr_scope::unspecified);
    EXPECT_EQ(scope("/ip6/::1/tcp/1"), addr_scope::loopback);
    EXPECT_EQ(scope("/ip6/fe80::1/tcp/1"), addr_scope::link_local);
    EXPECT_EQ(scope("/ip6/fd31::2/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip6/2001:db8::1/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip6/2604:a880:1:20::203:d001/tcp/4001"), addr_scope::public_net);
    EXPECT_EQ(scope("/ip6/::ffff:10.0.0.1/tcp/1"), addr_scope::private_net);
    EXPECT_EQ(scope("/ip6/::ffff:1.2.3.4/tcp/1"), addr_scope::public_net);
}

TEST(addr_scope, names_and_others)
{
    EXPECT_EQ(scope("/dns4/example.com/tcp/1"), addr_scope::public_net);
    EXPECT_EQ(scope("/dnsaddr/bootstrap.libp2p.io"), addr_scope::public_net);
    EXPECT_EQ(scope("/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"), addr_scope::unknown);
    EXPECT_TRUE(is_public(multiaddr::from_string("/ip4/1.1.1.1/tcp/4001").value()));
    EXPECT_FALSE(is_public(multiaddr::from_string("/ip4/192.168.0.2/tcp/4001").value()));
}

} // namespace
} // namespace pcp::p2p::peer
