// SPDX-License-Identifier: MIT
// Noise over a byte stream (coroutine glue for machine.hpp; libp2p specs noise/README.md): runs the
// XX handshake, then exposes the encrypted channel as a transport::stream. Writes are split into
// frames of at most 65519 plaintext bytes, sealed in place in a send batch (zero-copy for
// producers that use frames()); reads decrypt one frame at a time, in place.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/task.hpp"
#include "p2p/noise/machine.hpp"
#include "transport/stream.hpp"

namespace pcp::p2p::noise {

/// What the handshake established about the remote end.
struct session_info {
    peer::peer_id remote_peer;
    peer::public_key remote_key;
    std::optional<std::string> muxer; ///< early-negotiated muxer, if both sides listed one
    crypto::hash32 handshake_hash{};  ///< channel binding for the PAKE
};

/// Ciphertext bytes the receive buffer holds (four largest frames): one read can bring several
/// frames, and frames are decrypted where they landed.
inline constexpr std::size_t receive_buffer_size = 4 * max_frame_size;
/// Sealed frames one write can carry (four largest frames, about 256 KiB).
inline constexpr std::size_t send_batch_size = 4 * max_frame_size;

/// The encrypted channel. One read and one write may be outstanding at once (they use separate
/// cipher states). Any decrypt failure is fatal: the inner stream is aborted.
///
/// No plaintext is copied inside: received frames are decrypted in place in the receive buffer
/// (read_view() hands out a view of it), and frames() lets a producer (yamux) write plaintext
/// straight into the send batch, where it is sealed in place and sent with the batch's other
/// frames in one write. write_all() copies the caller's bytes into the batch once.
class secure_stream final : public transport::stream, private transport::frame_output {
public:
    secure_stream(std::unique_ptr<transport::stream> inner, transport_state keys, byte_buffer leftover, session_info info);
    task<result<std::size_t>> read_some(mutable_bytes buf) override;
    /// One decrypted frame's plaintext at a time, a view into the receive buffer (`scratch` is not
    /// used); valid until the next read.
    task<result<bytes_view>> read_view(mutable_bytes scratch) override;
    task<result<void>> write_all(bytes_view buf) override;
    transport::frame_output* frames() noexcept override { return this; }
    task<result<void>> close_write() override;
    void abort() noexcept override;

    [[nodiscard]] const session_info& info() const noexcept { return info_; }
    [[nodiscard]] transport::stream& inner() noexcept { return *inner_; }

private:
    /// Room for max_plaintext_size bytes behind a 2-byte header in the send batch, with 16 bytes
    /// for the tag behind it; empty once less than a largest frame is left.
    mutable_bytes frame_room() noexcept override;
    /// Seal the frame in place: errors frame_too_large (n beyond frame_room()), nonce_exhausted.
    result<void> commit_frame(std::size_t n) override;
    task<result<void>> flush_frames() override;
    [[nodiscard]] task<result<bool>> next_frame();
    [[nodiscard]] error_code fail(error_code ec) noexcept;

    std::unique_ptr<transport::stream> inner_;
    transport_state keys_;
    session_info info_;
    std::size_t rx_size_;                ///< receive buffer size (receive_buffer_size unless leftover was larger)
    std::unique_ptr<std::byte[]> rx_;    ///< ciphertext read from inner_; frames decrypted in place
    std::size_t rx_start_ = 0;           ///< first byte not yet consumed
    std::size_t rx_end_ = 0;             ///< end of the bytes read
    bytes_view plain_;                   ///< decrypted bytes not yet handed out (inside rx_)
    std::unique_ptr<std::byte[]> tx_;    ///< send batch of send_batch_size bytes: sealed frames
    std::size_t tx_used_ = 0;            ///< bytes of sealed frames waiting for flush_frames()
    bool failed_ = false;
};

/// Options for one handshake.
struct handshake_options {
    role side = role::initiator;
    std::optional<peer::peer_id> expected_remote; ///< initiator: the /p2p/ ID we dialed
    std::vector<std::string> muxers;              ///< our muxers in preference order (early negotiation)
};

/// Run the XX handshake over `inner` with a fresh static and ephemeral X25519 key.
[[nodiscard]] task<result<std::unique_ptr<secure_stream>>> secure(std::unique_ptr<transport::stream> inner,
                                                                  const peer::ed25519_keypair& identity,
                                                                  handshake_options opts);

} // namespace pcp::p2p::noise
