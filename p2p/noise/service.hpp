// SPDX-License-Identifier: MIT
// Noise over a byte stream (coroutine glue for machine.hpp; libp2p specs noise/README.md): runs the
// XX handshake, then exposes the encrypted channel as a transport::stream. Writes are split into
// frames of at most 65519 plaintext bytes; reads decrypt one frame at a time, in place.
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

/// The encrypted channel. One read and one write may be outstanding at once (they use separate
/// cipher states). Any decrypt failure is fatal: the inner stream is aborted.
class secure_stream final : public transport::stream {
public:
    secure_stream(std::unique_ptr<transport::stream> inner, transport_state keys, byte_buffer leftover, session_info info);
    task<result<std::size_t>> read_some(mutable_bytes buf) override;
    task<result<void>> write_all(bytes_view buf) override;
    task<result<void>> close_write() override;
    void abort() noexcept override;

    [[nodiscard]] const session_info& info() const noexcept { return info_; }
    [[nodiscard]] transport::stream& inner() noexcept { return *inner_; }

private:
    [[nodiscard]] task<result<bool>> next_frame();

    std::unique_ptr<transport::stream> inner_;
    transport_state keys_;
    session_info info_;
    byte_buffer rx_;            ///< raw bytes read from inner_ but not yet consumed
    std::size_t rx_start_ = 0;  ///< start of unconsumed bytes in rx_
    std::size_t rx_end_ = 0;
    bytes_view plain_;          ///< decrypted bytes not yet handed out (inside rx_)
    byte_buffer tx_;
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
