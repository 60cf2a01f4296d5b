// SPDX-License-Identifier: MIT
// Graceful shutdown: wait for SIGINT/SIGTERM on an executor. Callers race their main task against
// this (awaitable_operators ||) so that cancellation unwinds every task before the process exits.
#pragma once

#include "engine/task.hpp"

namespace pcp::engine {

/// Completes with the signal number (SIGINT or SIGTERM) once one arrives.
[[nodiscard]] task<int> wait_for_shutdown_signal();

/// Exit code for a signal-ended run: 130 for SIGINT, 143 for SIGTERM (DESIGN §6).
[[nodiscard]] constexpr int exit_code_for_signal(int sig) noexcept { return 128 + sig; }

} // namespace pcp::engine
