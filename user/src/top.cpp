// SPDX-License-Identifier: GPL-2.0
#include "top.hpp"

#include "text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <tuple>

namespace mpctl {

namespace {

// The key's value of a row; an absent moved or failed ranks below any
// present one, 0 included.
std::optional<std::uint64_t> key_of(const TopRow& r, TopSort key) {
    switch (key) {
    case TopSort::calls:
        return r.calls;
    case TopSort::pages:
        return r.pages;
    case TopSort::moved:
        return r.moved;
    case TopSort::failed:
        return r.failed;
    case TopSort::errors:
        return r.errors;
    case TopSort::time:
        return r.time_ns;
    }
    return r.calls;
}

std::vector<TopRow> ranked(const std::map<std::uint32_t, TopRow>& rows, std::size_t limit,
                           TopSort key) {
    std::vector<TopRow> out;
    out.reserve(rows.size());
    for (const auto& [pid, row] : rows)
        out.push_back(row);
    // Stable: rows equal on every key stay in pid order.
    std::stable_sort(out.begin(), out.end(), [key](const TopRow& a, const TopRow& b) {
        auto ka = key_of(a, key), kb = key_of(b, key);
        if (ka != kb)
            return ka > kb; // std::nullopt is below every value
        return std::tie(a.calls, a.pages, a.time_ns) > std::tie(b.calls, b.pages, b.time_ns);
    });
    if (out.size() > limit)
        out.resize(limit);
    return out;
}

std::string grouped_or_dash(const std::optional<std::uint64_t>& n) {
    return n ? grouped(*n) : "-";
}

constexpr std::string_view row_format = "{:<28} {:>10} {:>12} {:>12} {:>10} {:>8} {:>12}\n";

void print_rows(std::ostream& out, std::string_view title, const std::vector<TopRow>& rows) {
    out << fmt::format(row_format, title, "CALLS", "PAGES", "MOVED", "FAILED", "ERRORS", "TIME");
    for (const auto& r : rows) {
        std::string who = fmt::format("{}[{}]", r.comm.empty() ? "?" : printable(r.comm), r.pid);
        out << fmt::format(row_format, who, grouped(r.calls), grouped(r.pages),
                           grouped_or_dash(r.moved), grouped_or_dash(r.failed), grouped(r.errors),
                           duration(r.time_ns));
    }
}

// moved and failed are left out of a row none of whose events said.
nlohmann::ordered_json rows_json(const std::vector<TopRow>& rows, const char* id) {
    auto a = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
        nlohmann::ordered_json j = {
            {id, r.pid}, {"comm", r.comm}, {"calls", r.calls}, {"pages", r.pages}};
        if (r.moved)
            j["moved"] = *r.moved;
        if (r.failed)
            j["failed"] = *r.failed;
        j["errors"] = r.errors;
        j["time_ns"] = r.time_ns;
        a.push_back(std::move(j));
    }
    return a;
}

} // namespace

void TopTable::account(TopRow& row, const mpmon_event& ev) {
    ++row.calls;
    row.pages += ev.count;
    row.errors += ev.ret < 0 ? 1 : 0;
    row.time_ns += ev.latency_ns;
    if (ev.flags & MPMON_EV_MIGRATION) {
        row.moved = row.moved.value_or(0) + ev.pages_moved;
        row.failed = row.failed.value_or(0) + ev.pages_failed;
    }
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

std::vector<TopRow> TopTable::callers(std::size_t limit, TopSort key) const {
    return ranked(callers_, limit, key);
}

std::vector<TopRow> TopTable::targets(std::size_t limit, TopSort key) const {
    auto rows = ranked(targets_, limit, key);
    for (auto& r : rows)
        if (auto it = callers_.find(r.pid); it != callers_.end())
            r.comm = it->second.comm;
    return rows;
}

void print_top(std::ostream& out, const TopTable& table, std::uint64_t lost, std::size_t limit,
               TopSort key) {
    out << fmt::format("{} calls from drained events, {} lost; ranked by {}\n",
                       grouped(table.events()), grouped(lost), top_sort_name(key));
    print_rows(out, "CALLER", table.callers(limit, key));
    out << '\n';
    print_rows(out, "TARGET", table.targets(limit, key));
}

nlohmann::ordered_json top_json(const TopTable& table, std::uint64_t lost, std::size_t limit,
                                TopSort key) {
    nlohmann::ordered_json j;
    j["events"] = table.events();
    j["lost"] = lost;
    j["sort"] = top_sort_name(key);
    j["callers"] = rows_json(table.callers(limit, key), "tgid");
    j["targets"] = rows_json(table.targets(limit, key), "pid");
    return j;
}

} // namespace mpctl
