// SPDX-License-Identifier: GPL-2.0
#include "model/stats_view.hpp"
#include "output/format_prometheus.hpp"
#include "output/format_stats.hpp"

#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>
#include <sstream>
#include <string>

using namespace mpctl;

namespace {

// 7 calls: 3 moves to node 1 (48 pages), 1 query (16 pages on node 1),
// one per-page EFAULT, one ENODEV, one EINVAL, one partial move (ret 2).
mpmon_stats synthetic() {
    mpmon_stats s{};
    s.size = sizeof(s);
    s.calls = 7;
    s.ret_zero = 4;
    s.ret_positive = 1;
    s.ret_errno[ENODEV] = 1;
    s.ret_errno[EINVAL] = 1;
    s.mode_move = 6;
    s.mode_query = 1;
    s.flag_move = 6;
    s.pages_requested = 83;
    s.pages_not_written = 2;
    s.move.node[1] = 48;
    s.move.err[MPMON_PERR_EFAULT] = 1;
    s.query.node[1] = 16;
    s.lat_log2[11] = 3; // [1K, 2K)
    s.lat_log2[17] = 4; // [64K, 128K)
    s.lat_sum_ns = 3 * 1500 + 4 * 100000;
    s.lat_max_ns = 120000;
    s.ring_dropped = 5;
    s.kretprobe_missed = 1;
    s.filtered = 9;
    s.events_read = 2;
    return s;
}

} // namespace

TEST(StatsView, NamesEveryCounter) {
    auto v = make_view(synthetic());
    EXPECT_EQ(v.calls, 7u);
    EXPECT_EQ(v.errors, 2u);
    Counts want_returns = {{"0", 4}, {"positive", 1}, {"ENODEV", 1}, {"EINVAL", 1}};
    EXPECT_EQ(v.returns, want_returns);
    EXPECT_EQ(v.page_status, (Counts{{"node1", 48}, {"EFAULT", 1}}));
    EXPECT_EQ(v.query_status, (Counts{{"node1", 16}}));
    EXPECT_EQ(v.latency.count, 7u);
    EXPECT_EQ(v.latency.max_ns, 120000u);
    EXPECT_GE(v.latency.p50, 65536u);
    EXPECT_LE(v.latency.p99, 120000u);
    EXPECT_EQ(v.latency.buckets.size(), 2u);
}

TEST(StatsView, ErrnoBeyondTheTableIsOther) {
    auto s = synthetic();
    s.ret_errno[0] = 3;
    auto v = make_view(s);
    EXPECT_EQ(v.errors, 5u);
    EXPECT_EQ(v.returns.back(), (std::pair<std::string, std::uint64_t>{"other", 3}));
}

TEST(StatsView, NodesBeyondTheTable) {
    auto s = synthetic();
    s.move.node_overflow = 4;
    auto v = make_view(s);
    EXPECT_EQ(v.page_status[1], (std::pair<std::string, std::uint64_t>{"node256+", 4}));
}

TEST(StatsView, DeltaIsElementWise) {
    auto before = synthetic();
    auto after = synthetic();
    after.calls += 10;
    after.move.node[0] += 160;
    after.lat_log2[12] += 10;
    after.lat_max_ns = 999999;
    after.ring_dropped += 1;
    auto d = make_view(stats_delta(after, before));
    EXPECT_EQ(d.calls, 10u);
    EXPECT_EQ(d.page_status, (Counts{{"node0", 160}}));
    EXPECT_EQ(d.latency.count, 10u);
    EXPECT_EQ(d.latency.max_ns, 999999u);
    EXPECT_EQ(d.ring_dropped, 1u);
    EXPECT_EQ(d.errors, 0u);
}

TEST(StatsJson, HasEveryKeyOfTheSchema) {
    auto j = stats_json(make_view(synthetic()));
    for (const char* key : {"calls", "errors", "returns", "modes", "flags", "pages", "page_status",
                            "query_status", "latency_ns", "lost", "filtered"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["calls"], 7);
    EXPECT_EQ(j["errors"], 2);
    EXPECT_EQ(j["returns"]["0"], 4);
    EXPECT_EQ(j["returns"]["positive"], 1);
    EXPECT_EQ(j["returns"]["ENODEV"], 1);
    EXPECT_EQ(j["returns"]["EINVAL"], 1);
    EXPECT_EQ(j["modes"]["move"], 6);
    EXPECT_EQ(j["modes"]["query"], 1);
    EXPECT_EQ(j["flags"]["MPOL_MF_MOVE"], 6);
    EXPECT_EQ(j["flags"]["MPOL_MF_MOVE_ALL"], 0);
    EXPECT_EQ(j["pages"]["requested"], 83);
    EXPECT_EQ(j["pages"]["not_written"], 2);
    EXPECT_EQ(j["pages"]["truncated"], 0);
    EXPECT_EQ(j["page_status"]["node1"], 48);
    EXPECT_EQ(j["page_status"]["EFAULT"], 1);
    EXPECT_EQ(j["query_status"]["node1"], 16);
    for (const char* key : {"count", "p50", "p90", "p99", "max", "log2"})
        EXPECT_TRUE(j["latency_ns"].contains(key)) << key;
    EXPECT_EQ(j["latency_ns"]["count"], 7);
    EXPECT_EQ(j["latency_ns"]["log2"][0]["low"], 1024);
    EXPECT_EQ(j["latency_ns"]["log2"][0]["high"], 2048);
    EXPECT_EQ(j["latency_ns"]["log2"][0]["count"], 3);
    EXPECT_EQ(j["lost"]["ring_dropped"], 5);
    EXPECT_EQ(j["lost"]["kretprobe_missed"], 1);
    EXPECT_EQ(j["filtered"], 9);
}

TEST(StatsText, FitsEightyColumnsAndShowsTheNumbers) {
    auto s = synthetic();
    for (int n = 0; n < 40; ++n) // many nodes: the line must wrap
        s.move.node[n] = 1000000 + static_cast<unsigned>(n);
    std::ostringstream out;
    print_stats(out, make_view(s));
    std::istringstream lines(out.str());
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        EXPECT_LE(line.size(), 80u) << line;
        ++n;
    }
    EXPECT_GT(n, 10);
    auto text = out.str();
    EXPECT_NE(text.find("total 7"), std::string::npos) << text;
    EXPECT_NE(text.find("ENODEV 1"), std::string::npos);
    EXPECT_NE(text.find("node39 1,000,039"), std::string::npos);
    EXPECT_NE(text.find("[1K, 2K)"), std::string::npos);
    EXPECT_NE(text.find("ring_dropped 5"), std::string::npos);
}

// ABI 1.3: entries of inexact calls and calls counted with no event.
TEST(StatsAbi13, PagesUnknownAndEventsOff) {
    auto s = synthetic();
    s.pages_unknown = 12;
    s.events_off = 3456;
    auto v = make_view(s);
    EXPECT_EQ(v.pages_unknown, 12u);
    EXPECT_EQ(v.events_off, 3456u);

    auto j = stats_json(v);
    EXPECT_EQ(j["pages_unknown"], 12);
    EXPECT_EQ(j["events_off"], 3456);
    // Beside the counters they complete, not inside them.
    EXPECT_EQ(j["pages"]["not_written"], 2);
    EXPECT_EQ(j["events_read"], 2);

    std::ostringstream out;
    print_stats(out, v);
    auto text = out.str();
    EXPECT_NE(text.find("\ninexact      pages_unknown 12\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\nevents off   calls 3,456\n"), std::string::npos) << text;
    // The line of unknown pages follows the pages line.
    EXPECT_LT(text.find("not_written 2"), text.find("pages_unknown 12"));

    // A delta of them, as mpctl stats --watch prints.
    auto later = s;
    later.events_off += 10;
    later.pages_unknown += 1;
    auto d = make_view(stats_delta(later, s));
    EXPECT_EQ(d.events_off, 10u);
    EXPECT_EQ(d.pages_unknown, 1u);
}

TEST(StatsAbi13, ZeroOnesAreNotShownInText) {
    auto j = stats_json(make_view(synthetic()));
    EXPECT_EQ(j["pages_unknown"], 0);
    EXPECT_EQ(j["events_off"], 0);
    std::ostringstream out;
    print_stats(out, make_view(synthetic()));
    EXPECT_EQ(out.str().find("inexact"), std::string::npos) << out.str();
    EXPECT_EQ(out.str().find("events off"), std::string::npos) << out.str();
}

TEST(StatsText, Interval) {
    mpmon_stats d{};
    d.calls = 30;
    d.pages_requested = 480;
    std::ostringstream out;
    std::string line;
    print_stats_interval(out, make_view(d), 2.0, "12:00:00", true);
    for (std::istringstream in(out.str()); std::getline(in, line);)
        EXPECT_LE(line.size(), 80u) << line;
    EXPECT_NE(out.str().find("calls/s"), std::string::npos);
    EXPECT_NE(out.str().find("15.0"), std::string::npos);
    EXPECT_NE(out.str().find("240.0"), std::string::npos);
    auto j = stats_interval_json(make_view(d), 2.0, "12:00:00");
    EXPECT_EQ(j["rates"]["calls_per_s"], 15.0);
    EXPECT_EQ(j["stats"]["calls"], 30);
}

namespace {
mpmon_info radix_info() {
    mpmon_info i{};
    i.size = sizeof(i);
    i.mmu = MPMON_MMU_RADIX;
    i.flush_probes = 0x3;
    std::strcpy(i.flush_probe[0], "radix__flush_tlb_page");
    std::strcpy(i.flush_probe[1], "radix__flush_tlb_range");
    return i;
}
} // namespace

TEST(StatsMmu, FlushWorkByFunctionAndPerPage) {
    auto s = synthetic();
    s.flush_calls[0] = 48;
    s.flush_pages[0] = 48;
    s.flush_calls[1] = 2;
    s.flush_pages[1] = 32;
    s.flush_ratio[3] = 3; // [1, 2) flushes per page
    s.flush_ratio[0] = 1; // [0, 1/4)
    s.flush_ratio[7] = 1; // 16 and more
    auto v = make_view(s, radix_info());
    EXPECT_EQ(v.mmu.mode, "radix");
    EXPECT_EQ(v.mmu.flush_calls, 50u);
    EXPECT_EQ(v.mmu.flush_pages, 80u);
    ASSERT_EQ(v.mmu.functions.size(), 2u);
    EXPECT_EQ(v.mmu.functions[1].name, "radix__flush_tlb_range");
    ASSERT_EQ(v.mmu.per_page.size(), 3u);
    EXPECT_EQ(v.mmu.per_page[0].low, 0.0);
    EXPECT_EQ(v.mmu.per_page[0].high, 0.25);
    EXPECT_EQ(v.mmu.per_page[1].low, 1.0);
    EXPECT_EQ(v.mmu.per_page[1].high, 2.0);
    EXPECT_EQ(v.mmu.per_page[1].count, 3u);
    EXPECT_EQ(v.mmu.per_page[2].low, 16.0);

    auto j = stats_json(v);
    EXPECT_EQ(j["mmu"]["mode"], "radix");
    EXPECT_EQ(j["mmu"]["flush_calls"], 50);
    EXPECT_EQ(j["mmu"]["flush_pages"], 80);
    EXPECT_EQ(j["mmu"]["functions"]["radix__flush_tlb_page"]["calls"], 48);
    EXPECT_EQ(j["mmu"]["flush_per_page"][1]["count"], 3);
    EXPECT_TRUE(j["mmu"]["flush_per_page"][2]["high"].is_null());

    std::ostringstream out;
    print_stats(out, v);
    EXPECT_NE(out.str().find("radix calls 50"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("[1, 2) 3"), std::string::npos) << out.str();
}

TEST(StatsMmu, OldModuleHasNoNames) {
    auto s = synthetic();
    s.flush_calls[2] = 5; // counted, but the info of an old module names nothing
    auto v = make_view(s);
    EXPECT_EQ(v.mmu.mode, "unknown");
    ASSERT_EQ(v.mmu.functions.size(), 1u);
    EXPECT_EQ(v.mmu.functions[0].name, "slot2");
}

namespace {
// A module that follows migrate_pages(): 3 runs moved 40 pages 0>1 and
// 8 pages 1>0, and could not move 2; 16 more went to node 20 (past the
// matrix).
mpmon_stats with_migrations() {
    auto s = synthetic();
    s.migrate_batches = 3;
    s.migrate_ns = 1500000;
    s.pages_moved = 64;
    s.pages_failed = 2;
    s.moved[0][1] = 40;
    s.moved[1][0] = 8;
    s.moved_other = 16;
    return s;
}

mpmon_info migrating_info() {
    mpmon_info i{};
    i.abi_major = 1;
    i.abi_minor = 3;
    i.migrate_sources = MPMON_MIGRATE_RUNS;
    return i;
}
} // namespace

TEST(StatsMigration, CountedWhereTheModuleFollowsMigratePages) {
    auto v = make_view(with_migrations(), migrating_info());
    ASSERT_TRUE(v.migration);
    EXPECT_EQ(v.migration->moved, 64u);
    auto j = stats_json(v);
    const auto& m = j["migration"];
    EXPECT_EQ(m["batches"], 3);
    EXPECT_EQ(m["migrate_ns"], 1500000);
    EXPECT_EQ(m["pages"]["moved"], 64);
    EXPECT_EQ(m["pages"]["failed"], 2);
    EXPECT_EQ(m["moved_by_nodes"]["0>1"], 40);
    EXPECT_EQ(m["moved_by_nodes"]["1>0"], 8);
    EXPECT_EQ(m["moved_by_nodes"].size(), 2u); // zero counts left out
    EXPECT_EQ(m["moved_other_nodes"], 16);
    // What no source counts yet is absent, not 0.
    EXPECT_FALSE(m["pages"].contains("stayed"));
    EXPECT_FALSE(m.contains("failed_by_reason"));
    EXPECT_FALSE(m.contains("thp"));

    std::ostringstream out;
    print_stats(out, v);
    EXPECT_NE(out.str().find("migration    batches 3   moved 64   failed 2"), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("moved        0>1 40   1>0 8   other 16"), std::string::npos)
        << out.str();

    auto prom = prometheus_text(with_migrations(), v, migrating_info());
    EXPECT_NE(prom.find("mpmon_migrate_moved_pages_total{from=\"0\",to=\"1\"} 40\n"),
              std::string::npos)
        << prom;
    EXPECT_NE(prom.find("mpmon_migrate_seconds_total 0.0015\n"), std::string::npos) << prom;
    EXPECT_NE(prom.find("mpmon_migrate_failed_pages_total 2\n"), std::string::npos) << prom;
}

// Stats version 3: stayed pages, failures by reason and THPs, each shown
// where the module names its source.
TEST(StatsMigration, StayedReasonsAndThpWhereTheirSourcesAre) {
    auto s = with_migrations();
    s.pages_stayed = 5;
    s.failed_busy = 2;
    s.thp_moved = 1;
    s.thp_split = 3;
    s.thp_failed = 4;
    auto info = migrating_info();
    info.migrate_sources |= MPMON_MIGRATE_STAYED | MPMON_MIGRATE_REASONS | MPMON_MIGRATE_THP;
    auto v = make_view(s, info);
    auto j = stats_json(v);
    const auto& m = j["migration"];
    EXPECT_EQ(m["pages"]["moved"], 64);
    EXPECT_EQ(m["pages"]["stayed"], 5);
    EXPECT_EQ(m["pages"]["failed"], 2);
    EXPECT_EQ(m["failed_by_reason"]["busy"], 2);
    EXPECT_EQ(m["failed_by_reason"]["nomem"], 0);
    EXPECT_EQ(m["failed_by_reason"]["other"], 0);
    EXPECT_EQ(m["thp"]["moved"], 1);
    EXPECT_EQ(m["thp"]["split"], 3);
    EXPECT_EQ(m["thp"]["failed"], 4);

    std::ostringstream out;
    print_stats(out, v);
    EXPECT_NE(out.str().find("migration    batches 3   moved 64   stayed 5   failed 2"),
              std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("failed       busy 2   nomem 0   other 0"), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("thp          moved 1   split 3   failed 4"), std::string::npos)
        << out.str();

    auto prom = prometheus_text(s, v, info);
    EXPECT_NE(prom.find("mpmon_migrate_failed_pages_total{reason=\"busy\"} 2\n"), std::string::npos)
        << prom;
    EXPECT_EQ(prom.find("mpmon_migrate_failed_pages_total 2\n"), std::string::npos) << prom;
    EXPECT_NE(prom.find("mpmon_migrate_stayed_pages_total 5\n"), std::string::npos) << prom;
    EXPECT_NE(prom.find("mpmon_migrate_thp_total{outcome=\"split\"} 3\n"), std::string::npos)
        << prom;

    // Only THPs missing (a kernel without tracepoints): thp absent alone.
    info.migrate_sources &= ~MPMON_MIGRATE_THP;
    auto j2 = stats_json(make_view(s, info));
    EXPECT_FALSE(j2["migration"].contains("thp"));
    EXPECT_TRUE(j2["migration"].contains("failed_by_reason"));
}

// A module that does not follow migrate_pages() (older, or the probe could
// not be placed): no migration block at all, though its counters read 0.
TEST(StatsMigration, AbsentWithoutTheSource) {
    auto info = migrating_info();
    info.migrate_sources = 0;
    auto v = make_view(with_migrations(), info);
    EXPECT_FALSE(v.migration);
    EXPECT_FALSE(stats_json(v).contains("migration"));
    std::ostringstream out;
    print_stats(out, v);
    EXPECT_EQ(out.str().find("migration"), std::string::npos) << out.str();
    auto prom = prometheus_text(with_migrations(), v, info);
    EXPECT_EQ(prom.find("mpmon_migrate"), std::string::npos) << prom;
}

// Translation invalidations (stats version 4): by scope, hypercalls by
// opcode with the HPTEs they named, x86_64's shootdown IPIs; each only where
// info.inval_sources has its bit, absent (not 0) elsewhere.
TEST(StatsMmu, InvalidationsWhereTheirSourcesAre) {
    mpmon_stats s{};
    s.size = sizeof(s);
    s.tlbi_local = 7;
    s.tlbi_global = 11;
    s.hcalls[MPMON_HCALL_BULK_REMOVE] = 3;
    s.hcalls[MPMON_HCALL_REMOVE] = 2;
    s.hpte_removed = 2 + 3 * 4;
    s.hpte_protected = 1;
    s.hcalls[MPMON_HCALL_PROTECT] = 1;
    s.shootdown_ipis = 9;
    mpmon_info info{};
    info.size = sizeof(info);
    info.mmu = MPMON_MMU_HASH;
    info.inval_sources = MPMON_INVAL_TLBIE | MPMON_INVAL_HCALL;

    auto v = make_view(s, info);
    auto j = stats_json(v);
    const auto& m = j["mmu"];
    EXPECT_EQ(m["invalidations"]["local"], 7);
    EXPECT_EQ(m["invalidations"]["global"], 11);
    EXPECT_EQ(m["hcalls"]["H_REMOVE"], 2);
    EXPECT_EQ(m["hcalls"]["H_BULK_REMOVE"], 3);
    EXPECT_EQ(m["hcalls"]["H_PROTECT"], 1);
    EXPECT_EQ(m["hcalls"]["H_RPT_INVALIDATE"], 0);
    EXPECT_EQ(m["hpte"]["removed"], 14);
    EXPECT_EQ(m["hpte"]["protected"], 1);
    EXPECT_FALSE(m.contains("shootdown_ipis")); // no IPI source on POWER

    std::ostringstream out;
    print_stats(out, v);
    EXPECT_NE(out.str().find("tlb inval    local 7   global 11"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("hcalls       H_REMOVE 2   H_BULK_REMOVE 3"), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("hpte         removed 14   protected 1"), std::string::npos)
        << out.str();

    auto prom = prometheus_text(s, v, info);
    EXPECT_NE(prom.find("mpmon_tlb_invalidations_total{scope=\"global\"} 11\n"), std::string::npos)
        << prom;
    EXPECT_NE(prom.find("mpmon_hcalls_total{opcode=\"H_BULK_REMOVE\"} 3\n"), std::string::npos)
        << prom;
    EXPECT_NE(prom.find("mpmon_hpte_total{action=\"removed\"} 14\n"), std::string::npos) << prom;
    EXPECT_EQ(prom.find("mpmon_tlb_shootdown_ipis_total"), std::string::npos) << prom;

    // A radix LPAR: hypercalls, but no HPTE to name: no hpte line.
    auto radix = s;
    radix.hpte_removed = radix.hpte_protected = 0;
    std::ostringstream out_radix;
    print_stats(out_radix, make_view(radix, info));
    EXPECT_NE(out_radix.str().find("hcalls "), std::string::npos) << out_radix.str();
    EXPECT_EQ(out_radix.str().find("hpte "), std::string::npos) << out_radix.str();

    // x86_64: only the IPIs.
    info.mmu = MPMON_MMU_X86_PAGING;
    info.inval_sources = MPMON_INVAL_IPI;
    auto x = stats_json(make_view(s, info));
    EXPECT_EQ(x["mmu"]["shootdown_ipis"], 9);
    EXPECT_FALSE(x["mmu"].contains("invalidations"));
    EXPECT_FALSE(x["mmu"].contains("hcalls"));

    // A module that counts none: none shown, though the counters read non-zero.
    info.inval_sources = 0;
    auto none = make_view(s, info);
    EXPECT_FALSE(stats_json(none)["mmu"].contains("shootdown_ipis"));
    std::ostringstream out2;
    print_stats(out2, none);
    EXPECT_EQ(out2.str().find("tlb inval"), std::string::npos) << out2.str();
    EXPECT_EQ(prometheus_text(s, none, info).find("mpmon_hcalls_total"), std::string::npos);
}
