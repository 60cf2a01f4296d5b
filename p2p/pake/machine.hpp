// SPDX-License-Identifier: MIT
// Sans-I/O /pcp/pake/1.0.0 (docs/protocols/pake.md): CPace (crypto/cpace.hpp, draft-irtf-cfrg-
// cpace-21, ristretto255 + SHA-512) in the initiator-responder setting, bound to the connection
// (CI = lv_cat(initiator peer ID, responder peer ID), sid = Noise handshake hash), with explicit key
// confirmation both ways, and the sender's attempt limiter. No networking, no clock, no ambient
// randomness: the scalar's random bytes are injected through `config`. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/cpace.hpp"
#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/pake/errc.hpp"
#include "p2p/pake/wire.hpp"

namespace pcp::p2p::pake {

/// Longest password (code phrase bytes).
inline constexpr std::size_t max_password_size = 1024;
/// Longest peer ID (its binary multihash form) in the channel identifier.
inline constexpr std::size_t max_peer_id_size = 256;
/// Session ID bounds (the Noise handshake hash is 32 bytes; a TLS exporter would be 32 too).
inline constexpr std::size_t min_session_id_size = 16;
inline constexpr std::size_t max_session_id_size = 64;
/// Size of the session key the exchange outputs.
inline constexpr std::size_t session_key_size = 64;
/// Label of the session-key derivation: key = SHA-512(lv_cat(label, ISK)).
inline constexpr std::string_view session_key_label = "pcp/pake/1.0.0 session key";

/// A 64-byte key derived from ISK, equal on both sides after a successful exchange (for binding
/// further connections). Move-only, zeroised on destruction.
using session_key = crypto::secret_array<session_key_size>;
/// A password; zeroised on destruction.
using crypto::secret;

/// CPace roles: the initiator (party A, speaks first) is the receiver, which dials; the responder
/// (party B) is the sender, which holds the code and listens.
enum class role : std::uint8_t { initiator, responder };

/// Inputs of one exchange. The views must stay valid for the constructor call only; nothing but
/// the session ID and our associated data is copied.
struct config {
    pake::role role = role::initiator;
    /// PRS: the code's bytes, 1..max_password_size.
    bytes_view password;
    /// Binary peer IDs of both ends (1..max_peer_id_size each), the same on both sides; they form
    /// CI = lv_cat(initiator_peer, responder_peer).
    bytes_view initiator_peer;
    bytes_view responder_peer;
    /// sid: the Noise handshake hash, min_session_id_size..max_session_id_size bytes.
    bytes_view session_id;
    /// Our associated data (ADa or ADb), sent in clear and authenticated; at most max_ad_size.
    bytes_view associated_data;
    /// 32 uniformly random bytes for our scalar (from a CSPRNG in glue code; zeroise afterwards).
    std::array<std::byte, crypto::cpace::scalar_size> scalar_random{};
};

/// What the machine reports to the layer above, once.
struct event {
    enum class kind : std::uint8_t { succeeded, failed };
    kind what = kind::failed;
    /// succeeded: the session key.
    session_key key;
    /// failed: why (a pake::errc, or the cause passed to handle_close).
    error_code error;
};

/// One CPace exchange with key confirmation (quinn-style, STYLE §B.3):
///
///     initiator (receiver)                     responder (sender)
///     -> {share: Ya, ad: ADa}
///                                              <- {share: Yb, ad: ADb, confirm: Tb}
///     -> {confirm: Ta}        or  -> {abort: wrong_code | protocol_error}
///
/// Ta = HMAC-SHA512(mac_key, lv_cat(Ya, ADa)), Tb = HMAC-SHA512(mac_key, lv_cat(Yb, ADb)),
/// mac_key = SHA-512("CPaceMac" || sid || ISK). A wrong code fails the initiator when message 2
/// arrives (Tb does not verify; it sends abort{wrong_code}) and the responder when that abort
/// arrives: both sides know within one round trip. Any side that detects a protocol error sends
/// abort{protocol_error} unless it has already sent its last message; a side that receives an abort
/// sends nothing. A responder that receives a bad Ta answers abort{wrong_code}.
///
/// Drive it: drain poll_transmit() to the peer, feed received bytes to handle_input(), and after
/// each step drain poll_transmit() again, then check poll_event(). The single event comes after
/// the bytes that must precede it (message 3 or an abort) are queued. After the event the machine
/// is finished; later inputs are ignored.
class machine {
  public:
    /// Build the machine; an initiator's message 1 is ready for poll_transmit() at once. Invalid
    /// inputs (sizes out of range) fail it at once with errc::invalid_input (no bytes to send).
    explicit machine(const config& cfg);
    machine(machine&&) noexcept = default;
    machine& operator=(machine&&) noexcept = default;
    ~machine();

    /// Feed bytes from the peer (any split; a partial frame is buffered, at most max_frame_size
    /// bytes). Returns how many bytes of `in` were used: fewer than in.size() only once the machine
    /// wants no more input (bytes after the last expected message are not ours). Errors (the
    /// machine is failed and a failed event is queued; every later call returns the same error):
    /// malformed, message_too_large, limit_exceeded, unexpected_message, invalid_share,
    /// wrong_code (bad tag, or the peer aborted with wrong_code), peer_aborted.
    [[nodiscard]] result<std::size_t> handle_input(bytes_view in);

    /// The stream ended, broke or timed out before the machine finished. Returns the error to
    /// report and queues it as the failed event: errc::abandoned for a responder that has sent its
    /// share and tag but has no confirmation (the peer got to test one guess), else `cause`. After
    /// the machine finished, returns its error (or an empty error_code on success).
    error_code handle_close(const error_code& cause);

    /// Append the next framed message to `out`; false when there is nothing to send.
    bool poll_transmit(byte_buffer& out);
    /// The outcome, once: succeeded (with the session key) or failed.
    [[nodiscard]] std::optional<event> poll_event();

    /// True while the machine expects another message from the peer.
    [[nodiscard]] bool wants_input() const noexcept;
    /// True once the exchange has succeeded or failed.
    [[nodiscard]] bool is_finished() const noexcept { return step_ == step::done || step_ == step::failed; }
    /// The error that failed the machine (empty while running or after success).
    [[nodiscard]] const error_code& error() const noexcept { return error_; }
    [[nodiscard]] pake::role role() const noexcept { return role_; }
    /// The peer's associated data (valid once its share arrived; empty before).
    [[nodiscard]] bytes_view remote_ad() const noexcept { return remote_ad_; }

  private:
    enum class step : std::uint8_t { await_share, await_reply, await_confirm, done, failed };

    [[nodiscard]] result<void> process(message m);
    [[nodiscard]] result<void> on_hello(message& m);
    [[nodiscard]] result<void> on_reply(message& m);
    [[nodiscard]] result<void> on_confirm(message& m);
    [[nodiscard]] result<void> derive(bytes_view remote_share);
    [[nodiscard]] error_code from_abort(std::uint64_t reason) const;
    void send(const message& m);
    void send_abort(abort_reason r);
    void fail(const error_code& ec, std::optional<abort_reason> notify);
    void succeed();
    void wipe() noexcept;

    pake::role role_;
    step step_ = step::await_share;
    byte_buffer sid_;
    crypto::cpace::scalar y_;
    crypto::cpace::point own_share_{};
    byte_buffer own_ad_;
    crypto::cpace::point remote_share_{};
    byte_buffer remote_ad_;
    std::optional<crypto::cpace::isk> isk_;
    std::optional<crypto::cpace::mac_key> mac_key_;
    byte_buffer rx_;      ///< a partial frame
    byte_buffer pending_; ///< framed bytes awaiting poll_transmit
    bool share_sent_ = false;
    std::optional<event> event_;
    error_code error_;
};

/// Bounds the failed attempts a sender accepts for one code (DESIGN §5: default 3, then the code
/// is burned). Concurrent exchanges are counted while they run, so parallel guesses cannot exceed
/// the limit: call allow() before each exchange, then exactly one of record_failure() (it failed
/// in a way that let the peer test a guess: see counts_as_attempt) or release() (it succeeded, or
/// failed before our share was sent). Pure; not thread-safe (one core).
class attempt_limiter {
  public:
    explicit attempt_limiter(int max_failures = 3) noexcept : max_failures_(max_failures < 1 ? 1 : max_failures) {}
    /// May another exchange start? False once burned, or while failures plus running exchanges
    /// reach the limit. True reserves a slot.
    [[nodiscard]] bool allow() noexcept
    {
        if (burned() || failures_ + in_flight_ >= max_failures_) {
            return false;
        }
        ++in_flight_;
        return true;
    }
    /// A failed attempt (frees one reserved slot, if any).
    void record_failure() noexcept
    {
        if (in_flight_ > 0) {
            --in_flight_;
        }
        ++failures_;
    }
    /// An exchange ended without costing an attempt (frees its slot).
    void release() noexcept
    {
        if (in_flight_ > 0) {
            --in_flight_;
        }
    }
    /// True once max_failures attempts failed: stop advertising and exit.
    [[nodiscard]] bool burned() const noexcept { return failures_ >= max_failures_; }
    [[nodiscard]] int failures() const noexcept { return failures_; }
    [[nodiscard]] int max_failures() const noexcept { return max_failures_; }

  private:
    int max_failures_;
    int failures_ = 0;
    int in_flight_ = 0;
};

/// Whether a responder's failed exchange used up an attempt: wrong_code and abandoned (the peer
/// saw our share and tag, so it tested one guess). Errors before our share was sent do not count.
[[nodiscard]] bool counts_as_attempt(const error_code& ec) noexcept;

} // namespace pcp::p2p::pake
