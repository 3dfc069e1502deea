// SPDX-License-Identifier: GPL-2.0
// mpctl info and the filter, as text and JSON.
#pragma once

#include <linux/mpmon.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace mpctl {

// "none" or "tgid 12, uid 0, comm \"mpwork\"".
std::string filter_text(const mpmon_filter& f);
nlohmann::ordered_json filter_json(const mpmon_filter& f);

void print_info(std::ostream& out, const mpmon_info& info, const mpmon_filter& filter);
// Read back by info_from_json() (recording/parse_info_json.hpp).
nlohmann::ordered_json info_json(const mpmon_info& info, const mpmon_filter& filter);

} // namespace mpctl
