// SPDX-License-Identifier: MIT
// Terminal output for send/receive: a progress line with rate and ETA (only on a TTY), human
// sizes, and the [y/N] prompt. JSON output goes elsewhere (cli/events.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace pcp::cli {

/// "1.5 GiB", "340 KiB", "12 B".
std::string human_bytes(std::uint64_t n);
/// "2m05s", "45s", "1h02m".
std::string human_duration(std::chrono::seconds s);

/// A single-line progress bar on stderr, redrawn at most every 100 ms; silent unless stderr is
/// a TTY (or forced). finish() leaves the final line in place.
class progress_bar {
public:
    progress_bar(std::string label, std::uint64_t total, bool enabled);
    void update(std::uint64_t done);
    void finish();

private:
    void draw(bool final_line);
    std::string label_;
    std::uint64_t total_;
    std::uint64_t done_ = 0;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_{};
};

/// True when stderr is a terminal.
bool stderr_is_tty();

/// Ask "question [y/N] " on the controlling terminal (or stdin when it is not a TTY) and wait for
/// a line. Returns true only for y/yes (any case); EOF or anything else is no.
bool ask_yes_no(const std::string& question);

/// Read a line (the code words) from the terminal without echo when possible.
std::optional<std::string> read_secret_line(const std::string& prompt);

} // namespace pcp::cli
