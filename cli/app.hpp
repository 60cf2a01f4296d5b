// SPDX-License-Identifier: MIT
// The command-line front end (DESIGN §6): parses arguments and runs one command.
#pragma once

namespace pcp::cli {

/// Exit codes (DESIGN §6, docs/cli.md).
enum exit_code : int {
    exit_ok = 0,
    exit_error = 1,
    exit_usage = 2,
    exit_not_found = 3,
    exit_auth_failed = 4,
    exit_rejected = 5,
    exit_interrupted_transfer = 6,
    exit_sigint = 130,
};

/// Parse argv and run; returns the process exit code.
int run(int argc, char** argv);

} // namespace pcp::cli
