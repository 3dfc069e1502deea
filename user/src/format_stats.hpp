// SPDX-License-Identifier: GPL-2.0
// mpctl stats: text for people, JSON (the schema in the README) for programs.
#pragma once

#include "stats_view.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace mpctl {

void print_stats(std::ostream& out, const StatsView& v);
nlohmann::ordered_json stats_json(const StatsView& v);

// One line per --watch interval (a header first when header is true).
void print_stats_interval(std::ostream& out, const StatsView& delta, double seconds,
                          const std::string& clock, bool header);
nlohmann::ordered_json stats_interval_json(const StatsView& delta, double seconds,
                                           const std::string& clock);

} // namespace mpctl
