// SPDX-License-Identifier: MIT
// Server-mode request handling (kad-dht/README.md "RPC messages"; go-libp2p-kad-dht handlers.go
// for the de-facto rules: who is listed in closerPeers, what ADD_PROVIDER stores).
#include "p2p/kad/handler.hpp"

#include <algorithm>

#include "p2p/kad/errc.hpp"

namespace pcp::p2p::kad {
namespace {

/// `lookup(id)` with the address list cut at the configured bound; nullopt without addresses.
std::optional<peer_info> known_peer(const peer::peer_id& id, const peer_lookup& lookup, const config& cfg)
{
    if (!lookup) {
        return std::nullopt;
    }
    peer_info info = lookup(id);
    if (info.addrs.empty()) {
        return std::nullopt;
    }
    info.id = id;
    if (info.addrs.size() > cfg.max_addrs_per_peer) {
        info.addrs.resize(cfg.max_addrs_per_peer);
    }
    return info;
}

/// The k peers closest to `key` that we can give addresses for, never `from` (nor self, which
/// the table does not hold). Peers without addresses are skipped and farther ones fill in, from
/// the 2k closest at most.
std::vector<peer_info> closer_peers(bytes_view key, const peer::peer_id& from, const config& cfg,
                                    const routing_table& table, const peer_lookup& lookup)
{
    std::vector<peer_info> out;
    for (const auto& id : table.closest(kad_key(key), 2 * cfg.k + 1)) {
        if (out.size() >= cfg.k) {
            break;
        }
        if (id == from) {
            continue;
        }
        if (auto info = known_peer(id, lookup, cfg)) {
            out.push_back(std::move(*info));
        }
    }
    return out;
}

message reply_to(const message& req, bool echo_key)
{
    message resp;
    resp.type = req.type;
    resp.cluster_level_raw = req.cluster_level_raw;
    if (echo_key) {
        resp.key = req.key;
    }
    return resp;
}

result<void> check_provider_key(const message& req, const config& cfg)
{
    if (req.key.empty() || req.key.size() > cfg.max_provider_key_size) {
        return errc::bad_key;
    }
    return ok();
}

} // namespace

result<std::optional<message>> handle_request(const message& req, const peer::peer_id& from, const config& cfg,
                                              const routing_table& table, provider_store& providers,
                                              record_store& records, const peer_lookup& lookup, instant now)
{
    switch (req.type) {
    case message_type::find_node: {
        if (req.key.empty()) {
            return errc::bad_key;
        }
        auto resp = reply_to(req, false);
        resp.closer_peers = closer_peers(req.key, from, cfg, table, lookup);
        // go also names the target itself when it knows where it is (never the requester).
        if (auto target = peer::peer_id::from_bytes(req.key); target && target.value() != from) {
            bool listed = std::any_of(resp.closer_peers.begin(), resp.closer_peers.end(),
                                      [&](const peer_info& p) { return p.id == target.value(); });
            if (!listed) {
                if (auto info = known_peer(target.value(), lookup, cfg)) {
                    resp.closer_peers.push_back(std::move(*info));
                }
            }
        }
        return std::optional<message>{std::move(resp)};
    }
    case message_type::get_providers: {
        PCP_TRY(check_provider_key(req, cfg));
        auto resp = reply_to(req, true);
        for (auto& p : providers.get(req.key, now)) {
            if (p.addrs.empty()) {
                auto info = known_peer(p.id, lookup, cfg);
                if (!info) {
                    continue;
                }
                p.addrs = std::move(info->addrs);
            }
            resp.provider_peers.push_back(std::move(p));
        }
        resp.closer_peers = closer_peers(req.key, from, cfg, table, lookup);
        return std::optional<message>{std::move(resp)};
    }
    case message_type::add_provider: {
        PCP_TRY(check_provider_key(req, cfg));
        for (const auto& p : req.provider_peers) {
            if (p.id == from && !p.addrs.empty()) {
                providers.add(req.key, p, now);
            }
        }
        return std::optional<message>{};
    }
    case message_type::get_value: {
        if (req.key.empty()) {
            return errc::bad_key;
        }
        auto resp = reply_to(req, true);
        resp.rec = records.get(req.key, now);
        resp.closer_peers = closer_peers(req.key, from, cfg, table, lookup);
        return std::optional<message>{std::move(resp)};
    }
    case message_type::put_value: {
        if (req.key.empty()) {
            return errc::bad_key;
        }
        if (!req.rec || req.rec->key != req.key) {
            return errc::bad_request;
        }
        PCP_TRY(records.put(*req.rec, now));
        return std::optional<message>{req};
    }
    case message_type::ping:
        return std::optional<message>{req};
    }
    return errc::bad_request;
}

} // namespace pcp::p2p::kad
