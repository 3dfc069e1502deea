// SPDX-License-Identifier: GPL-2.0
// One move_pages call: an strace-like line, and a JSON object that converts
// back to the same event (so captures can be replayed).
#pragma once

#include "clock.hpp"

#include <linux/mpmon.h>

#include <nlohmann/json.hpp>
#include <string>

namespace mpctl {

std::string event_line(const mpmon_event& ev, const Clock& clock);
nlohmann::ordered_json event_json(const mpmon_event& ev);
mpmon_event event_from_json(const nlohmann::json& j);

// "0", "positive" or the errno name of a call's return value.
std::string result_class(std::int64_t ret);

} // namespace mpctl
