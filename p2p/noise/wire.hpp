// SPDX-License-Identifier: MIT
// Noise wire formats for libp2p (specs noise/README.md §"Wire Format" and §"The libp2p Handshake
// Payload", connections/inlined-muxer-negotiation.md; libp2p-digest §5): the 2-byte big-endian
// length framing shared by handshake and transport messages, an incremental frame_reader, and the
// NoiseHandshakePayload protobuf with bounded decoding. Pure: no Asio, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/noise/errc.hpp"

namespace pcp::p2p::noise {

/// Length prefix of every Noise message: u16 big-endian.
inline constexpr std::size_t frame_header_size = 2;
/// Largest message body the length prefix can express (Noise's 65535-byte message limit).
inline constexpr std::size_t max_frame_body = 65535;
/// Largest whole frame: header plus body.
inline constexpr std::size_t max_frame_size = frame_header_size + max_frame_body;
/// ChaChaPoly authentication tag length.
inline constexpr std::size_t tag_size = 16;
/// Largest transport plaintext per frame (65535 - 16); larger writes must be split.
inline constexpr std::size_t max_plaintext_size = max_frame_body - tag_size;
/// X25519 public key length (Noise DHLEN).
inline constexpr std::size_t dh_size = 32;

/// Limits on a decoded NoiseHandshakePayload (bounded decoding, STYLE §B.1). An RSA-8192 PKIX key
/// protobuf is about 1.1 KB and its signature 1 KB, well inside these.
inline constexpr std::size_t max_identity_key_size = 4096;
inline constexpr std::size_t max_identity_sig_size = 2048;
inline constexpr std::size_t max_stream_muxers = 32;
inline constexpr std::size_t max_muxer_name_size = 256;
inline constexpr std::size_t max_certhashes = 16;
inline constexpr std::size_t max_certhash_size = 128;

/// NoiseExtensions { repeated bytes webtransport_certhashes = 1; repeated string stream_muxers = 2;
/// }
struct extensions {
    std::vector<byte_buffer> webtransport_certhashes;
    std::vector<std::string> stream_muxers; ///< in preference order
    friend bool operator==(const extensions&, const extensions&) = default;
};

/// NoiseHandshakePayload { optional bytes identity_key = 1; optional bytes identity_sig = 2;
/// optional NoiseExtensions extensions = 4; }. Empty byte fields are "absent" and not encoded;
/// field 3 (legacy early data) and unknown fields are skipped on decode.
struct handshake_payload {
    byte_buffer identity_key; ///< serialized libp2p PublicKey protobuf
    byte_buffer identity_sig; ///< signature over "noise-libp2p-static-key:" || static X25519 key
    std::optional<noise::extensions> extensions;
    friend bool operator==(const handshake_payload&, const handshake_payload&) = default;
};

/// Append the protobuf encoding of `p` (deterministic: fields 1, 2, 4 in order).
void encode(const handshake_payload& p, byte_buffer& out);

/// Decode a whole NoiseHandshakePayload (the decrypted payload of handshake message 2 or 3).
/// Repeated occurrences of field 4 merge, as protobuf specifies. Never throws.
/// Errors: bad_payload (malformed protobuf, wrong wire type for a known field),
/// payload_limit (a field or count above the limits above).
[[nodiscard]] result<handshake_payload> decode_payload(bytes_view in);

/// Append `len16(body) || body`. Precondition: body.size() <= max_frame_body.
void encode_frame(bytes_view body, byte_buffer& out);

/// Read the frame at the start of `in`: on success message = a view of the body (into `in`) and
/// consumed = 2 + body length; otherwise need_more with the total bytes needed (2 while the header
/// is incomplete). Total: every 16-bit length is legal, so this never fails.
[[nodiscard]] decoded<bytes_view> decode_frame(bytes_view in) noexcept;

/// Extracts complete length-prefixed frames from a byte stream delivered in arbitrary pieces.
/// Holds at most one frame (bounded by max_frame_size) and never consumes bytes beyond the end of
/// the frame it is assembling, so the caller keeps whatever follows.
class frame_reader {
public:
    /// Take bytes from the front of `in` until the current frame is complete. Returns how many were
    /// taken (0 when a complete frame is already waiting: call pop() first).
    std::size_t feed(bytes_view in);
    /// True when a complete frame is buffered.
    [[nodiscard]] bool has_frame() const noexcept;
    /// The complete frame's body, writable so it can be decrypted in place. Precondition:
    /// has_frame().
    [[nodiscard]] mutable_bytes body() noexcept;
    /// Discard the complete frame and start assembling the next one.
    void pop() noexcept;
    /// Bytes held for the frame being assembled (header included); 0 between frames.
    [[nodiscard]] std::size_t buffered() const noexcept { return buf_.size(); }

private:
    [[nodiscard]] std::size_t wanted() const noexcept;
    byte_buffer buf_; ///< header || body-so-far
};

} // namespace pcp::p2p::noise
