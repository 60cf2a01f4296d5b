// SPDX-License-Identifier: MIT
// The closest-peers lookup under a manual clock: convergence on a static network, the α limit,
// timeouts, late answers, failures, liars (far, bogus, huge and closer-but-dead lists), stalling
// peers, the candidate and request bounds, termination.
#include "p2p/kad/query.hpp"
#include "p2p/kad/routing_table.hpp"
#include "tests/p2p/kad/kad_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace pcp::p2p::kad {
namespace {
using test::make_peer;
using query = closest_peers_query;

const instant t0 = instant{} + std::chrono::hours(1);

/// A static network where every node's routing table was filled from the whole population.
struct network {
    std::vector<peer::peer_id> ids;
    std::map<peer::peer_id, routing_table> tables;

    explicit network(std::size_t n, std::uint64_t base = 1)
    {
        for (std::size_t i = 0; i < n; ++i) {
            ids.push_back(make_peer(base + i));
        }
        for (const auto& id : ids) {
            auto& t = tables.emplace(id, routing_table(id, 20)).first->second;
            for (const auto& other : ids) {
                t.add(other, t0);
            }
        }
    }
    std::vector<peer::peer_id> answer(const peer::peer_id& p, const key256& target) const
    {
        return tables.at(p).closest(target, 20);
    }
    std::vector<peer::peer_id> true_closest(const key256& target, std::size_t n) const
    {
        auto sorted = ids;
        std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
            return distance(kad_key(a), target) < distance(kad_key(b), target);
        });
        sorted.resize(std::min(n, sorted.size()));
        return sorted;
    }
};

/// make_peer(1) .. make_peer(n).
std::vector<peer::peer_id> first_peers(std::uint64_t n)
{
    std::vector<peer::peer_id> out;
    for (std::uint64_t i = 1; i <= n; ++i) {
        out.push_back(make_peer(i));
    }
    return out;
}

key256 random_key(std::mt19937_64& rng)
{
    key256 k{};
    for (auto& b : k) {
        b = static_cast<std::byte>(rng());
    }
    return k;
}

/// Drive `q` to the end, answering every ask at once (in ask order) through `respond`, which
/// returns nullopt for "fail". Returns the peers asked, in order.
template <class Respond>
std::vector<peer::peer_id> run(query& q, instant now, Respond respond, std::size_t max_steps = 100000)
{
    std::vector<peer::peer_id> asked;
    for (std::size_t i = 0; i < max_steps; ++i) {
        auto s = q.next(now);
        if (std::holds_alternative<query::done>(s)) {
            return asked;
        }
        if (auto* a = std::get_if<query::ask>(&s)) {
            asked.push_back(a->peer);
            continue;
        }
        // wait: answer the oldest outstanding request, or let time pass to its deadline.
        bool answered = false;
        for (const auto& p : asked) {
            if (auto r = respond(p); r) {
                auto before = q.stats().succeeded + q.stats().failed;
                if (r->first) {
                    q.on_success(p, r->second, now);
                } else {
                    q.on_failure(p, now);
                }
                if (q.stats().succeeded + q.stats().failed != before) {
                    answered = true;
                    break;
                }
            }
        }
        if (!answered) {
            auto until = std::get<query::wait>(s).until;
            if (!until) {
                ADD_FAILURE() << "wait without deadline and nothing to answer";
                return asked;
            }
            now = *until;
        }
    }
    ADD_FAILURE() << "lookup did not end";
    return asked;
}

TEST(kad_query, converges_to_the_true_k_closest_on_a_static_network)
{
    network net(300);
    std::mt19937_64 rng(5);
    config cfg;
    for (int round = 0; round < 20; ++round) {
        auto target = random_key(rng);
        const auto& self = net.ids[rng() % net.ids.size()];
        query q(target, net.tables.at(self).closest(target, cfg.k), cfg, t0, self);
        auto asked = run(q, t0, [&](const peer::peer_id& p) {
            return std::optional<std::pair<bool, std::vector<peer::peer_id>>>{{true, net.answer(p, target)}};
        });
        auto want = net.true_closest(target, cfg.k + 1);
        want.erase(std::remove(want.begin(), want.end(), self), want.end());
        want.resize(cfg.k);
        EXPECT_EQ(q.closest_succeeded(cfg.k), want) << round;
        std::set<peer::peer_id> unique(asked.begin(), asked.end());
        EXPECT_EQ(unique.size(), asked.size()) << "a peer was asked twice";
        EXPECT_FALSE(unique.count(self)) << "self was asked";
        EXPECT_TRUE(q.finished());
        EXPECT_EQ(q.stats().requests, asked.size());
        EXPECT_LE(q.stats().succeeded, asked.size());
        EXPECT_GE(q.stats().succeeded, cfg.k);
    }
}

TEST(kad_query, at_most_alpha_in_flight_and_one_ask_per_next)
{
    config cfg;
    auto seeds = first_peers(50);
    query q(kad_key(make_peer(0)), seeds, cfg, t0);
    for (std::size_t i = 0; i < cfg.alpha; ++i) {
        auto s = q.next(t0);
        ASSERT_TRUE(std::holds_alternative<query::ask>(s)) << i;
    }
    auto s = q.next(t0);
    ASSERT_TRUE(std::holds_alternative<query::wait>(s));
    EXPECT_EQ(std::get<query::wait>(s).until, t0 + cfg.request_timeout);
    EXPECT_EQ(q.in_flight(), cfg.alpha);
    // One answer frees one slot.
    auto first = q.closest_succeeded(1);
    EXPECT_TRUE(first.empty());
}

TEST(kad_query, asks_closest_first)
{
    config cfg;
    cfg.alpha = 3;
    auto seeds = first_peers(30);
    auto target = kad_key(make_peer(999));
    query q(target, seeds, cfg, t0);
    auto sorted = seeds;
    std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
        return distance(kad_key(a), target) < distance(kad_key(b), target);
    });
    for (std::size_t i = 0; i < 3; ++i) {
        auto s = q.next(t0);
        ASSERT_TRUE(std::holds_alternative<query::ask>(s));
        EXPECT_EQ(std::get<query::ask>(s).peer, sorted[i]);
    }
}

TEST(kad_query, timeouts_free_slots_and_count_as_failed)
{
    config cfg;
    cfg.alpha = 2;
    cfg.k = 2;
    std::vector<peer::peer_id> seeds{make_peer(1), make_peer(2), make_peer(3), make_peer(4)};
    query q(kad_key(make_peer(0)), seeds, cfg, t0);
    auto a1 = std::get<query::ask>(q.next(t0)).peer;
    auto a2 = std::get<query::ask>(q.next(t0)).peer;
    EXPECT_TRUE(std::holds_alternative<query::wait>(q.next(t0 + cfg.request_timeout - std::chrono::milliseconds(1))));
    // At the deadline both time out; the next two seeds are asked.
    auto now = t0 + cfg.request_timeout;
    auto b1 = std::get<query::ask>(q.next(now)).peer;
    auto b2 = std::get<query::ask>(q.next(now)).peer;
    EXPECT_EQ(q.stats().timed_out, 2u);
    std::set<peer::peer_id> all{a1, a2, b1, b2};
    EXPECT_EQ(all.size(), 4u);
    q.on_success(b1, {}, now);
    q.on_success(b2, {}, now);
    // k = 2 succeeded and the timed-out ones no longer count: done.
    EXPECT_TRUE(std::holds_alternative<query::done>(q.next(now)));
    EXPECT_EQ(q.closest_succeeded(5).size(), 2u);
}

TEST(kad_query, late_answer_is_taken)
{
    config cfg;
    cfg.alpha = 1;
    cfg.k = 3;
    auto target = kad_key(make_peer(0));
    query q(target, {make_peer(1)}, cfg, t0);
    auto a = std::get<query::ask>(q.next(t0)).peer;
    auto late = t0 + cfg.request_timeout;
    // Timed out and nothing else to ask: the lookup ends...
    EXPECT_TRUE(std::holds_alternative<query::done>(q.next(late)));
    EXPECT_EQ(q.stats().timed_out, 1u);
    // ...a late answer after the end is ignored.
    q.on_success(a, std::vector<peer::peer_id>{make_peer(2)}, late);
    EXPECT_TRUE(q.closest_succeeded(3).empty());

    // While the lookup still runs, a late answer counts and its peers are used.
    query q2(target, {make_peer(1), make_peer(5)}, cfg, t0);
    auto first = std::get<query::ask>(q2.next(t0)).peer;
    auto second = std::get<query::ask>(q2.next(late)).peer; // first timed out, slot freed
    EXPECT_NE(first, second);
    q2.on_success(first, std::vector<peer::peer_id>{make_peer(7)}, late + std::chrono::seconds(1));
    EXPECT_EQ(q2.stats().succeeded, 1u);
    EXPECT_EQ(q2.closest_succeeded(3), std::vector<peer::peer_id>{first});
    EXPECT_EQ(q2.hops_of(make_peer(7)), 1u);
    q2.on_failure(second, late);
    auto third = std::get<query::ask>(q2.next(late + std::chrono::seconds(1))).peer;
    EXPECT_EQ(third, make_peer(7));
}

TEST(kad_query, failures_free_slots_and_are_not_results)
{
    config cfg;
    cfg.alpha = 1;
    cfg.k = 1;
    query q(kad_key(make_peer(0)), {make_peer(1), make_peer(2)}, cfg, t0);
    auto a = std::get<query::ask>(q.next(t0)).peer;
    q.on_failure(a, t0);
    q.on_failure(a, t0); // twice: ignored
    EXPECT_EQ(q.stats().failed, 1u);
    auto b = std::get<query::ask>(q.next(t0)).peer;
    EXPECT_NE(a, b);
    q.on_success(b, {}, t0);
    EXPECT_TRUE(std::holds_alternative<query::done>(q.next(t0)));
    EXPECT_EQ(q.closest_succeeded(5), std::vector<peer::peer_id>{b});
}

TEST(kad_query, unsolicited_answers_are_ignored)
{
    config cfg;
    query q(kad_key(make_peer(0)), {make_peer(1)}, cfg, t0);
    q.on_success(make_peer(1), std::vector<peer::peer_id>{make_peer(2)}, t0); // not asked yet
    q.on_success(make_peer(9), std::vector<peer::peer_id>{make_peer(3)}, t0); // unknown
    EXPECT_EQ(q.stats().succeeded, 0u);
    EXPECT_EQ(q.hops_of(make_peer(2)), 0u);
    auto a = std::get<query::ask>(q.next(t0)).peer;
    EXPECT_EQ(a, make_peer(1));
    EXPECT_TRUE(std::holds_alternative<query::wait>(q.next(t0))) << "peer 2 was not learned";
}

TEST(kad_query, self_and_duplicates_are_never_asked)
{
    config cfg;
    auto self = make_peer(0);
    query q(kad_key(make_peer(50)), {self, make_peer(1), make_peer(1)}, cfg, t0, self);
    auto a = std::get<query::ask>(q.next(t0)).peer;
    EXPECT_EQ(a, make_peer(1));
    q.on_success(a, std::vector<peer::peer_id>{self, make_peer(1), make_peer(2), make_peer(2)}, t0);
    auto b = std::get<query::ask>(q.next(t0)).peer;
    EXPECT_EQ(b, make_peer(2));
    q.on_success(b, std::vector<peer::peer_id>{self, make_peer(1)}, t0);
    EXPECT_TRUE(std::holds_alternative<query::done>(q.next(t0)));
    EXPECT_EQ(q.stats().requests, 2u);
}

TEST(kad_query, no_seeds_is_done_at_once_and_finish_ends_early)
{
    config cfg;
    query empty(kad_key(make_peer(0)), {}, cfg, t0);
    EXPECT_TRUE(std::holds_alternative<query::done>(empty.next(t0)));
    query q(kad_key(make_peer(0)), {make_peer(1), make_peer(2)}, cfg, t0);
    ASSERT_TRUE(std::holds_alternative<query::ask>(q.next(t0)));
    q.finish();
    EXPECT_TRUE(std::holds_alternative<query::done>(q.next(t0)));
    q.on_success(make_peer(1), {}, t0);
    EXPECT_TRUE(std::holds_alternative<query::done>(q.next(t0)));
}

TEST(kad_query, hop_counts_follow_the_discovery_path)
{
    config cfg;
    cfg.alpha = 1;
    auto target = kad_key(make_peer(0));
    query q(target, {make_peer(1)}, cfg, t0);
    EXPECT_EQ(q.hops_of(make_peer(1)), 0u);
    q.on_success(std::get<query::ask>(q.next(t0)).peer, std::vector<peer::peer_id>{make_peer(2)}, t0);
    EXPECT_EQ(q.hops_of(make_peer(2)), 1u);
    q.on_success(std::get<query::ask>(q.next(t0)).peer, std::vector<peer::peer_id>{make_peer(3), make_peer(1)}, t0);
    EXPECT_EQ(q.hops_of(make_peer(3)), 2u);
    EXPECT_EQ(q.hops_of(make_peer(1)), 0u) << "rediscovery never lengthens a path";
}

TEST(kad_query, huge_lists_are_bounded)
{
    config cfg;
    cfg.alpha = 1;
    cfg.max_query_candidates = 50;
    auto target = kad_key(make_peer(0));
    query q(target, {make_peer(1)}, cfg, t0);
    auto liar = std::get<query::ask>(q.next(t0)).peer;
    std::vector<peer::peer_id> huge;
    for (std::uint64_t i = 0; i < 5000; ++i) {
        huge.push_back(make_peer(100000 + i));
    }
    q.on_success(liar, huge, t0);
    // Only the first max_peers_per_message entries were looked at, and at most 50 are kept.
    std::size_t known = 0;
    for (std::size_t i = 0; i < cfg.max_peers_per_message; ++i) {
        known += q.hops_of(huge[i]) == 1 ? 1 : 0;
    }
    EXPECT_EQ(known, cfg.max_query_candidates);
    EXPECT_EQ(q.hops_of(huge[cfg.max_peers_per_message + 5]), 0u);
    EXPECT_EQ(q.known_peers(), 1 + cfg.max_query_candidates);
    // The kept ones are the 50 closest of what was looked at.
    std::vector<peer::peer_id> looked(huge.begin(), huge.begin() + static_cast<std::ptrdiff_t>(cfg.max_peers_per_message));
    std::sort(looked.begin(), looked.end(), [&](const auto& a, const auto& b) {
        return distance(kad_key(a), target) < distance(kad_key(b), target);
    });
    for (std::size_t i = 0; i < looked.size(); ++i) {
        EXPECT_EQ(q.hops_of(looked[i]), i < cfg.max_query_candidates ? 1u : 0u) << i;
    }
}

TEST(kad_query, liars_with_closer_dead_peers_do_not_hide_the_honest_result)
{
    // 200 honest nodes; 5 liars among them answer with 64 fabricated IDs each, every one closer to
    // the target than anything real. Fabricated peers never answer (they fail at once or stall).
    network net(200);
    std::mt19937_64 rng(11);
    config cfg;
    for (int round = 0; round < 10; ++round) {
        auto target = random_key(rng);
        // Liars among the true 20 closest, so the lookup surely asks them.
        auto near = net.true_closest(target, 20);
        std::set<peer::peer_id> liars;
        while (liars.size() < 5) {
            liars.insert(near[rng() % near.size()]);
        }
        auto honest_best = distance(kad_key(net.true_closest(target, 1)[0]), target);
        std::set<peer::peer_id> fake;
        std::vector<peer::peer_id> fake_list;
        for (std::uint64_t i = 0; fake_list.size() < 64; ++i) {
            auto f = make_peer(1000000 + static_cast<std::uint64_t>(round) * 100000 + i);
            if (distance(kad_key(f), target) < honest_best) {
                fake_list.push_back(f);
                fake.insert(f);
            }
            if (i > 5000000) {
                break;
            }
        }
        const auto& self = *std::find_if(net.ids.begin(), net.ids.end(), [&](const auto& p) { return !liars.count(p); });
        query q(target, net.tables.at(self).closest(target, cfg.k), cfg, t0, self);
        bool stall = round % 2 == 1;
        run(q, t0, [&](const peer::peer_id& p) -> std::optional<std::pair<bool, std::vector<peer::peer_id>>> {
            if (fake.count(p)) {
                if (stall) {
                    return std::nullopt;
                }
                return std::pair<bool, std::vector<peer::peer_id>>{false, {}};
            }
            if (liars.count(p)) {
                return std::pair<bool, std::vector<peer::peer_id>>{true, fake_list};
            }
            return std::pair<bool, std::vector<peer::peer_id>>{true, net.answer(p, target)};
        });
        auto want = net.true_closest(target, cfg.k + 1);
        want.erase(std::remove(want.begin(), want.end(), self), want.end());
        want.resize(cfg.k);
        EXPECT_EQ(q.closest_succeeded(cfg.k), want) << round;
        ASSERT_FALSE(fake_list.empty());
        EXPECT_GT(q.stats().failed + q.stats().timed_out, 0u) << round << ": no fabricated peer was tried";
    }
}

TEST(kad_query, liars_with_far_or_bogus_lists_do_not_slow_convergence)
{
    network net(200);
    std::mt19937_64 rng(12);
    config cfg;
    auto target = random_key(rng);
    const auto& self = net.ids[0];
    std::set<peer::peer_id> liars(net.ids.begin() + 1, net.ids.begin() + 40);
    query q(target, net.tables.at(self).closest(target, cfg.k), cfg, t0, self);
    run(q, t0, [&](const peer::peer_id& p) -> std::optional<std::pair<bool, std::vector<peer::peer_id>>> {
        if (liars.count(p)) {
            // Far peers (the farthest real ones) and themselves: no progress.
            auto far = net.true_closest(target, 200);
            std::vector<peer::peer_id> tail(far.end() - 20, far.end());
            tail.push_back(p);
            return std::pair<bool, std::vector<peer::peer_id>>{true, tail};
        }
        return std::pair<bool, std::vector<peer::peer_id>>{true, net.answer(p, target)};
    });
    // The far peers answer too, so they may be in the result only if they are really closest.
    auto want = net.true_closest(target, cfg.k + 1);
    want.erase(std::remove(want.begin(), want.end(), self), want.end());
    want.resize(cfg.k);
    EXPECT_EQ(q.closest_succeeded(cfg.k), want);
    EXPECT_LE(q.stats().requests, 120u);
}

TEST(kad_query, stalled_lookup_widens_to_k_in_flight)
{
    // Every answer brings nothing new: after α answers without progress the lookup may have up to
    // k requests in flight (rust's Stalled state) to finish quickly.
    config cfg;
    cfg.alpha = 2;
    cfg.k = 6;
    auto seeds = first_peers(12);
    query q(kad_key(make_peer(0)), seeds, cfg, t0);
    auto a = std::get<query::ask>(q.next(t0)).peer;
    auto b = std::get<query::ask>(q.next(t0)).peer;
    ASSERT_TRUE(std::holds_alternative<query::wait>(q.next(t0)));
    q.on_success(a, {}, t0);
    q.on_success(b, {}, t0);
    std::size_t asked = 0;
    while (std::holds_alternative<query::ask>(q.next(t0))) {
        ++asked;
    }
    EXPECT_EQ(asked, cfg.k);
    EXPECT_EQ(q.in_flight(), cfg.k);
}

TEST(kad_query, request_budget_ends_the_lookup)
{
    config cfg;
    cfg.alpha = 3;
    cfg.max_query_requests = 5;
    auto seeds = first_peers(30);
    query q(kad_key(make_peer(0)), seeds, cfg, t0);
    auto asked = run(q, t0, [&](const peer::peer_id&) {
        return std::optional<std::pair<bool, std::vector<peer::peer_id>>>{{true, {}}};
    });
    EXPECT_EQ(asked.size(), 5u);
    EXPECT_EQ(q.closest_succeeded(20).size(), 5u);
}

TEST(kad_query, all_peers_stalling_ends_after_timeouts)
{
    config cfg;
    auto seeds = first_peers(25);
    query q(kad_key(make_peer(0)), seeds, cfg, t0);
    instant now = t0;
    std::size_t asks = 0;
    for (int i = 0; i < 1000; ++i) {
        auto s = q.next(now);
        if (std::holds_alternative<query::done>(s)) {
            break;
        }
        if (std::holds_alternative<query::ask>(s)) {
            ++asks;
            continue;
        }
        auto until = std::get<query::wait>(s).until;
        ASSERT_TRUE(until);
        ASSERT_GT(*until, now) << "a wait must lie in the future";
        now = *until;
    }
    EXPECT_TRUE(q.finished());
    EXPECT_EQ(asks, 25u);
    EXPECT_EQ(q.stats().timed_out, 25u);
    EXPECT_TRUE(q.closest_succeeded(20).empty());
    // 25 peers, 10 at a time, 10 s each: three rounds.
    EXPECT_EQ(now, t0 + 3 * cfg.request_timeout);
}

} // namespace
} // namespace pcp::p2p::kad
