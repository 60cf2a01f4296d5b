// SPDX-License-Identifier: MIT
// What send/receive tell the user: human lines on stderr (a progress bar on a TTY only), or one
// JSON object per line on stdout with --json (docs/cli.md lists the events). Every string that
// came from the other side is already escaped by the transfer layer before it arrives here.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/progress.hpp"
#include "p2p/transfer/service.hpp"

namespace pcp::cli {

class reporter final : public p2p::transfer::event_sink {
public:
    using json = nlohmann::ordered_json;
    reporter(bool json_mode, int verbosity, std::string role) : json_(json_mode), verbosity_(verbosity), role_(std::move(role)) {}

    [[nodiscard]] bool json_mode() const noexcept { return json_; }
    /// One JSON event (json mode only).
    void event(const json& j) const;
    /// A human line on stderr unless -q (and never in json mode).
    void say(const std::string& line) const;
    /// Verbose human detail (-v).
    void detail(const std::string& line) const;
    /// An error: JSON {"event":"error",...} or "pcp <role>: message" on stderr.
    void error(const std::string& message, int exit_code) const;
    void warning(const std::string& message) const;

    // transfer::event_sink
    void on_offer(const p2p::transfer::offer& o) override;
    void on_progress(const p2p::transfer::progress& p) override;
    void on_file_done(const p2p::transfer::file_done& f) override;
    void on_skipped(const std::string& path, const std::string& reason) override;
    void on_error(const std::string& message) override;

    void finish_progress();
    /// After Ctrl-C: the interruption was reported; later errors (from the unwinding) are not.
    void silence() noexcept { silenced_ = true; }
    [[nodiscard]] const std::string& last_error_detail() const noexcept { return last_detail_; }

private:
    bool json_;
    int verbosity_;
    std::string role_;
    std::unique_ptr<progress_bar> bar_;
    std::chrono::steady_clock::time_point last_json_progress_{};
    std::string last_detail_;
    bool silenced_ = false;
};

} // namespace pcp::cli
