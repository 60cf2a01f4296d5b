// SPDX-License-Identifier: MIT
// The byte-stream seam (STYLE §I: concepts for the few real seams). Every layer that carries bytes
// — TCP, in-memory pairs, Noise sessions, yamux streams — implements `stream`, so that
// multistream-select, identify, ping and the application protocols run over any of them.
#pragma once

#include <concepts>
#include <cstddef>

#include "engine/bytes.hpp"
#include "engine/task.hpp"

namespace pcp::transport {

/// Zero-copy output for a stream that builds its wire format in a buffer of its own (Noise): the
/// producer writes a frame's payload straight into that buffer, and the stream seals it there and
/// sends several frames with one write (DESIGN §3, bulk path). Owned by the stream; same core.
class frame_output {
public:
    /// Room for the payload of the next frame (at most the stream's largest frame payload). Empty
    /// when the batch is full: flush_frames() first. Valid until commit_frame() or flush_frames().
    [[nodiscard]] virtual mutable_bytes frame_room() noexcept = 0;
    /// The first `n` bytes of frame_room() (n <= its size) are the next frame's payload: seal them
    /// in place; n == 0 does nothing. An error (e.g. Noise nonce_exhausted) is fatal for the stream.
    [[nodiscard]] virtual result<void> commit_frame(std::size_t n) = 0;
    /// Send every committed frame with one write. Not cancel-safe (like write_all). No write_all
    /// may start while committed frames wait for their flush.
    [[nodiscard]] virtual task<result<void>> flush_frames() = 0;

protected:
    ~frame_output() = default;
};

/// A reliable, ordered, bidirectional byte stream owned by one core. Not thread-safe: use it only
/// from its executor. At most one read and one write may be outstanding at a time.
class stream {
public:
    virtual ~stream() = default;
    /// Read at least one byte into `buf` (non-empty). 0 means the peer closed its sending side.
    /// Cancel-safe: a cancelled read consumes nothing that is lost.
    [[nodiscard]] virtual task<result<std::size_t>> read_some(mutable_bytes buf) = 0;
    /// Write all of `buf` or fail. Not cancel-safe: a cancelled write may have sent a prefix.
    [[nodiscard]] virtual task<result<void>> write_all(bytes_view buf) = 0;
    /// Read without a copy where the stream can: a view of the next received bytes (empty = the
    /// peer closed its sending side), valid until the next read on this stream. Streams that keep
    /// decrypted bytes in a buffer of their own (Noise) return a view into it; the default reads
    /// into `scratch` (non-empty) and returns that part of it. Cancel-safe like read_some.
    [[nodiscard]] virtual task<result<bytes_view>> read_view(mutable_bytes scratch);
    /// The stream's zero-copy output, or nullptr when it has none (then use write_all).
    [[nodiscard]] virtual frame_output* frames() noexcept { return nullptr; }
    /// Half-close: we send no more bytes (TCP FIN, yamux FIN). Reads go on.
    [[nodiscard]] virtual task<result<void>> close_write() = 0;
    /// Abort both directions at once (TCP close, yamux RST). Idempotent; not a coroutine.
    virtual void abort() noexcept = 0;
};

/// What a type needs to be used where a stream is expected, checked statically.
template <class S>
concept byte_stream = requires(S& s, mutable_bytes m, bytes_view b) {
    { s.read_some(m) } -> std::same_as<task<result<std::size_t>>>;
    { s.write_all(b) } -> std::same_as<task<result<void>>>;
    { s.close_write() } -> std::same_as<task<result<void>>>;
    { s.abort() } noexcept;
};

static_assert(byte_stream<stream>);

/// Read exactly buf.size() bytes; errc::closed (engine) if the stream ends first.
[[nodiscard]] task<result<void>> read_exact(stream& s, mutable_bytes buf);

/// Read until EOF, at most `limit` bytes (errc::limit_exceeded beyond).
[[nodiscard]] task<result<byte_buffer>> read_to_end(stream& s, std::size_t limit);

} // namespace pcp::transport
