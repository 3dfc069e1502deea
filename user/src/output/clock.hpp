// SPDX-License-Identifier: GPL-2.0
// Event timestamps are CLOCK_MONOTONIC; people read wall-clock time.
#pragma once

#include <cstdint>
#include <ctime>
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
    // Now for machines: RFC 3339 in whole seconds with the zone's offset,
    // "2026-12-04T16:40:00+01:00" ("+00:00" for a fixed clock).
    std::string now_rfc3339() const;

private:
    // The broken-down wall time of a CLOCK_MONOTONIC time, and its ns.
    tm wall(std::uint64_t monotonic_ns, long& usecs) const;
    Clock(std::int64_t offset_ns, bool utc) : offset_ns_(offset_ns), utc_(utc) {}
    std::int64_t offset_ns_;
    bool utc_;
};

} // namespace mpctl
