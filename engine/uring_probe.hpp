// SPDX-License-Identifier: MIT
// Start-up probe of the kernel's io_uring (DESIGN §3): the io_uring build cannot fall back at run
// time, so pcp checks first and exits with a clear message. Also detects the optional opcodes and
// features that later code may use, so each has a fallback and tests can report "skipped".
#pragma once

#include <string>

namespace pcp::engine {

struct uring_features {
    bool available = false;          ///< io_uring_setup succeeded
    std::string error;               ///< why not, when !available
    std::string kernel;              ///< uname -r
    bool send_zc = false;            ///< IORING_OP_SEND_ZC (6.0)
    bool multishot_accept = false;   ///< IORING_OP_ACCEPT with IORING_ACCEPT_MULTISHOT (5.19)
    bool recv_multishot = false;     ///< IORING_RECV_MULTISHOT (6.0)
    bool buffer_rings = false;       ///< IORING_REGISTER_PBUF_RING (5.19)
    bool fast_poll = false;          ///< IORING_FEAT_FAST_POLL
    bool registered_buffers = false; ///< IORING_REGISTER_BUFFERS within RLIMIT_MEMLOCK
};

/// Probe once (cheap: one ring of 2 entries, created and destroyed).
[[nodiscard]] uring_features probe_uring();

/// Entries of each core's io_uring (Asio's io_uring_service ring_size); the probe uses the same.
inline constexpr unsigned engine_ring_entries = 16384;

/// "RLIMIT_MEMLOCK is N KiB; …raise it…": what to do when a ring cannot be set up (ENOMEM).
[[nodiscard]] std::string memlock_hint();

/// Set when a core could not set up its io_uring after start (the pool was stopped); commands
/// then exit 1.
[[nodiscard]] bool engine_failed() noexcept;

/// True when this binary was built for the io_uring backend (the default preset).
[[nodiscard]] bool built_with_io_uring() noexcept;

/// Human text for the start-up failure: what is wrong and what to do.
[[nodiscard]] std::string uring_unavailable_message(const uring_features& f);

} // namespace pcp::engine
