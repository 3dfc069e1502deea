// SPDX-License-Identifier: GPL-2.0
#include "output/format_top.hpp"

#include "common/text.hpp"

#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpctl {

namespace {

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
