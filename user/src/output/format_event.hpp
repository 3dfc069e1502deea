// SPDX-License-Identifier: GPL-2.0
// One move_pages call: an strace-like line, and a JSON object that converts
// back to the same event (recording/parse_event_json.hpp), so captures can
// be replayed.
#pragma once

#include "output/clock.hpp"

#include <linux/mpmon.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace mpctl {

// The valid entries of pages, nodes and status.
inline std::size_t forensic_entries(const mpmon_event& ev) {
    return std::min<std::size_t>(ev.nr_forensic, MPMON_FORENSIC);
}

// Whether the kernel wrote status entry i.
inline bool status_entry_written(const mpmon_event& ev, std::size_t i) {
    return (ev.status_written >> i) & 1U;
}

std::string event_line(const mpmon_event& ev, const Clock& clock);
nlohmann::ordered_json event_json(const mpmon_event& ev);
// j as event_json(ev), in the memory of j's members when j holds what an
// earlier call left (mpctl events --json prints lines from one j).
void assign_event_json(nlohmann::ordered_json& j, const mpmon_event& ev);

// "0", "positive" or the errno name of a call's return value.
std::string result_class(std::int64_t ret);

} // namespace mpctl
