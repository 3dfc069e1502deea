// SPDX-License-Identifier: GPL-2.0
#include "output/clock.hpp"

#include <ctime>
#include <fmt/format.h>

namespace mpctl {

namespace {
std::int64_t ns_of(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}
} // namespace

Clock Clock::system() {
    return Clock(ns_of(CLOCK_REALTIME) - ns_of(CLOCK_MONOTONIC), false);
}

tm Clock::wall(std::uint64_t monotonic_ns, long& usecs) const {
    std::int64_t wall = static_cast<std::int64_t>(monotonic_ns) + offset_ns_;
    time_t secs = static_cast<time_t>(wall / 1000000000);
    usecs = static_cast<long>((wall % 1000000000) / 1000);
    tm parts{};
    if (utc_)
        gmtime_r(&secs, &parts);
    else
        localtime_r(&secs, &parts);
    return parts;
}

std::string Clock::format(std::uint64_t monotonic_ns) const {
    long usecs = 0;
    auto parts = wall(monotonic_ns, usecs);
    return fmt::format("{:02}:{:02}:{:02}.{:06}", parts.tm_hour, parts.tm_min, parts.tm_sec, usecs);
}

std::string Clock::now() const {
    std::string full = format(static_cast<std::uint64_t>(ns_of(CLOCK_MONOTONIC)));
    return full.substr(0, 8);
}

std::string Clock::now_rfc3339() const {
    long usecs = 0;
    auto parts = wall(static_cast<std::uint64_t>(ns_of(CLOCK_MONOTONIC)), usecs);
    long offset_min = parts.tm_gmtoff / 60;
    long off = offset_min < 0 ? -offset_min : offset_min;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", parts.tm_year + 1900,
                       parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                       offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

} // namespace mpctl
