// SPDX-License-Identifier: GPL-2.0
// mpctl top: who calls move_pages, and on whom, ranked.
#pragma once

#include <linux/mpmon.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace mpctl {

struct TopRow {
    std::uint32_t pid = 0; // caller tgid, or target pid
    std::string comm;      // caller's comm; for a target, if it was seen calling
    std::uint64_t calls = 0, pages = 0, errors = 0, time_ns = 0;
};

class TopTable {
public:
    void add(const mpmon_event& ev);
    // Ranked by calls, then pages, then time; at most limit rows.
    std::vector<TopRow> callers(std::size_t limit) const;
    std::vector<TopRow> targets(std::size_t limit) const;
    std::uint64_t events() const noexcept { return events_; }

private:
    static void account(TopRow& row, const mpmon_event& ev);
    std::map<std::uint32_t, TopRow> callers_;
    std::map<std::uint32_t, TopRow> targets_;
    std::uint64_t events_ = 0;
};

void print_top(std::ostream& out, const TopTable& table, std::uint64_t lost, std::size_t limit);
nlohmann::ordered_json top_json(const TopTable& table, std::uint64_t lost, std::size_t limit);

} // namespace mpctl
