// SPDX-License-Identifier: GPL-2.0
// An event back from the JSON object mpctl events --json prints (the JSON
// Lines recordings of mpctl 1.2 and before, captures): the inverse of
// event_json() of output/format_event.hpp.
#pragma once

#include <linux/mpmon.h>

#include <nlohmann/json.hpp>

namespace mpctl {

// Throws std::invalid_argument (naming the field) or nlohmann::json::exception
// on a malformed object.
mpmon_event event_from_json(const nlohmann::json& j);

} // namespace mpctl
