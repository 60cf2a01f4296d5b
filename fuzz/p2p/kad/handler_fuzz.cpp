// SPDX-License-Identifier: MIT
// Fuzz the server-mode handler: the input is a sender choice byte followed by LP-framed kad
// messages; each one that decodes is handled by one long-lived server (routing table, provider
// and record stores, small caps). Invariants: FIND_NODE/GET_* replies re-encode and decode to
// themselves, never name the sender, hold at most k+1 closer peers, all with addresses; PUT_VALUE
// and PING are echoed; ADD_PROVIDER has no reply; the stores stay within their bounds.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "p2p/kad/handler.hpp"
#include "p2p/peer/protobuf.hpp"
#include "tests/p2p/kad/kad_test_util.hpp"

using namespace pcp;
using namespace pcp::p2p;
using namespace pcp::p2p::kad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    config cfg;
    cfg.k = 8;
    cfg.max_provider_keys = 4;
    cfg.max_providers_per_key = 3;
    cfg.max_records = 3;
    static const std::vector<peer::peer_id> ids = [] {
        std::vector<peer::peer_id> v;
        for (std::uint64_t i = 0; i < 64; ++i) {
            v.push_back(test::make_peer(i));
        }
        return v;
    }();
    manual_clock clk;
    routing_table table(ids[0], cfg.k);
    for (std::size_t i = 1; i < ids.size(); ++i) {
        table.add(ids[i], clk.now());
    }
    provider_store providers(cfg);
    record_store records(cfg);
    // Odd-numbered peers have an address; even ones are unknown.
    peer_lookup lookup = [](const peer::peer_id& p) {
        peer_info info;
        if (std::to_integer<unsigned>(p.bytes().back()) % 2 == 1) {
            info.addrs.push_back(test::addr("/ip4/10.0.0.1/tcp/4001"));
        }
        return info;
    };
    const auto& from = ids[data[0] % ids.size()];
    bytes_view in(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
    for (int msgs = 0; msgs < 32 && !in.empty(); ++msgs) {
        auto f = peer::pb::split_frame(in, 64 * 1024);
        if (f.status != peer::pb::frame_status::ok) {
            break;
        }
        in = in.subspan(f.total);
        auto req = decode(f.body, cfg);
        if (!req) {
            continue;
        }
        auto resp = handle_request(req.value(), from, cfg, table, providers, records, lookup, clk.now());
        clk.advance(std::chrono::hours(1));
        if (!resp) {
            continue;
        }
        const auto& reply = resp.value();
        auto type = req.value().type;
        if (type == message_type::add_provider) {
            if (reply) {
                __builtin_trap();
            }
        } else if (!reply) {
            __builtin_trap();
        } else if (type == message_type::put_value || type == message_type::ping) {
            if (!(*reply == req.value())) {
                __builtin_trap(); // echoed as received
            }
        } else {
            auto back = decode(encode(*reply), cfg);
            if (!back || !(back.value() == *reply) || reply->closer_peers.size() > cfg.k + 1) {
                __builtin_trap();
            }
            for (const auto* list : {&reply->closer_peers, &reply->provider_peers}) {
                for (const auto& p : *list) {
                    if (p.addrs.empty() || (list == &reply->closer_peers && p.id == from)) {
                        __builtin_trap();
                    }
                }
            }
        }
        if (providers.key_count() > cfg.max_provider_keys ||
            providers.size() > cfg.max_provider_keys * cfg.max_providers_per_key || records.size() > cfg.max_records) {
            __builtin_trap();
        }
    }
    return 0;
}
