// SPDX-License-Identifier: GPL-2.0
#include "top.hpp"

#include "text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mpctl {

namespace {

std::vector<TopRow> ranked(const std::map<std::uint32_t, TopRow>& rows, std::size_t limit) {
    std::vector<TopRow> out;
    out.reserve(rows.size());
    for (const auto& [pid, row] : rows)
        out.push_back(row);
    std::stable_sort(out.begin(), out.end(), [](const TopRow& a, const TopRow& b) {
        if (a.calls != b.calls)
            return a.calls > b.calls;
        if (a.pages != b.pages)
            return a.pages > b.pages;
        return a.time_ns > b.time_ns;
    });
    if (out.size() > limit)
        out.resize(limit);
    return out;
}

void print_rows(std::ostream& out, std::string_view title, const std::vector<TopRow>& rows) {
    out << fmt::format("{:<28} {:>10} {:>12} {:>8} {:>12}\n", title, "CALLS", "PAGES", "ERRORS",
                       "TIME");
    for (const auto& r : rows) {
        std::string who = fmt::format("{}[{}]", r.comm.empty() ? "?" : printable(r.comm), r.pid);
        out << fmt::format("{:<28} {:>10} {:>12} {:>8} {:>12}\n", who, grouped(r.calls),
                           grouped(r.pages), grouped(r.errors), duration(r.time_ns));
    }
}

nlohmann::ordered_json rows_json(const std::vector<TopRow>& rows, const char* id) {
    auto a = nlohmann::ordered_json::array();
    for (const auto& r : rows)
        a.push_back({{id, r.pid},
                     {"comm", r.comm},
                     {"calls", r.calls},
                     {"pages", r.pages},
                     {"errors", r.errors},
                     {"time_ns", r.time_ns}});
    return a;
}

} // namespace

void TopTable::account(TopRow& row, const mpmon_event& ev) {
    ++row.calls;
    row.pages += ev.count;
    row.errors += ev.ret < 0 ? 1 : 0;
    row.time_ns += ev.latency_ns;
}

void TopTable::add(const mpmon_event& ev) {
    ++events_;
    std::string comm = from_field(ev.comm);
    TopRow& caller = callers_[ev.tgid];
    caller.pid = ev.tgid;
    caller.comm = comm;
    account(caller, ev);

    // target_pid 0 means the caller itself.
    auto target_pid = ev.target_pid > 0 ? static_cast<std::uint32_t>(ev.target_pid) : ev.tgid;
    TopRow& target = targets_[target_pid];
    target.pid = target_pid;
    account(target, ev);
}

std::vector<TopRow> TopTable::callers(std::size_t limit) const {
    return ranked(callers_, limit);
}

std::vector<TopRow> TopTable::targets(std::size_t limit) const {
    auto rows = ranked(targets_, limit);
    for (auto& r : rows)
        if (auto it = callers_.find(r.pid); it != callers_.end())
            r.comm = it->second.comm;
    return rows;
}

void print_top(std::ostream& out, const TopTable& table, std::uint64_t lost, std::size_t limit) {
    out << fmt::format("{} calls from drained events, {} lost\n", grouped(table.events()),
                       grouped(lost));
    print_rows(out, "CALLER", table.callers(limit));
    out << '\n';
    print_rows(out, "TARGET", table.targets(limit));
}

nlohmann::ordered_json top_json(const TopTable& table, std::uint64_t lost, std::size_t limit) {
    nlohmann::ordered_json j;
    j["events"] = table.events();
    j["lost"] = lost;
    j["callers"] = rows_json(table.callers(limit), "tgid");
    j["targets"] = rows_json(table.targets(limit), "pid");
    return j;
}

} // namespace mpctl
