// SPDX-License-Identifier: GPL-2.0
// mpctl report's pages moved and failed: summed over the events that say,
// absent when none does.
#include "command_fixture.hpp"
#include "migration_fixture.hpp"
#include "model/aggregate.hpp"
#include "replay.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

// A binary recording of calls, made by mpctl record from the replayed ring.
std::string recording_of(const std::vector<Call>& calls) {
    ReplayMonitor m(test_info(), {}, events_of(calls));
    auto rec = run(m, {"record", "-o", "-"});
    EXPECT_EQ(rec.exit, Exit::ok) << rec.diag.str();
    return rec.out.str();
}

std::vector<Call> without_migration() {
    return {{301, "old", 0, 4, std::nullopt, 7}, {302, "older", 0, 2, std::nullopt}};
}

} // namespace

TEST(ReportMigration, AggregateSumsTheEventsThatSay) {
    auto calls = migration_calls();
    Aggregate agg;
    for (const auto& c : calls)
        agg.add(event_of(c));
    auto want = expected_totals(calls);
    ASSERT_TRUE(want);
    ASSERT_TRUE(agg.migration());
    EXPECT_EQ(agg.migration()->moved, want->first);
    EXPECT_EQ(agg.migration()->failed, want->second);
    // The module's migration counters are in no event: still absent.
    EXPECT_FALSE(agg.view(test_info()).migration);

    Aggregate none;
    for (const auto& c : without_migration())
        none.add(event_of(c));
    EXPECT_FALSE(none.migration());
}

// Each event's counts are 32 bits (saturating); their sum is not.
TEST(ReportMigration, TheSumOutgrowsThirtyTwoBits) {
    Call c{401, "huge", 0, 1, std::pair{0xffffffffu, 0xfffffffeu}};
    Aggregate agg;
    for (int i = 0; i < 3; ++i)
        agg.add(event_of(c));
    ASSERT_TRUE(agg.migration());
    EXPECT_EQ(agg.migration()->moved, 3 * std::uint64_t{0xffffffff});
    EXPECT_EQ(agg.migration()->failed, 3 * std::uint64_t{0xfffffffe});
}

TEST(ReportMigration, StatsViewInTextAndJson) {
    auto calls = migration_calls();
    auto rec = recording_of(calls);
    auto want = expected_totals(calls);
    ASSERT_TRUE(want);

    auto json = run_report(rec, {"--json"});
    ASSERT_EQ(json.exit, Exit::ok) << json.diag.str();
    auto j = nlohmann::json::parse(json.out.str());
    EXPECT_EQ(j["calls"], calls.size());
    EXPECT_EQ(j["migration"]["pages"]["moved"], want->first);
    EXPECT_EQ(j["migration"]["pages"]["failed"], want->second);
    // What no event carries is left out, not 0.
    EXPECT_FALSE(j["migration"].contains("batches")) << j["migration"];

    auto text = run_report(rec, {}).out.str();
    auto line = fmt::format("migration    moved {}   failed {}\n", want->first, want->second);
    EXPECT_NE(text.find(line), std::string::npos) << text;
}

TEST(ReportMigration, AbsentWhenNoEventSays) {
    auto rec = recording_of(without_migration());
    auto j = nlohmann::json::parse(run_report(rec, {"--json"}).out.str());
    EXPECT_EQ(j["calls"], 2);
    EXPECT_FALSE(j.contains("migration")) << j;
    auto text = run_report(rec, {}).out.str();
    EXPECT_EQ(text.find("migration"), std::string::npos) << text;

    auto top = nlohmann::json::parse(run_report(rec, {"--view", "top", "--json"}).out.str());
    for (const auto& row : top["callers"]) {
        EXPECT_FALSE(row.contains("moved")) << row;
        EXPECT_FALSE(row.contains("failed")) << row;
    }
}

TEST(ReportMigration, TopViewRanksBySortKey) {
    auto calls = migration_calls();
    auto rec = recording_of(calls);
    auto want = expected_rows(calls, false);
    // The caller that moved most, and the one whose calls failed most.
    std::uint32_t most_moved = 0, most_failed = 0;
    for (const auto& [pid, w] : want) {
        if (w.moved && (!most_moved || *w.moved > *want.at(most_moved).moved))
            most_moved = pid;
        if (w.failed && (!most_failed || *w.failed > *want.at(most_failed).failed))
            most_failed = pid;
    }
    auto moved = nlohmann::json::parse(
        run_report(rec, {"--view", "top", "--sort", "moved", "--json"}).out.str());
    EXPECT_EQ(moved["sort"], "moved");
    EXPECT_EQ(moved["callers"][0]["tgid"], most_moved);
    EXPECT_EQ(moved["callers"][0]["moved"], *want.at(most_moved).moved);
    // The callers whose calls carried nothing come last.
    EXPECT_FALSE(moved["callers"].back().contains("moved"));
    auto failed = run_report(rec, {"--view", "top", "--sort", "failed", "--rows", "1"}).out.str();
    auto caller = std::find_if(calls.begin(), calls.end(),
                               [&](const Call& c) { return c.tgid == most_failed; });
    ASSERT_NE(caller, calls.end());
    auto first = lines(failed).at(2); // after the heading and CALLER's titles
    EXPECT_EQ(first.rfind(fmt::format("{}[{}]", caller->comm, most_failed), 0), 0u) << failed;
    EXPECT_NE(failed.find("ranked by failed"), std::string::npos) << failed;
}
