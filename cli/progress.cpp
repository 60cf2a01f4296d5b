// SPDX-License-Identifier: MIT
#include "cli/progress.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

namespace pcp::cli {

std::string human_bytes(std::uint64_t n)
{
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, units[u]);
}

std::string human_duration(std::chrono::seconds s)
{
    auto t = s.count();
    if (t >= 3600) {
        return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
    }
    if (t >= 60) {
        return fmt::format("{}m{:02}s", t / 60, t % 60);
    }
    return fmt::format("{}s", t);
}

bool stderr_is_tty()
{
    return ::isatty(STDERR_FILENO) == 1;
}

progress_bar::progress_bar(std::string label, std::uint64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now())
{
}

void progress_bar::update(std::uint64_t done)
{
    done_ = done;
    if (!enabled_) {
        return;
    }
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) {
        return;
    }
    last_draw_ = now;
    draw(false);
}

void progress_bar::finish()
{
    if (enabled_) {
        draw(true);
    }
}

void progress_bar::draw(bool final_line)
{
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
    double frac = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    constexpr int width = 28;
    int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '-');
    std::string eta = "";
    if (!final_line && rate > 0 && total_ > done_) {
        eta = " ETA " + human_duration(std::chrono::seconds(static_cast<long>((static_cast<double>(total_ - done_)) / rate)));
    }
    std::string line = fmt::format("\r{} [{}] {:3.0f}% {} / {}  {}/s{}", label_, bar, frac * 100, human_bytes(done_),
                                   human_bytes(total_), human_bytes(static_cast<std::uint64_t>(rate)), eta);
    std::fprintf(stderr, "%s\033[K%s", line.c_str(), final_line ? "\n" : "");
    std::fflush(stderr);
    drawn_ = true;
}

bool ask_yes_no(const std::string& question)
{
    std::FILE* tty = std::fopen("/dev/tty", "r+");
    std::FILE* in = tty ? tty : stdin;
    std::FILE* out = tty ? tty : stderr;
    std::fprintf(out, "%s [y/N] ", question.c_str());
    std::fflush(out);
    char buf[64];
    bool yes = false;
    if (std::fgets(buf, sizeof buf, in)) {
        std::string a(buf);
        while (!a.empty() && (a.back() == '\n' || a.back() == '\r' || a.back() == ' ')) {
            a.pop_back();
        }
        for (auto& c : a) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        yes = a == "y" || a == "yes";
    }
    if (tty) {
        std::fclose(tty);
    }
    return yes;
}

std::optional<std::string> read_secret_line(const std::string& prompt)
{
    std::FILE* tty = std::fopen("/dev/tty", "r+");
    std::FILE* in = tty ? tty : stdin;
    std::FILE* out = tty ? tty : stderr;
    std::fprintf(out, "%s", prompt.c_str());
    std::fflush(out);
    termios old{};
    bool noecho = tty && tcgetattr(fileno(tty), &old) == 0;
    if (noecho) {
        termios t = old;
        t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fileno(tty), TCSAFLUSH, &t);
    }
    char buf[512];
    std::optional<std::string> line;
    if (std::fgets(buf, sizeof buf, in)) {
        line = std::string(buf);
        while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) {
            line->pop_back();
        }
    }
    if (noecho) {
        tcsetattr(fileno(tty), TCSAFLUSH, &old);
        std::fputc('\n', out);
    }
    if (tty) {
        std::fclose(tty);
    }
    return line;
}

} // namespace pcp::cli
