// SPDX-License-Identifier: GPL-2.0
// mpctl report of events that carry their migrations' whole account (event
// size 2): the module's migration and invalidation counters rebuilt from
// them, equal to the sums of what the calls say; what no event carried is
// left out, not 0.
#include "command_fixture.hpp"
#include "events_fixture.hpp"
#include "model/aggregate.hpp"
#include "replay.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

// Two moves with known anatomies and a query with none.  The expected
// totals below are these numbers summed by hand.
std::vector<mpmon_event> anatomy_events() {
    auto a = anatomy_move(201, "alpha"); // see events_fixture.hpp
    auto b = move_event(202, "beta", 8, 1, 2);
    b.flags |= MPMON_EV_MIGRATION | MPMON_EV_RUNS; // stayed and THPs unknown
    b.pages_moved = 5;
    b.pages_failed = 2;
    b.failed_nomem = 2;
    b.migrate_batches = 1;
    b.migrate_ns = 1000;
    b.moves[0] = {0, 1, 5};
    b.nr_moves = 1;
    b.inval_sources = MPMON_INVAL_TLBIE;
    b.tlbi_local = 5;

    auto q = move_event(203, "gamma", 4, 0);
    q.mode = MPMON_MODE_QUERY;
    return {a, b, q};
}

std::string recording_of(const std::vector<mpmon_event>& events) {
    ReplayMonitor m(test_info(), {}, events);
    auto rec = run(m, {"record", "-o", "-"});
    EXPECT_EQ(rec.exit, Exit::ok) << rec.diag.str();
    return rec.out.str();
}

} // namespace

TEST(ReportAnatomy, TheModulesCountersFromTheEvents) {
    Aggregate agg;
    for (const auto& ev : anatomy_events())
        agg.add(ev);
    auto v = agg.view(test_info());
    ASSERT_TRUE(v.migration);
    const auto& m = *v.migration;
    EXPECT_EQ(m.batches, 3u);
    EXPECT_EQ(m.migrate_ns, 5000u);
    EXPECT_EQ(m.moved, 15u);
    EXPECT_EQ(m.failed, 5u);
    EXPECT_EQ(m.moved_by_nodes, (Counts{{"0>1", 11}, {"1>0", 4}}));
    ASSERT_TRUE(m.failed_by_reason);
    EXPECT_EQ(m.failed_by_reason->busy, 2u);
    EXPECT_EQ(m.failed_by_reason->nomem, 2u);
    EXPECT_EQ(m.failed_by_reason->other, 1u);
    ASSERT_TRUE(m.stayed);
    EXPECT_EQ(*m.stayed, 3u);
    ASSERT_TRUE(m.thp);
    EXPECT_EQ(m.thp->moved, 1u);
    ASSERT_TRUE(v.mmu.invalidations);
    EXPECT_EQ(v.mmu.invalidations->local, 15u);
    EXPECT_EQ(v.mmu.invalidations->global, 30u);
    // Kinds no event counted: absent.
    EXPECT_FALSE(v.mmu.hcalls);
    EXPECT_FALSE(v.mmu.shootdown_ipis);
    // Each of these events says it all: no separate moved/failed totals.
    EXPECT_FALSE(agg.migration());
}

TEST(ReportAnatomy, JsonTextAndPrometheus) {
    auto rec = recording_of(anatomy_events());
    auto json = run_report(rec, {"--json"});
    ASSERT_EQ(json.exit, Exit::ok) << json.diag.str();
    auto j = nlohmann::json::parse(json.out.str());
    const auto& m = j["migration"];
    EXPECT_EQ(m["batches"], 3);
    EXPECT_EQ(m["migrate_ns"], 5000);
    EXPECT_EQ(m["pages"], (nlohmann::json{{"moved", 15}, {"stayed", 3}, {"failed", 5}}));
    EXPECT_EQ(m["moved_by_nodes"], (nlohmann::json{{"0>1", 11}, {"1>0", 4}}));
    EXPECT_EQ(m["failed_by_reason"], (nlohmann::json{{"busy", 2}, {"nomem", 2}, {"other", 1}}));
    EXPECT_EQ(m["thp"], (nlohmann::json{{"moved", 1}, {"split", 0}, {"failed", 0}}));
    EXPECT_EQ(j["mmu"]["invalidations"], (nlohmann::json{{"local", 15}, {"global", 30}}));
    EXPECT_FALSE(j["mmu"].contains("hcalls")) << j["mmu"];

    auto text = run_report(rec, {}).out.str();
    EXPECT_NE(text.find("0>1 11"), std::string::npos) << text;
    EXPECT_NE(text.find("nomem 2"), std::string::npos) << text;
    // The totals line of 392-byte events is not repeated under the block.
    EXPECT_EQ(text.find("migration    moved 15   failed 5\n"), std::string::npos) << text;

    auto prom = run_report(rec, {"--format", "prometheus"});
    ASSERT_EQ(prom.exit, Exit::ok) << prom.diag.str();
    auto p = prom.out.str();
    EXPECT_NE(p.find("mpmon_migrate_moved_pages_total{from=\"0\",to=\"1\"} 11\n"),
              std::string::npos)
        << p;
    EXPECT_NE(p.find("mpmon_migrate_failed_pages_total{reason=\"nomem\"} 2\n"), std::string::npos)
        << p;
    EXPECT_NE(p.find("mpmon_tlb_invalidations_total{scope=\"global\"} 30\n"), std::string::npos)
        << p;
}
