// SPDX-License-Identifier: GPL-2.0
// The counters in Prometheus' text exposition format (version 0.0.4), for
// node_exporter's textfile collector or any scraper.
#pragma once

#include "model/stats_view.hpp"

#include <linux/mpmon.h>

#include <string>

namespace mpctl {

// stats are the raw counters; view is make_view() (or Aggregate::view())
// of them, whose flush totals are used; info labels mpmon_info.
std::string prometheus_text(const mpmon_stats& stats, const StatsView& view,
                            const mpmon_info& info);

} // namespace mpctl
