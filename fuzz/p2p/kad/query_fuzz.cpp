// SPDX-License-Identifier: MIT
// Fuzz the closest-peers lookup with an op stream over a pool of synthetic peers: next(),
// answers (with arbitrary closer lists), failures, time steps, finish(). Invariants after every
// op: no peer asked twice, self never asked, in-flight within max(k, α), request and candidate
// bounds, waits lie in the future, done is final, results are asked peers sorted by distance.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <unordered_map>
#include <vector>

#include "p2p/kad/query.hpp"
#include "tests/p2p/kad/kad_test_util.hpp"

using namespace pcp;
using namespace pcp::p2p;
using namespace pcp::p2p::kad;

namespace {
struct reader {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() { return n ? (--n, *p++) : 0; }
};

constexpr std::size_t pool_size = 160;

const std::vector<peer::peer_id>& pool()
{
    static const std::vector<peer::peer_id> ids = [] {
        std::vector<peer::peer_id> v;
        for (std::uint64_t i = 0; i < pool_size; ++i) {
            v.push_back(test::make_peer(i));
        }
        return v;
    }();
    return ids;
}

/// kad_key of pool peers, computed once (the invariant checks would otherwise hash every op).
const key256& key_of(const peer::peer_id& p)
{
    static const std::unordered_map<peer::peer_id, key256> keys = [] {
        std::unordered_map<peer::peer_id, key256> m;
        for (const auto& id : pool()) {
            m.emplace(id, kad_key(id));
        }
        return m;
    }();
    return keys.at(p);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    reader r{data, size};
    const auto& ids = pool();
    config cfg;
    cfg.k = 1 + r.byte() % 20;
    cfg.alpha = 1 + r.byte() % 10;
    cfg.max_query_candidates = 1 + r.byte() % 60;
    cfg.max_query_requests = 1 + r.byte() % 120;
    cfg.max_peers_per_message = 1 + r.byte() % 70;
    const auto& self = ids[0];
    auto target = kad_key(ids[r.byte() % pool_size]);
    std::vector<peer::peer_id> seeds;
    for (std::size_t n = r.byte() % 30; n > 0; --n) {
        seeds.push_back(ids[r.byte() % pool_size]);
    }
    manual_clock clk;
    closest_peers_query q(target, seeds, cfg, clk.now(), self);
    std::set<peer::peer_id> asked;
    bool done = false;
    for (int ops = 0; ops < 512 && r.n > 0; ++ops) {
        switch (r.byte() % 6) {
        case 0:
        case 1: {
            auto s = q.next(clk.now());
            if (auto* a = std::get_if<closest_peers_query::ask>(&s)) {
                if (done || a->peer == self || !asked.insert(a->peer).second) {
                    __builtin_trap();
                }
            } else if (auto* w = std::get_if<closest_peers_query::wait>(&s)) {
                if (done || (w->until && *w->until <= clk.now()) || (!w->until && q.in_flight() > 0)) {
                    __builtin_trap();
                }
            } else {
                done = true;
            }
            break;
        }
        case 2: {
            const auto& p = ids[r.byte() % pool_size];
            std::vector<peer::peer_id> closer;
            for (std::size_t n = r.byte() % 80; n > 0; --n) {
                closer.push_back(ids[r.byte() % pool_size]);
            }
            q.on_success(p, closer, clk.now());
            break;
        }
        case 3: q.on_failure(ids[r.byte() % pool_size], clk.now()); break;
        case 4: clk.advance(std::chrono::milliseconds(r.byte()) * 100); break;
        case 5:
            if (r.byte() == 0) {
                q.finish();
                done = true;
            }
            break;
        }
        auto st = q.stats();
        if (st.requests != asked.size() || st.requests > cfg.max_query_requests ||
            q.in_flight() > std::max(cfg.k, cfg.alpha) || q.in_flight() > st.requests ||
            st.succeeded + st.failed > st.requests ||
            q.known_peers() > cfg.max_query_candidates + st.requests || (done && !q.finished())) {
            __builtin_trap();
        }
        auto res = q.closest_succeeded(pool_size);
        for (std::size_t i = 0; i < res.size(); ++i) {
            if (!asked.count(res[i]) ||
                (i > 0 && !(distance(key_of(res[i - 1]), target) < distance(key_of(res[i]), target)))) {
                __builtin_trap();
            }
        }
    }
    return 0;
}
