// SPDX-License-Identifier: MIT
// Time vocabulary. Machines never read a clock (STYLE §B.4): they get `instant now` from glue that
// reads steady_clock, or from a manual_clock in tests and simulations. Pure: no Asio.
#pragma once

#include <chrono>

namespace pcp {

using steady = std::chrono::steady_clock;
using instant = steady::time_point;
using duration = steady::duration;
using namespace std::chrono_literals;

/// A clock that moves only when told to: for machine tests and two-node simulations.
class manual_clock {
public:
    explicit manual_clock(instant start = instant{} + std::chrono::hours(1)) : now_(start) {}
    [[nodiscard]] instant now() const noexcept { return now_; }
    void advance(duration d) noexcept { now_ += d; }
    void set(instant t) noexcept
    {
        if (t > now_) {
            now_ = t;
        }
    }

private:
    instant now_;
};

} // namespace pcp
