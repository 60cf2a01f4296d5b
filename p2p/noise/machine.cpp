// SPDX-License-Identifier: MIT
// Noise XX handshake and cipher states (noiseprotocol.org §5, §7.5; libp2p noise/README.md).
// See machine.hpp.
#include "p2p/noise/machine.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <openssl/crypto.h>

namespace pcp::p2p::noise {
namespace {
constexpr std::uint64_t max_nonce =
    std::numeric_limits<std::uint64_t>::max(); // reserved, never used

// Minimum handshake message bodies: e (32); e (32) + enc s (48) + enc payload (>= 16);
// enc s (48) + enc payload (>= 16).
constexpr std::size_t min_msg1 = dh_size;
constexpr std::size_t min_msg2 = dh_size + dh_size + tag_size + tag_size;
constexpr std::size_t min_msg3 = dh_size + tag_size + tag_size;

void put_u16(std::span<std::byte> out, std::size_t v) noexcept
{
    out[0] = static_cast<std::byte>((v >> 8) & 0xff);
    out[1] = static_cast<std::byte>(v & 0xff);
}
} // namespace

// ---------------------------------------------------------------------------------------------
// cipher_state

cipher_state::cipher_state(std::span<const std::byte, key_size> key) : aead_(key) {}

result<void> cipher_state::check_nonce() const noexcept
{
    if (n_ == max_nonce) {
        return errc::nonce_exhausted;
    }
    return ok();
}

result<void> cipher_state::encrypt_with_ad(bytes_view ad, std::span<std::byte> buf)
{
    PCP_TRY(check_nonce());
    if (buf.size() < tag_size) {
        return errc::buffer_too_small;
    }
    aead_.seal(crypto::noise_nonce(n_), ad, buf);
    ++n_;
    return ok();
}

result<void> cipher_state::decrypt_with_ad(bytes_view ad, std::span<std::byte> buf)
{
    PCP_TRY(check_nonce());
    if (buf.size() < tag_size) {
        return errc::truncated;
    }
    if (!aead_.open(crypto::noise_nonce(n_), ad, buf)) {
        return errc::decrypt_failed;
    }
    ++n_;
    return ok();
}

result<void> cipher_state::seal_frame(bytes_view plaintext, byte_buffer& out)
{
    if (plaintext.size() > max_plaintext_size) {
        return errc::frame_too_large;
    }
    PCP_TRY(check_nonce());
    auto start = out.size();
    out.resize(start + frame_header_size + plaintext.size() + tag_size);
    auto frame = std::span(out).subspan(start);
    std::copy(plaintext.begin(), plaintext.end(), frame.begin() + frame_header_size);
    PCP_TRY(seal_in_place(frame, plaintext.size()));
    return ok();
}

result<void> cipher_state::seal_frames(bytes_view data, byte_buffer& out)
{
    while (!data.empty()) {
        auto n = std::min(data.size(), max_plaintext_size);
        PCP_TRY(seal_frame(data.first(n), out));
        data = data.subspan(n);
    }
    return ok();
}

result<std::size_t> cipher_state::seal_in_place(std::span<std::byte> frame,
                                                std::size_t plaintext_len)
{
    if (plaintext_len > max_plaintext_size) {
        return errc::frame_too_large;
    }
    auto body_len = plaintext_len + tag_size;
    if (frame.size() < frame_header_size + body_len) {
        return errc::buffer_too_small;
    }
    PCP_TRY(check_nonce());
    put_u16(frame, body_len);
    aead_.seal(crypto::noise_nonce(n_), {}, frame.subspan(frame_header_size, body_len));
    ++n_;
    return frame_header_size + body_len;
}

result<std::size_t> cipher_state::open_in_place(std::span<std::byte> body)
{
    if (body.size() < tag_size) {
        return errc::truncated;
    }
    if (body.size() > max_frame_body) {
        return errc::frame_too_large;
    }
    PCP_TRY(decrypt_with_ad({}, body));
    return body.size() - tag_size;
}

result<decoded<mutable_bytes>> cipher_state::open_frame(mutable_bytes in)
{
    auto d = decode_frame(in);
    if (!d.complete()) {
        return decoded<mutable_bytes>::need_more(d.needed);
    }
    auto body = in.subspan(frame_header_size, d.message->size());
    PCP_TRY(auto n, open_in_place(body));
    return decoded<mutable_bytes>::done(body.first(n), d.consumed);
}

// ---------------------------------------------------------------------------------------------
// handshake

handshake::handshake(const config& cfg)
    : role_(cfg.role), muxers_(cfg.muxers), expected_(cfg.expected_remote)
{
    if (muxers_.size() > max_stream_muxers) {
        throw std::invalid_argument("noise: too many muxers");
    }
    for (const auto& m : muxers_) {
        if (m.size() > max_muxer_name_size || m.empty()) {
            throw std::invalid_argument("noise: bad muxer name");
        }
    }
    s_.emplace(crypto::x25519_keypair::from_secret(cfg.static_secret));
    e_.emplace(crypto::x25519_keypair::from_secret(cfg.ephemeral_secret));

    // Our payload: identity key, signature over the static key, muxers (libp2p noise/README.md).
    handshake_payload p;
    p.identity_key = cfg.identity.public_key().to_protobuf();
    byte_buffer signed_msg = to_buffer(static_key_prefix);
    append(signed_msg, s_->public_key());
    auto sig = cfg.identity.sign(signed_msg);
    p.identity_sig.assign(sig.begin(), sig.end());
    if (!muxers_.empty()) {
        p.extensions.emplace();
        p.extensions->stream_muxers = muxers_;
    }
    encode(p, payload_);

    // InitializeSymmetric: the name is exactly HASHLEN bytes, so h = name; ck = h.
    static_assert(protocol_name.size() == crypto::hash_size);
    std::copy_n(as_bytes(protocol_name).begin(), crypto::hash_size, h_.begin());
    ck_ = h_;
    mix_hash({}); // empty prologue

    if (role_ == role::initiator) {
        write_msg1();
        step_ = step::msg2;
    }
}

handshake::~handshake()
{
    wipe();
}

void handshake::wipe() noexcept
{
    OPENSSL_cleanse(ck_.data(), ck_.size());
    k_.reset();
    s_.reset();
    e_.reset();
}

void handshake::mix_hash(bytes_view data)
{
    h_ = crypto::sha256_concat(h_, data);
}

void handshake::mix_key(const crypto::x25519_shared_secret& dh)
{
    crypto::hash32 k;
    crypto::noise_hkdf(ck_, dh.bytes(), ck_, k);
    k_.emplace(k);
    OPENSSL_cleanse(k.data(), k.size());
}

result<void> handshake::mix_dh(const crypto::x25519_keypair& local,
                               const crypto::x25519_public_key& remote)
{
    auto dh = local.dh(remote);
    if (!dh) {
        return errc::bad_dh;
    }
    mix_key(*dh);
    return ok();
}

void handshake::encrypt_and_hash(bytes_view plaintext, byte_buffer& out)
{
    auto start = out.size();
    append(out, plaintext);
    if (k_) {
        out.resize(out.size() + tag_size);
        // The handshake uses nonces 0..2 of a fresh key: exhaustion is impossible.
        (void)k_->encrypt_with_ad(h_, std::span(out).subspan(start));
    }
    mix_hash(std::span(out).subspan(start));
}

result<void> handshake::decrypt_and_hash(std::span<std::byte> buf)
{
    if (!k_) {
        mix_hash(buf);
        return ok();
    }
    // MixHash needs the ciphertext, and decryption happens in place: hash a copy first.
    auto next_h = crypto::sha256_concat(h_, buf);
    PCP_TRY(k_->decrypt_with_ad(h_, buf));
    h_ = next_h;
    return ok();
}

void handshake::write_msg1()
{
    byte_buffer body;
    append(body, e_->public_key()); // e
    mix_hash(e_->public_key());
    encrypt_and_hash({}, body); // empty payload (no key yet: plaintext, hashed)
    encode_frame(body, pending_);
    has_pending_ = true;
}

void handshake::write_msg2()
{
    byte_buffer body;
    append(body, e_->public_key()); // e
    mix_hash(e_->public_key());
    (void)mix_dh(*e_, re_);                   // ee (checked low-order on read_msg1 already)
    encrypt_and_hash(s_->public_key(), body); // s
    (void)mix_dh(*s_, re_);                   // es
    encrypt_and_hash(payload_, body);
    encode_frame(body, pending_);
    has_pending_ = true;
}

void handshake::write_msg3()
{
    byte_buffer body;
    encrypt_and_hash(s_->public_key(), body); // s
    (void)mix_dh(*s_, re_);                   // se (re validated in read_msg2)
    encrypt_and_hash(payload_, body);
    encode_frame(body, pending_);
    has_pending_ = true;
}

result<void> handshake::read_msg1(mutable_bytes body)
{
    if (body.size() < min_msg1) {
        return errc::truncated;
    }
    std::copy_n(body.begin(), dh_size, re_.begin()); // e
    mix_hash(re_);
    // A low-order ephemeral would make ee/es all-zero: reject before answering.
    if (!e_->dh(re_)) {
        return errc::bad_dh;
    }
    // The msg-1 payload should be empty; tolerate and ignore one, but hash it as Noise requires.
    PCP_TRY(decrypt_and_hash(body.subspan(dh_size)));
    return ok();
}

result<void> handshake::read_msg2(mutable_bytes body)
{
    if (body.size() < min_msg2) {
        return errc::truncated;
    }
    std::copy_n(body.begin(), dh_size, re_.begin()); // e
    mix_hash(re_);
    PCP_TRY(mix_dh(*e_, re_)); // ee
    auto enc_s = body.subspan(dh_size, dh_size + tag_size);
    PCP_TRY(decrypt_and_hash(enc_s)); // s
    std::copy_n(enc_s.begin(), dh_size, rs_.begin());
    PCP_TRY(mix_dh(*e_, rs_)); // es
    return read_payload(body.subspan(dh_size + dh_size + tag_size));
}

result<void> handshake::read_msg3(mutable_bytes body)
{
    if (body.size() < min_msg3) {
        return errc::truncated;
    }
    auto enc_s = body.first(dh_size + tag_size);
    PCP_TRY(decrypt_and_hash(enc_s)); // s
    std::copy_n(enc_s.begin(), dh_size, rs_.begin());
    PCP_TRY(mix_dh(*e_, rs_)); // se
    return read_payload(body.subspan(dh_size + tag_size));
}

result<void> handshake::read_payload(mutable_bytes ciphertext)
{
    PCP_TRY(decrypt_and_hash(ciphertext));
    auto plaintext = ciphertext.first(ciphertext.size() - tag_size);
    PCP_TRY(auto p, decode_payload(plaintext));
    if (p.identity_key.empty() || p.identity_sig.empty()) {
        return errc::missing_identity;
    }
    auto key = peer::public_key::from_protobuf(p.identity_key);
    if (!key) {
        return errc::bad_identity_key;
    }
    byte_buffer signed_msg = to_buffer(static_key_prefix);
    append(signed_msg, rs_);
    if (!key.value().verify(signed_msg, p.identity_sig)) {
        return errc::bad_signature;
    }
    auto id = key.value().to_peer_id();
    if (expected_ && id != *expected_) {
        return errc::peer_id_mismatch;
    }
    remote_key_ = std::move(key).value();
    remote_peer_ = std::move(id);
    if (p.extensions && !p.extensions->stream_muxers.empty()) {
        remote_listed_muxers_ = true;
        remote_muxers_ = std::move(p.extensions->stream_muxers);
    }
    // Early muxer negotiation: the first initiator entry that the responder also lists.
    if (remote_listed_muxers_ && !muxers_.empty()) {
        const auto& init = role_ == role::initiator ? muxers_ : remote_muxers_;
        const auto& resp = role_ == role::initiator ? remote_muxers_ : muxers_;
        for (const auto& m : init) {
            if (std::find(resp.begin(), resp.end(), m) != resp.end()) {
                muxer_ = m;
                break;
            }
        }
    }
    return ok();
}

result<void> handshake::process(mutable_bytes body)
{
    switch (step_) {
    case step::msg1: {
        PCP_TRY(read_msg1(body));
        write_msg2();
        step_ = step::msg3;
        return ok();
    }
    case step::msg2: {
        PCP_TRY(read_msg2(body));
        write_msg3();
        step_ = step::done;
        return ok();
    }
    case step::msg3: {
        PCP_TRY(read_msg3(body));
        step_ = step::done;
        return ok();
    }
    case step::done:
    case step::failed: break;
    }
    return errc::failed;
}

void handshake::fail(const error_code& ec)
{
    error_ = ec;
    step_ = step::failed;
    has_pending_ = false;
    pending_.clear();
    wipe();
}

result<std::size_t> handshake::handle_input(bytes_view in)
{
    if (step_ == step::failed) {
        return error_;
    }
    std::size_t used = 0;
    while (wants_input() && used < in.size()) {
        used += reader_.feed(in.subspan(used));
        if (!reader_.has_frame()) {
            break;
        }
        auto r = process(reader_.body());
        reader_.pop();
        if (!r) {
            fail(r.error());
            return error_;
        }
    }
    if (step_ == step::done) {
        e_.reset(); // ephemeral and static secrets are no longer needed
        s_.reset();
    }
    return used;
}

bool handshake::poll_transmit(byte_buffer& out)
{
    if (!has_pending_) {
        return false;
    }
    append(out, pending_);
    pending_.clear();
    has_pending_ = false;
    return true;
}

bool handshake::wants_input() const noexcept
{
    return step_ == step::msg1 || step_ == step::msg2 || step_ == step::msg3;
}

bool handshake::is_complete() const noexcept
{
    return step_ == step::done && !has_pending_;
}

result<transport_state> handshake::split()
{
    if (step_ == step::failed) {
        return errc::failed;
    }
    if (!is_complete()) {
        return errc::handshake_incomplete;
    }
    if (split_) {
        return errc::already_split;
    }
    crypto::hash32 k1, k2;
    crypto::noise_hkdf(ck_, {}, k1, k2);
    split_ = true;
    OPENSSL_cleanse(ck_.data(), ck_.size());
    k_.reset();
    transport_state ts = role_ == role::initiator
                             ? transport_state{cipher_state(k1), cipher_state(k2)}
                             : transport_state{cipher_state(k2), cipher_state(k1)};
    OPENSSL_cleanse(k1.data(), k1.size());
    OPENSSL_cleanse(k2.data(), k2.size());
    return ts;
}

} // namespace pcp::p2p::noise
