// SPDX-License-Identifier: GPL-2.0
// JSON Lines recordings as mpctl 1.3 wrote them (mpctl record writes the
// binary format now; report still reads these), for the tests of their
// reader.
#pragma once

#include "output/event_json_line.hpp"
#include "output/format_info.hpp"
#include "output/json_line.hpp"

#include <linux/mpmon.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mpctl::testing {

inline std::string jsonl_header(const mpmon_info& info) {
    nlohmann::ordered_json j;
    j["mpmon_recording"] = 1;
    j["mpctl_version"] = "1.3.0";
    j["started"] = "2026-11-24T01:02:03Z";
    j["system"] = {{"nodename", "p7"}, {"release", "6.1.0"}, {"machine", "ppc64"}};
    j["info"] = info_json(info, mpmon_filter{});
    return json_line(j);
}

inline std::string jsonl_end(std::uint64_t events, std::uint64_t ring_dropped = 0) {
    nlohmann::ordered_json e;
    e["events"] = events;
    e["ring_dropped"] = ring_dropped;
    e["seconds"] = 2.5;
    e["ended"] = "2026-11-24T01:02:05Z";
    return json_line({{"mpmon_recording_end", e}});
}

// Header, one line per event, end line.
inline std::string jsonl_recording(const mpmon_info& info, const std::vector<mpmon_event>& events,
                                   std::uint64_t ring_dropped = 0) {
    EventJsonLines lines;
    for (const auto& ev : events)
        lines.add(ev);
    return jsonl_header(info) + std::string(lines.text()) + jsonl_end(events.size(), ring_dropped);
}

} // namespace mpctl::testing
