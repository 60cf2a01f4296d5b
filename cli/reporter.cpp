// SPDX-License-Identifier: MIT
#include "cli/reporter.hpp"

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

namespace pcp::cli {

void reporter::event(const json& j) const
{
    if (json_) {
        std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
    }
}

void reporter::say(const std::string& line) const
{
    if (!json_ && verbosity_ >= 0) {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
}

void reporter::detail(const std::string& line) const
{
    if (!json_ && verbosity_ > 0) {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
}

void reporter::error(const std::string& message, int exit_code) const
{
    if (silenced_) {
        return;
    }
    if (json_) {
        event({{"event", "error"}, {"message", message}, {"exit_code", exit_code}});
    } else {
        std::fprintf(stderr, "pcp %s: %s\n", role_.c_str(), message.c_str());
    }
}

void reporter::warning(const std::string& message) const
{
    if (json_) {
        event({{"event", "warning"}, {"message", message}});
    } else if (verbosity_ >= 0) {
        std::fprintf(stderr, "pcp %s: warning: %s\n", role_.c_str(), message.c_str());
    }
}

void reporter::on_offer(const p2p::transfer::offer& o)
{
    if (json_) {
        event({{"event", "offer"}, {"files", o.files}, {"directories", o.directories}, {"bytes", o.bytes},
               {"top_level", o.top_level}, {"top_level_count", o.top_level_count}, {"conflicts", o.conflicts},
               {"conflict_count", o.conflict_count}});
        return;
    }
    std::string names;
    for (std::size_t i = 0; i < o.top_level.size(); ++i) {
        names += (i ? ", " : "") + o.top_level[i];
    }
    if (o.top_level_count > o.top_level.size()) {
        names += fmt::format(" and {} more", o.top_level_count - o.top_level.size());
    }
    say(fmt::format("{} {} file{}, {} director{}, {} in total: {}", role_ == "send" ? "Offering" : "Offered",
                    o.files, o.files == 1 ? "" : "s", o.directories, o.directories == 1 ? "y" : "ies",
                    human_bytes(o.bytes), names));
    if (o.conflict_count > 0) {
        std::string c;
        for (std::size_t i = 0; i < o.conflicts.size(); ++i) {
            c += (i ? ", " : "") + o.conflicts[i];
        }
        say(fmt::format("{} already exist{} here: {}{}", o.conflict_count, o.conflict_count == 1 ? "s" : "", c,
                        o.overwrite ? " (will be overwritten: --overwrite)" : ""));
    }
    bar_ = std::make_unique<progress_bar>(role_ == "send" ? "sending  " : "receiving", o.bytes,
                                          verbosity_ >= 0 && stderr_is_tty());
}

void reporter::on_progress(const p2p::transfer::progress& p)
{
    if (bar_) {
        bar_->update(p.bytes_done);
    }
    if (json_) {
        auto now = std::chrono::steady_clock::now();
        if (now - last_json_progress_ >= std::chrono::milliseconds(250) || p.bytes_done == p.bytes_total) {
            last_json_progress_ = now;
            event({{"event", "progress"}, {"bytes", p.bytes_done}, {"total_bytes", p.bytes_total}, {"files", p.files_done},
                   {"total_files", p.files_total}});
        }
    }
}

void reporter::on_file_done(const p2p::transfer::file_done& f)
{
    if (json_) {
        event({{"event", "file_done"}, {"path", f.path}, {"bytes", f.size}});
    } else {
        detail(fmt::format("  {} ({})", f.path, human_bytes(f.size)));
    }
}

void reporter::on_skipped(const std::string& path, const std::string& reason)
{
    warning(fmt::format("skipping {}: {}", path, reason));
}

void reporter::on_error(const std::string& message)
{
    last_detail_ = message;
}

void reporter::finish_progress()
{
    if (bar_) {
        bar_->finish();
        bar_.reset();
    }
}

} // namespace pcp::cli
