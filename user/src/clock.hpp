// SPDX-License-Identifier: GPL-2.0
// Event timestamps are CLOCK_MONOTONIC; people read wall-clock time.
#pragma once

#include <cstdint>
#include <string>

namespace mpctl {

class Clock {
public:
    // Wall clock minus monotonic, sampled now; local time zone.
    static Clock system();
    // Fixed offset in UTC (tests, replays).
    static Clock fixed(std::int64_t offset_ns) { return Clock(offset_ns, true); }

    // "HH:MM:SS.uuuuuu" of a CLOCK_MONOTONIC time in ns.
    std::string format(std::uint64_t monotonic_ns) const;
    // "HH:MM:SS" now.
    std::string now() const;

private:
    Clock(std::int64_t offset_ns, bool utc) : offset_ns_(offset_ns), utc_(utc) {}
    std::int64_t offset_ns_;
    bool utc_;
};

} // namespace mpctl
