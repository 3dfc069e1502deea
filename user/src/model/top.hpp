// SPDX-License-Identifier: GPL-2.0
// mpctl top: who calls move_pages, and on whom, ranked (printed by
// output/format_top.hpp).
#pragma once

#include "model/top_sort.hpp"

#include <linux/mpmon.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mpctl {

struct TopRow {
    std::uint32_t pid = 0; // caller tgid, or target pid
    std::string comm;      // caller's comm; for a target, if it was seen calling
    std::uint64_t calls = 0, pages = 0, errors = 0, time_ns = 0;
    // Base pages the migrations of its calls moved and could not move,
    // summed over the events that say (MPMON_EV_MIGRATION); absent when
    // none did.
    std::optional<std::uint64_t> moved, failed;
};

class TopTable {
public:
    void add(const mpmon_event& ev);
    // Ranked by key, highest first (an absent moved or failed last), then
    // by calls, pages and time; at most limit rows.
    std::vector<TopRow> callers(std::size_t limit, TopSort key = TopSort::calls) const;
    std::vector<TopRow> targets(std::size_t limit, TopSort key = TopSort::calls) const;
    std::uint64_t events() const noexcept { return events_; }

private:
    static void account(TopRow& row, const mpmon_event& ev);
    std::map<std::uint32_t, TopRow> callers_;
    std::map<std::uint32_t, TopRow> targets_;
    std::uint64_t events_ = 0;
};

} // namespace mpctl
