// SPDX-License-Identifier: GPL-2.0
// mpctl stats: text for people, JSON (the schema in the README) for programs.
#pragma once

#include "model/stats_view.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace mpctl {

void print_stats(std::ostream& out, const StatsView& v);
nlohmann::ordered_json stats_json(const StatsView& v);

// One line per --watch interval (a header first when header is true),
// stamped with clock ("HH:MM:SS").
void print_stats_interval(std::ostream& out, const StatsView& delta, double seconds,
                          const std::string& clock, bool header);
// The same as JSON; time is RFC 3339 with the offset (Clock::now_rfc3339).
nlohmann::ordered_json stats_interval_json(const StatsView& delta, double seconds,
                                           const std::string& time);

} // namespace mpctl
