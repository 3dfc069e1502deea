// SPDX-License-Identifier: GPL-2.0
#include "replay.hpp"

#include "common/error.hpp"
#include "output/format_event.hpp"
#include "recording/parse_event_json.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace mpctl {

ReplayMonitor::ReplayMonitor(const mpmon_info& info, std::vector<mpmon_stats> stats_sequence,
                             std::vector<mpmon_event> events)
    : info_(info), stats_(std::move(stats_sequence)), events_(events.begin(), events.end()) {}

mpmon_stats ReplayMonitor::stats() {
    if (stats_.empty()) {
        mpmon_stats empty{};
        empty.size = sizeof(empty);
        return empty;
    }
    std::size_t i = std::min(next_stats_, stats_.size() - 1);
    ++next_stats_;
    return stats_[i];
}

ReadResult ReplayMonitor::read_events(std::span<mpmon_event> buf) {
    std::size_t n = std::min(buf.size(), events_.size());
    std::copy_n(events_.begin(), n, buf.begin());
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(n));
    return {n, lost_};
}

Wait ReplayMonitor::wait_events(std::chrono::milliseconds, const Interrupt&) {
    return events_.empty() ? Wait::interrupted : Wait::readable;
}

std::vector<mpmon_event> read_event_lines(std::istream& in) {
    std::vector<mpmon_event> events;
    std::string line;
    for (int lineno = 1; std::getline(in, line); ++lineno) {
        if (line.empty())
            continue;
        try {
            events.push_back(event_from_json(nlohmann::json::parse(line)));
        } catch (const std::exception& e) {
            throw Error(Exit::failure, fmt::format("event line {}: {}", lineno, e.what()));
        }
    }
    return events;
}

} // namespace mpctl
