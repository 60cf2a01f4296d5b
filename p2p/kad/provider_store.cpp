// SPDX-License-Identifier: MIT
// Provider records with go's expiry split (record 48 h, addresses 24 h) and hard bounds.
#include "p2p/kad/provider_store.hpp"

#include <algorithm>

namespace pcp::p2p::kad {

provider_store::provider_store(const config& cfg)
    : ttl_(cfg.provider_ttl), addr_ttl_(cfg.provider_addr_ttl), max_keys_(cfg.max_provider_keys),
      max_per_key_(cfg.max_providers_per_key), max_addrs_(cfg.max_addrs_per_peer),
      max_key_size_(cfg.max_provider_key_size)
{
}

void provider_store::expire_key(std::vector<entry>& list, instant now)
{
    auto before = list.size();
    std::erase_if(list, [&](const entry& e) { return now - e.added >= ttl_; });
    size_ -= before - list.size();
    for (auto& e : list) {
        if (now - e.added >= addr_ttl_) {
            e.provider.addrs.clear();
        }
    }
}

bool provider_store::add(bytes_view key, const peer_info& provider, instant now)
{
    if (key.empty() || key.size() > max_key_size_ || provider.id.empty()) {
        return false;
    }
    byte_buffer k(key.begin(), key.end());
    auto it = by_key_.find(k);
    if (it == by_key_.end()) {
        if (by_key_.size() >= max_keys_) {
            expire(now);
            if (by_key_.size() >= max_keys_) {
                return false;
            }
        }
        it = by_key_.emplace(std::move(k), std::vector<entry>{}).first;
    } else {
        expire_key(it->second, now);
    }
    auto& list = it->second;
    peer_info stored{provider.id, {}, provider.connection};
    auto n = std::min(provider.addrs.size(), max_addrs_);
    stored.addrs.assign(provider.addrs.begin(), provider.addrs.begin() + static_cast<std::ptrdiff_t>(n));
    auto p = std::find_if(list.begin(), list.end(), [&](const entry& e) { return e.provider.id == provider.id; });
    if (p != list.end()) {
        list.erase(p);
        --size_;
    } else if (list.size() >= max_per_key_) {
        if (list.empty()) {
            by_key_.erase(it);
        }
        return false;
    }
    list.push_back(entry{std::move(stored), now});
    ++size_;
    return true;
}

std::vector<peer_info> provider_store::get(bytes_view key, instant now) const
{
    std::vector<peer_info> out;
    auto it = by_key_.find(byte_buffer(key.begin(), key.end()));
    if (it == by_key_.end()) {
        return out;
    }
    for (auto e = it->second.rbegin(); e != it->second.rend(); ++e) {
        if (now - e->added >= ttl_) {
            continue;
        }
        out.push_back(e->provider);
        if (now - e->added >= addr_ttl_) {
            out.back().addrs.clear();
        }
    }
    return out;
}

void provider_store::expire(instant now)
{
    for (auto it = by_key_.begin(); it != by_key_.end();) {
        expire_key(it->second, now);
        if (it->second.empty()) {
            it = by_key_.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace pcp::p2p::kad
