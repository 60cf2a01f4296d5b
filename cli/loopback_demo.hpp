// SPDX-License-Identifier: MIT
// `pcp selftest loopback`: the engine's loopback demo — a TCP stream through the per-core io_uring
// runtime on 127.0.0.1, measuring throughput. It stands in for `make demo` until send/receive land.
#pragma once

#include <cstdint>

namespace pcp::cli {

struct loopback_options {
    std::uint64_t bytes = 1ull << 30;
    std::size_t chunk = 256 * 1024;
    bool json = false;
};

/// Returns an exit code.
int run_loopback_demo(const loopback_options& opts);

} // namespace pcp::cli
