// SPDX-License-Identifier: MIT
// Shared by the tests that talk to tests/tools/dns_server.py (started by with_dns_servers.sh inside
// a fresh network namespace): the namespace guard, the servers' addresses, running a task to its
// end on an io_context, and the main server's query log.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "engine/task.hpp"

namespace pcp::transport::dns::test {

/// True when this process shares PID 1's network namespace (tests must never run there).
inline bool in_host_namespace()
{
    std::error_code e1;
    std::error_code e2;
    auto self = std::filesystem::read_symlink("/proc/self/ns/net", e1);
    auto init = std::filesystem::read_symlink("/proc/1/ns/net", e2);
    return !e1 && !e2 && self == init;
}

/// An environment variable, "" when unset (PCP_DNS_TEST_SERVER, _DROP, _SLOW, _SERVFAIL, _SERVER6, _LOG).
inline std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
}

/// gtest assertions for SetUp(): a test namespace and the servers are there.
inline void require_test_servers()
{
    ASSERT_FALSE(in_host_namespace()) << "run me through tests/netns/netns.sh unshare -- (never in the host namespace)";
    ASSERT_FALSE(env("PCP_DNS_TEST_SERVER").empty()) << "run me through tests/transport/dns/with_dns_servers.sh";
}

template <class T>
task<void> store(task<T> t, std::optional<T>* out)
{
    *out = co_await std::move(t);
}

/// Run `t` on `ctx` until it has finished (at most `bound`), leaving other work (abandoned
/// queries) queued; returns how long it took. `out` is empty when it did not finish.
template <class T>
duration run_until_done(asio::io_context& ctx, task<T> t, std::optional<T>& out, duration bound = 20s)
{
    asio::co_spawn(ctx, store(std::move(t), &out), asio::detached);
    ctx.restart();
    const auto t0 = steady::now();
    const auto until = t0 + bound;
    while (!out && steady::now() < until && ctx.run_one_for(until - steady::now()) > 0) {
    }
    EXPECT_TRUE(out.has_value()) << "task did not finish";
    return steady::now() - t0;
}

/// One line of the main server's query log ("udp|tcp TYPE name").
struct logged_query {
    std::string proto;
    std::string type;
    std::string name;
};

/// The main server's queries so far.
inline std::vector<logged_query> logged_queries()
{
    std::vector<logged_query> out;
    std::ifstream in(env("PCP_DNS_TEST_LOG"));
    for (std::string line; std::getline(in, line);) {
        auto first = line.find(' ');
        auto last = line.rfind(' ');
        if (first == std::string::npos || last == first) {
            continue;
        }
        out.push_back({line.substr(0, first), line.substr(first + 1, last - first - 1), line.substr(last + 1)});
    }
    return out;
}

} // namespace pcp::transport::dns::test
