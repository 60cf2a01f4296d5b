// SPDX-License-Identifier: MIT
// Sans-I/O Noise for libp2p (specs noise/README.md, connections/inlined-muxer-negotiation.md;
// noiseprotocol.org rev 34 §5 and §7.5; libp2p-digest §5): the XX handshake for
// Noise_XX_25519_ChaChaPoly_SHA256 with an empty prologue, the libp2p identity payload, early muxer
// negotiation, and the transport cipher states that follow Split(). No networking, no clock, no
// ambient randomness: key material is injected through `config`. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/chacha20poly1305.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/x25519.hpp"
#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/noise/errc.hpp"
#include "p2p/noise/wire.hpp"
#include "p2p/peer/keys.hpp"
#include "p2p/peer/peer_id.hpp"

namespace pcp::p2p::noise {

/// The Noise protocol name; exactly 32 bytes, so it is the initial handshake hash unhashed.
inline constexpr std::string_view protocol_name = "Noise_XX_25519_ChaChaPoly_SHA256";
/// Domain-separation prefix of identity_sig.
inline constexpr std::string_view static_key_prefix = "noise-libp2p-static-key:";
/// Key length of a cipher state.
inline constexpr std::size_t key_size = 32;

/// One direction of a Noise transport: a ChaCha20-Poly1305 key and its 64-bit nonce counter
/// (noiseprotocol.org §5.1). Frames are `len16 || ciphertext || tag` with empty associated data.
/// Counters start at 0; the nonce 2^64-1 is never used (nonce_exhausted comes first). Move-only,
/// key zeroised on destruction. Not thread-safe (one connection, one core).
class cipher_state {
public:
    /// A state keyed with `key`, nonce 0.
    explicit cipher_state(std::span<const std::byte, key_size> key);

    /// Encrypt `plaintext` as one frame appended to `out` (2 + plaintext.size() + 16 bytes).
    /// Errors (nothing appended, nonce unchanged): frame_too_large when plaintext.size() >
    /// max_plaintext_size (split the write, or use seal_frames); nonce_exhausted (close the
    /// connection).
    [[nodiscard]] result<void> seal_frame(bytes_view plaintext, byte_buffer& out);

    /// Encrypt `data` of any length as consecutive frames of at most max_plaintext_size plaintext
    /// bytes each, appended to `out`; empty data appends nothing. Errors: nonce_exhausted (frames
    /// sealed before the error stay appended; close the connection).
    [[nodiscard]] result<void> seal_frames(bytes_view data, byte_buffer& out);

    /// Zero-copy seal. `frame` = [2 bytes header room][plaintext_len bytes of plaintext][16 bytes
    /// tag room][anything]. Writes the length header, encrypts the plaintext in place and writes
    /// the tag; returns the frame length (plaintext_len + 18), i.e. the bytes to send from
    /// frame.data(). Errors (frame untouched): frame_too_large (plaintext_len >
    /// max_plaintext_size), buffer_too_small (frame.size() < plaintext_len + 18), nonce_exhausted.
    [[nodiscard]] result<std::size_t> seal_in_place(std::span<std::byte> frame,
                                                    std::size_t plaintext_len);

    /// Decrypt one frame body (ciphertext || tag, without the length header) in place. On success
    /// the first returned-count bytes of `body` are the plaintext and the nonce advances. The tag
    /// is verified before success is reported; on failure `body` is zeroed. Errors (all fatal for
    /// the connection): truncated (body shorter than a tag), frame_too_large (body >
    /// max_frame_body), decrypt_failed, nonce_exhausted.
    [[nodiscard]] result<std::size_t> open_in_place(std::span<std::byte> body);

    /// Decrypt the frame at the start of `in` in place. Complete: message = the plaintext (a view
    /// into `in`, after the 2-byte header), consumed = the whole frame's length. Incomplete:
    /// need_more with the total bytes needed; nothing changes. Errors as open_in_place.
    [[nodiscard]] result<decoded<mutable_bytes>> open_frame(mutable_bytes in);

    /// Encrypt in place with associated data: `buf` = plaintext || 16 bytes of tag room
    /// (Noise EncryptWithAd; used by the handshake). Errors: nonce_exhausted.
    [[nodiscard]] result<void> encrypt_with_ad(bytes_view ad, std::span<std::byte> buf);
    /// Decrypt in place with associated data: `buf` = ciphertext || tag (Noise DecryptWithAd).
    /// Errors: truncated, decrypt_failed (buf zeroed), nonce_exhausted.
    [[nodiscard]] result<void> decrypt_with_ad(bytes_view ad, std::span<std::byte> buf);

    /// The next nonce to be used.
    [[nodiscard]] std::uint64_t nonce() const noexcept { return n_; }
    /// Noise SetNonce: for tests of nonce exhaustion only; never rewind a live connection.
    void set_nonce(std::uint64_t n) noexcept { n_ = n; }

private:
    [[nodiscard]] result<void> check_nonce() const noexcept;
    crypto::chacha20poly1305 aead_;
    std::uint64_t n_ = 0;
};

/// The two transport directions after Split(): `send` encrypts our frames, `recv` opens the peer's.
struct transport_state {
    cipher_state send;
    cipher_state recv;
};

/// Which side of the XX pattern this machine plays: the dialer is the initiator (libp2p
/// connections/README.md), except where a protocol such as DCUtR says otherwise.
enum class role : std::uint8_t { initiator, responder };

/// Handshake inputs. All randomness is injected: take the 64 key bytes from a CSPRNG in glue code,
/// fresh per handshake, and zeroise them after constructing the machine.
struct config {
    noise::role role = role::initiator;
    /// Our libp2p identity; it signs our static key during construction and is not kept.
    const peer::ed25519_keypair& identity;
    /// Private scalar of our static X25519 key (never the Ed25519 identity key).
    std::array<std::byte, 32> static_secret{};
    /// Private scalar of our ephemeral X25519 key.
    std::array<std::byte, 32> ephemeral_secret{};
    /// When set, the remote's authenticated peer ID must equal it, else peer_id_mismatch (the
    /// initiator's `/p2p/` from the dialed multiaddr; also honoured on the responder).
    std::optional<peer::peer_id> expected_remote;
    /// Our stream muxers in preference order for early negotiation (e.g. {"/yamux/1.0.0"}); empty
    /// sends no extensions. At most max_stream_muxers names of at most max_muxer_name_size bytes.
    std::vector<std::string> muxers;
};

/// The XX handshake (quinn-style, STYLE §B.3):
///
///     initiator                          responder
///     -> e                     (msg 1, 32 B, empty payload)
///     <- e, ee, s, es          (msg 2, responder payload: identity, muxers)
///     -> s, se                 (msg 3, initiator payload: identity, muxers)
///
/// Drive it: drain poll_transmit() to the peer, feed every received byte to handle_input() until
/// is_complete(), then call split(). handle_input() never consumes past the last handshake message
/// the machine expects, so bytes that follow it (the peer's first transport frames, e.g. yamux
/// right after an early-negotiated muxer) stay with the caller. Any error is final: the machine
/// stays failed and the connection must be closed.
class handshake {
public:
    /// Build the machine; an initiator's message 1 is ready for poll_transmit() at once. Throws
    /// std::invalid_argument only when `cfg.muxers` exceeds the documented limits (a caller bug).
    explicit handshake(const config& cfg);
    handshake(handshake&&) noexcept = default;
    handshake& operator=(handshake&&) noexcept = default;
    ~handshake();

    /// Feed bytes received from the peer (any split: partial frames are buffered inside). Returns
    /// how many bytes of `in` were consumed; it is less than in.size() only when the handshake has
    /// received its last message (the rest belongs to the transport). Errors: truncated,
    /// decrypt_failed, bad_payload, payload_limit, missing_identity, bad_identity_key,
    /// bad_signature, peer_id_mismatch, bad_dh; after any error every later call returns the same
    /// error. The caller must then close the connection.
    [[nodiscard]] result<std::size_t> handle_input(bytes_view in);

    /// Append the next framed handshake message (length prefix included) to `out`; false when
    /// there is nothing to send now.
    bool poll_transmit(byte_buffer& out);

    /// True while the machine still expects handshake bytes from the peer.
    [[nodiscard]] bool wants_input() const noexcept;
    /// True once every message has been processed and our last message has been polled.
    [[nodiscard]] bool is_complete() const noexcept;
    /// The error that failed the machine, if any.
    [[nodiscard]] const error_code& error() const noexcept { return error_; }
    [[nodiscard]] noise::role role() const noexcept { return role_; }

    /// The remote's authenticated peer ID. Valid once is_complete() (for an initiator, already
    /// after message 2 was handled); empty before.
    [[nodiscard]] const peer::peer_id& remote_peer() const noexcept { return remote_peer_; }
    /// The remote's identity public key (same validity as remote_peer()).
    [[nodiscard]] const peer::public_key& remote_public_key() const noexcept { return remote_key_; }
    /// The remote's static X25519 key (same validity as remote_peer()).
    [[nodiscard]] const crypto::x25519_public_key& remote_static_key() const noexcept
    {
        return rs_;
    }
    /// The early-negotiated muxer: the first entry of the initiator's list that the responder also
    /// lists. nullopt when either list is missing or they do not overlap: negotiate the muxer with
    /// multistream-select instead. Valid once is_complete().
    [[nodiscard]] const std::optional<std::string>& negotiated_muxer() const noexcept
    {
        return muxer_;
    }
    /// The final handshake hash h (32 bytes, equal on both sides), for channel binding. Valid once
    /// is_complete().
    [[nodiscard]] const crypto::hash32& handshake_hash() const noexcept { return h_; }

    /// Noise Split(): the transport cipher states (first key initiator→responder, second
    /// responder→initiator, both nonces 0), oriented for this role. Once only; the chaining key
    /// is erased. Errors: handshake_incomplete (not is_complete()), already_split, failed.
    [[nodiscard]] result<transport_state> split();

private:
    enum class step : std::uint8_t { msg1, msg2, msg3, done, failed };

    // Noise SymmetricState operations (noiseprotocol.org §5.2).
    void mix_hash(bytes_view data);
    void mix_key(const crypto::x25519_shared_secret& dh);
    void encrypt_and_hash(bytes_view plaintext, byte_buffer& out);
    [[nodiscard]] result<void> decrypt_and_hash(std::span<std::byte> buf);
    [[nodiscard]] result<void> mix_dh(const crypto::x25519_keypair& local,
                                      const crypto::x25519_public_key& remote);

    void write_msg1();
    void write_msg2();
    void write_msg3();
    [[nodiscard]] result<void> read_msg1(mutable_bytes body);
    [[nodiscard]] result<void> read_msg2(mutable_bytes body);
    [[nodiscard]] result<void> read_msg3(mutable_bytes body);
    [[nodiscard]] result<void> read_payload(mutable_bytes ciphertext);
    [[nodiscard]] result<void> process(mutable_bytes body);
    void fail(const error_code& ec);
    void wipe() noexcept;

    noise::role role_;
    step step_ = step::msg1;
    crypto::hash32 ck_{};
    crypto::hash32 h_{};
    std::optional<cipher_state> k_; ///< handshake cipher (AD = h)
    std::optional<crypto::x25519_keypair> s_;
    std::optional<crypto::x25519_keypair> e_;
    crypto::x25519_public_key re_{};
    crypto::x25519_public_key rs_{};
    byte_buffer payload_; ///< our encoded handshake payload (sent in msg 2 or 3)
    std::vector<std::string> muxers_;
    std::optional<peer::peer_id> expected_;
    frame_reader reader_;
    byte_buffer pending_; ///< one framed message awaiting poll_transmit
    bool has_pending_ = false;
    bool split_ = false;
    error_code error_;
    peer::peer_id remote_peer_;
    peer::public_key remote_key_;
    std::vector<std::string> remote_muxers_;
    bool remote_listed_muxers_ = false;
    std::optional<std::string> muxer_;
};

} // namespace pcp::p2p::noise
