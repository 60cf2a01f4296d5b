// SPDX-License-Identifier: MIT
// Test helpers for Noise: deterministic configs, a pump that runs two machines against each other,
// and a small independent XX implementation (ref_xx) that can write handshake messages with
// arbitrary (hostile) payloads.
#pragma once

#include <optional>
#include <random>

#include "crypto/chacha20poly1305.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/x25519.hpp"
#include "p2p/noise/machine.hpp"

namespace pcp::p2p::noise::test {

inline std::array<std::byte, 32> filled(unsigned char b)
{
    std::array<std::byte, 32> a;
    a.fill(std::byte{b});
    return a;
}

inline std::array<std::byte, 32> random32(std::mt19937_64& rng)
{
    std::array<std::byte, 32> a;
    for (auto& x : a) {
        x = static_cast<std::byte>(rng());
    }
    return a;
}

inline config make_config(role r, const peer::ed25519_keypair& id, std::mt19937_64& rng,
                          std::vector<std::string> muxers = {"/yamux/1.0.0"},
                          std::optional<peer::peer_id> expected = std::nullopt)
{
    return config{
        .role = r,
        .identity = id,
        .static_secret = random32(rng),
        .ephemeral_secret = random32(rng),
        .expected_remote = std::move(expected),
        .muxers = std::move(muxers),
    };
}

/// Shuttle messages between two machines until neither has output; returns the first error.
inline result<void> pump(handshake& a, handshake& b)
{
    for (int round = 0; round < 10; ++round) {
        bool moved = false;
        for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
            byte_buffer wire;
            while (from->poll_transmit(wire)) {
                moved = true;
            }
            if (!wire.empty()) {
                PCP_TRY(auto used, to->handle_input(wire));
                if (used != wire.size()) {
                    return errc::failed; // the handshake must consume every handshake byte
                }
            }
        }
        if (!moved) {
            break;
        }
    }
    return ok();
}

/// An independent, minimal Noise XX party built directly on the crypto primitives. Used to craft
/// messages the real machine would never send.
struct ref_xx {
    crypto::hash32 h{}, ck{};
    std::optional<crypto::hash32> k;
    std::uint64_t n = 0;
    crypto::x25519_keypair s, e;
    crypto::x25519_public_key re{}, rs{};

    ref_xx(std::span<const std::byte, 32> s_secret, std::span<const std::byte, 32> e_secret)
        : s(crypto::x25519_keypair::from_secret(s_secret)),
          e(crypto::x25519_keypair::from_secret(e_secret))
    {
        std::copy_n(as_bytes(protocol_name).begin(), 32, h.begin());
        ck = h;
        mix_hash({});
    }
    void mix_hash(bytes_view d) { h = crypto::sha256_concat(h, d); }
    void mix_key(const crypto::x25519_keypair& local, const crypto::x25519_public_key& remote)
    {
        auto dh = local.dh(remote);
        crypto::hash32 nk;
        crypto::noise_hkdf(ck, dh ? bytes_view(dh->bytes()) : bytes_view(byte_buffer(32)), ck, nk);
        k = nk;
        n = 0;
    }
    byte_buffer enc(bytes_view pt)
    {
        byte_buffer c(pt.begin(), pt.end());
        if (k) {
            c.resize(c.size() + 16);
            crypto::chacha20poly1305(*k).seal(crypto::noise_nonce(n++), h, c);
        }
        mix_hash(c);
        return c;
    }
    std::optional<byte_buffer> dec(bytes_view c)
    {
        byte_buffer p(c.begin(), c.end());
        auto next = crypto::sha256_concat(h, c);
        if (k) {
            if (!crypto::chacha20poly1305(*k).open(crypto::noise_nonce(n++), h, p)) {
                return std::nullopt;
            }
            p.resize(p.size() - 16);
        }
        h = next;
        return p;
    }
    static byte_buffer frame(bytes_view body)
    {
        byte_buffer out;
        encode_frame(body, out);
        return out;
    }

    // Initiator side.
    byte_buffer write_msg1()
    {
        mix_hash(e.public_key());
        byte_buffer body(e.public_key().begin(), e.public_key().end());
        append(body, enc({}));
        return frame(body);
    }
    std::optional<byte_buffer> read_msg2(bytes_view body)
    {
        std::copy_n(body.begin(), 32, re.begin());
        mix_hash(re);
        mix_key(e, re);
        auto s_pub = dec(body.subspan(32, 48));
        if (!s_pub) {
            return std::nullopt;
        }
        std::copy_n(s_pub->begin(), 32, rs.begin());
        mix_key(e, rs);
        return dec(body.subspan(80));
    }
    byte_buffer write_msg3(bytes_view payload)
    {
        auto body = enc(s.public_key());
        mix_key(s, re);
        append(body, enc(payload));
        return frame(body);
    }

    // Responder side.
    void read_msg1(bytes_view body)
    {
        std::copy_n(body.begin(), 32, re.begin());
        mix_hash(re);
        mix_hash(body.subspan(32));
    }
    byte_buffer write_msg2(bytes_view payload)
    {
        mix_hash(e.public_key());
        byte_buffer body(e.public_key().begin(), e.public_key().end());
        mix_key(e, re);
        append(body, enc(s.public_key()));
        mix_key(s, re);
        append(body, enc(payload));
        return frame(body);
    }

    std::pair<crypto::hash32, crypto::hash32> split() const
    {
        crypto::hash32 k1, k2;
        crypto::noise_hkdf(ck, {}, k1, k2);
        return {k1, k2};
    }
};

/// A well-formed libp2p payload for `id` over static key `s_pub`, with knobs to break it.
inline byte_buffer make_payload(const peer::ed25519_keypair& id,
                                const crypto::x25519_public_key& s_pub,
                                std::vector<std::string> muxers = {"/yamux/1.0.0"})
{
    handshake_payload p;
    p.identity_key = id.public_key().to_protobuf();
    byte_buffer msg = to_buffer(static_key_prefix);
    append(msg, s_pub);
    auto sig = id.sign(msg);
    p.identity_sig.assign(sig.begin(), sig.end());
    if (!muxers.empty()) {
        p.extensions.emplace();
        p.extensions->stream_muxers = std::move(muxers);
    }
    byte_buffer out;
    encode(p, out);
    return out;
}

} // namespace pcp::p2p::noise::test
