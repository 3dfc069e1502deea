// SPDX-License-Identifier: GPL-2.0
// mpctl top's pages moved and failed per process, and its --sort keys.
#include "command_fixture.hpp"
#include "commands/cli.hpp"
#include "common/error.hpp"
#include "migration_fixture.hpp"
#include "model/top.hpp"
#include "output/format_top.hpp"
#include "replay.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

TopTable table_of(const std::vector<Call>& calls) {
    TopTable t;
    for (const auto& c : calls)
        t.add(event_of(c));
    return t;
}

std::vector<std::uint32_t> pids(const std::vector<TopRow>& rows) {
    std::vector<std::uint32_t> out;
    for (const auto& r : rows)
        out.push_back(r.pid);
    return out;
}

// The pids ranked by key (an absent one last), then by calls and pages.
std::vector<std::uint32_t> expected_order(const std::map<std::uint32_t, Expected>& rows,
                                          std::optional<std::uint64_t> (*key)(const Expected&)) {
    std::vector<std::uint32_t> order;
    for (const auto& [pid, r] : rows)
        order.push_back(pid);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const auto &ra = rows.at(a), &rb = rows.at(b);
        auto ka = key(ra), kb = key(rb);
        if (ka.has_value() != kb.has_value())
            return ka.has_value();
        if (ka && *ka != *kb)
            return *ka > *kb;
        if (ra.calls != rb.calls)
            return ra.calls > rb.calls;
        return ra.pages > rb.pages;
    });
    return order;
}

std::optional<std::uint64_t> moved_of(const Expected& e) {
    return e.moved;
}
std::optional<std::uint64_t> failed_of(const Expected& e) {
    return e.failed;
}
std::optional<std::uint64_t> calls_of(const Expected& e) {
    return e.calls;
}

// The whitespace-separated fields of the line of text that starts with who.
std::vector<std::string> row_fields(const std::string& text, const std::string& who) {
    for (const auto& line : lines(text)) {
        if (line.rfind(who, 0) != 0)
            continue;
        std::istringstream in(line);
        std::vector<std::string> fields;
        for (std::string f; in >> f;)
            fields.push_back(f);
        return fields;
    }
    ADD_FAILURE() << who << " not in\n" << text;
    return {};
}

} // namespace

TEST(TopMigration, SumsMovedAndFailedOfTheEventsThatSay) {
    auto calls = migration_calls();
    auto t = table_of(calls);
    for (bool by_target : {false, true}) {
        auto want = expected_rows(calls, by_target);
        auto rows = by_target ? t.targets(100) : t.callers(100);
        ASSERT_EQ(rows.size(), want.size());
        for (const auto& r : rows) {
            const auto& w = want.at(r.pid);
            EXPECT_EQ(r.calls, w.calls) << r.pid;
            EXPECT_EQ(r.pages, w.pages) << r.pid;
            EXPECT_EQ(r.moved, w.moved) << r.pid;
            EXPECT_EQ(r.failed, w.failed) << r.pid;
        }
    }
    // Absent, not 0: delta's calls carried nothing (one a stray count);
    // eps's carried 0 and 0.
    auto callers = t.callers(100);
    auto delta = std::find_if(callers.begin(), callers.end(), [](auto& r) { return r.pid == 104; });
    ASSERT_NE(delta, callers.end());
    EXPECT_FALSE(delta->moved);
    EXPECT_FALSE(delta->failed);
    auto eps = std::find_if(callers.begin(), callers.end(), [](auto& r) { return r.pid == 105; });
    ASSERT_NE(eps, callers.end());
    EXPECT_EQ(eps->moved, 0u);
    EXPECT_EQ(eps->failed, 0u);
}

TEST(TopMigration, RanksByEachKey) {
    auto calls = migration_calls();
    auto t = table_of(calls);
    auto callers = expected_rows(calls, false);
    auto targets = expected_rows(calls, true);
    EXPECT_EQ(pids(t.callers(100, TopSort::moved)), expected_order(callers, moved_of));
    EXPECT_EQ(pids(t.callers(100, TopSort::failed)), expected_order(callers, failed_of));
    EXPECT_EQ(pids(t.callers(100)), expected_order(callers, calls_of));
    EXPECT_EQ(pids(t.targets(100, TopSort::moved)), expected_order(targets, moved_of));
    EXPECT_EQ(pids(t.targets(100, TopSort::failed)), expected_order(targets, failed_of));

    // The orders the data was made for, by hand.
    EXPECT_EQ(pids(t.callers(100, TopSort::moved)),
              (std::vector<std::uint32_t>{106, 102, 101, 103, 105, 104}));
    EXPECT_EQ(pids(t.callers(100, TopSort::failed)),
              (std::vector<std::uint32_t>{103, 106, 101, 102, 105, 104}));
    EXPECT_EQ(pids(t.targets(100, TopSort::moved)),
              (std::vector<std::uint32_t>{102, 101, 103, 105, 104}));
    // --rows keeps the first ones.
    EXPECT_EQ(pids(t.callers(2, TopSort::failed)), (std::vector<std::uint32_t>{103, 106}));
}

TEST(TopMigration, OtherKeysRankByTheirColumn) {
    std::vector<Call> calls = {{201, "slow", 0, 1, std::nullopt},
                               {202, "bad", 0, 1, std::nullopt},
                               {202, "bad", 0, 1, std::nullopt},
                               {203, "wide", 0, 900, std::nullopt}};
    auto slow = event_of(calls[0]);
    slow.latency_ns = 9'000'000;
    auto failing = event_of(calls[1]);
    failing.ret = -EPERM;
    TopTable t;
    for (const auto& ev : {slow, failing, failing, event_of(calls[3])})
        t.add(ev);
    EXPECT_EQ(t.callers(1, TopSort::time)[0].pid, 201u);
    EXPECT_EQ(t.callers(1, TopSort::errors)[0].pid, 202u);
    EXPECT_EQ(t.callers(1, TopSort::pages)[0].pid, 203u);
    EXPECT_EQ(t.callers(1, TopSort::calls)[0].pid, 202u);
    // No process said: by moved, the default order.
    EXPECT_EQ(pids(t.callers(10, TopSort::moved)), pids(t.callers(10)));
}

TEST(TopMigration, TextShowsTheColumnsAndADashWhenAbsent) {
    auto calls = migration_calls();
    auto t = table_of(calls);
    std::ostringstream out;
    print_top(out, t, 0, 100, TopSort::moved);
    auto text = out.str();
    EXPECT_NE(text.find("ranked by moved"), std::string::npos) << text;
    auto header = row_fields(text, "CALLER");
    EXPECT_EQ(header, (std::vector<std::string>{"CALLER", "CALLS", "PAGES", "MOVED", "FAILED",
                                                "ERRORS", "TIME"}));
    auto want = expected_rows(calls, false);
    auto alpha = row_fields(text, "alpha[101]");
    ASSERT_EQ(alpha.size(), 7u);
    EXPECT_EQ(alpha[3], std::to_string(*want.at(101).moved));
    EXPECT_EQ(alpha[4], std::to_string(*want.at(101).failed));
    auto delta = row_fields(text, "delta[104]");
    ASSERT_EQ(delta.size(), 7u);
    EXPECT_EQ(delta[3], "-");
    EXPECT_EQ(delta[4], "-");
    auto eps = row_fields(text, "eps[105]");
    ASSERT_EQ(eps.size(), 7u);
    EXPECT_EQ(eps[3], "0");
    EXPECT_EQ(eps[4], "0");
}

// mpctl top --sort failed --json, against the replayed ring.
TEST(TopMigration, CommandRanksByTheSortKeyInJson) {
    auto calls = migration_calls();
    ReplayMonitor m(test_info(), {}, events_of(calls));
    auto r = run(m, {"top", "--interval", "0.01", "--count", "1", "--json", "--sort", "failed"});
    ASSERT_EQ(r.exit, Exit::ok) << r.diag.str();
    auto j = nlohmann::json::parse(r.out.str());
    EXPECT_EQ(j["sort"], "failed");
    EXPECT_EQ(j["events"], calls.size());
    auto want = expected_rows(calls, false);
    auto order = expected_order(want, failed_of);
    ASSERT_EQ(j["callers"].size(), order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& row = j["callers"][i];
        const auto& w = want.at(order[i]);
        EXPECT_EQ(row["tgid"], order[i]) << i;
        if (w.moved) {
            EXPECT_EQ(row["moved"], *w.moved) << i;
            EXPECT_EQ(row["failed"], *w.failed) << i;
        } else {
            EXPECT_FALSE(row.contains("moved")) << row;
            EXPECT_FALSE(row.contains("failed")) << row;
        }
    }
    auto targets = expected_rows(calls, true);
    EXPECT_EQ(j["targets"][0]["pid"], expected_order(targets, failed_of)[0]);
}

TEST(TopMigration, SortOption) {
    EXPECT_EQ(parse({"top"}).top.sort, TopSort::calls);
    for (auto key : {TopSort::calls, TopSort::pages, TopSort::moved, TopSort::failed,
                     TopSort::errors, TopSort::time}) {
        std::string name(top_sort_name(key));
        EXPECT_EQ(parse({"top", "--sort", name.c_str()}).top.sort, key) << name;
        EXPECT_EQ(parse({"report", "r", "--view", "top", "--sort", name.c_str()}).report.sort, key)
            << name;
        EXPECT_NE(usage("top").find(name), std::string::npos) << name;
    }
    auto msg = usage_error({"top", "--sort", "size"});
    EXPECT_NE(msg.find("--sort: 'size' is not one of calls, pages, moved, failed, errors, time"),
              std::string::npos)
        << msg;
    EXPECT_NE(usage_error({"top", "--sort", "Moved"}).find("'Moved'"), std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--sort", "moved"}).find("top view"), std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--events", "--sort", "moved"}).find("top view"),
              std::string::npos);
    EXPECT_NE(usage("top").find("--sort KEY"), std::string::npos);
    EXPECT_NE(usage("report").find("--sort KEY"), std::string::npos);
}
