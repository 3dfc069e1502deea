// SPDX-License-Identifier: GPL-2.0
// A Monitor that replays given data: recorded events (mpctl events --json
// output) or synthetic ones, for the unit tests, the fuzzers and the
// micro-benchmarks (not part of mpctl).
#pragma once

#include "device/monitor.hpp"

#include <deque>
#include <istream>
#include <vector>

namespace mpctl {

class ReplayMonitor final : public Monitor {
public:
    ReplayMonitor(const mpmon_info& info, std::vector<mpmon_stats> stats_sequence,
                  std::vector<mpmon_event> events);

    // Each call to stats() returns the next snapshot; the last one repeats.
    mpmon_info info() override { return info_; }
    mpmon_stats stats() override;
    mpmon_stats stats_and_reset() override {
        ++resets_;
        return stats();
    }
    ReadResult read_events(std::span<mpmon_event> buf) override;
    // Readable while events remain; then "interrupted": the replay is over.
    Wait wait_events(std::chrono::milliseconds timeout, const Interrupt& intr) override;
    // Shown by info(), as the module does; the replay is readable anyway.
    void set_wakeup(const mpmon_wakeup& wakeup) override {
        info_.wakeup_events = wakeup.events;
        info_.wakeup_ms = wakeup.timeout_ms;
    }
    void reset() override { ++resets_; }
    void set_enabled(bool on) override { info_.enabled = on ? 1 : 0; }
    void set_filter(const mpmon_filter& filter) override { filter_ = filter; }
    mpmon_filter filter() override { return filter_; }

    // What the commands did, for the tests.
    int resets() const noexcept { return resets_; }
    std::size_t stats_calls() const noexcept { return next_stats_; }
    void set_lost(std::uint64_t lost) noexcept { lost_ = lost; }

private:
    mpmon_info info_;
    std::vector<mpmon_stats> stats_;
    std::size_t next_stats_ = 0;
    std::deque<mpmon_event> events_;
    std::uint64_t lost_ = 0;
    mpmon_filter filter_{};
    int resets_ = 0;
};

// Events from JSON lines as printed by mpctl events --json.
std::vector<mpmon_event> read_event_lines(std::istream& in);

} // namespace mpctl
