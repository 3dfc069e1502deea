// SPDX-License-Identifier: GPL-2.0
// The module's info back from the JSON object mpctl info --json prints (the
// header of the JSON Lines recordings of mpctl 1.2 and before): the
// inverse of info_json() of output/format_info.hpp.
#pragma once

#include <linux/mpmon.h>

#include <nlohmann/json.hpp>

namespace mpctl {

// What info_json() printed, back (a recording's header); the flush probes
// take the first slots.  Throws nlohmann::json::exception or
// std::invalid_argument on a malformed object.
mpmon_info info_from_json(const nlohmann::json& j);

} // namespace mpctl
