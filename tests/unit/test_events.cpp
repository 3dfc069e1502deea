// SPDX-License-Identifier: GPL-2.0
#include "command_fixture.hpp"
#include "common/error.hpp"
#include "events_fixture.hpp"
#include "live_ring.hpp"
#include "model/top.hpp"
#include "output/format_event.hpp"
#include "output/format_top.hpp"
#include "recording/parse_event_json.hpp"
#include "replay.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>

using namespace mpctl;
using mpctl::testing::move_event;

namespace {
const Clock utc = Clock::fixed(0);

bool same(const mpmon_event& a, const mpmon_event& b) {
    return std::memcmp(&a, &b, sizeof(a)) == 0;
}
} // namespace

TEST(EventLine, MoveIsStraceLike) {
    auto moved = move_event(42, "mpwork", 16, 1);
    moved.flush_calls = 16;
    moved.flush_pages = 17;
    auto line = event_line(moved, utc);
    EXPECT_NE(line.find(" flush=16/17"), std::string::npos) << line;
    EXPECT_EQ(line.rfind("01:02:03.000456 cpu1 mpwork[42/43] move_pages(0, 16, "
                         "[0x7fff00000000, 0x7fff00010000, 0x7fff00020000, 0x7fff00030000, ...], "
                         "[1, 1, 1, 1, ...], MPOL_MF_MOVE) = 0 <12.3us>",
                         0),
              0u)
        << line;
    EXPECT_NE(line.find("status=[1, 1, 1, 1, ...] node1:16"), std::string::npos) << line;
}

TEST(EventLine, QueryShowsNullNodes) {
    auto ev = move_event(42, "q", 2, 0);
    ev.mode = MPMON_MODE_QUERY;
    ev.mp_flags = 0;
    auto line = event_line(ev, utc);
    EXPECT_NE(line.find("move_pages(0, 2, [0x7fff00000000, 0x7fff00010000], NULL, 0) = 0"),
              std::string::npos)
        << line;
}

TEST(EventLine, ErrorsAndPartialResults) {
    auto line = event_line(move_event(7, "x", 1, 1000, -ENODEV), utc);
    EXPECT_NE(line.find("= -1 ENODEV (No such device)"), std::string::npos) << line;
    EXPECT_NE(line.find("not_written:1"), std::string::npos) << line;

    auto ev = move_event(7, "x", 3, 1);
    ev.ret = 1;
    ev.status[2] = -EBUSY;
    ev.status_written = 0x3;
    ev.page_err[MPMON_PERR_EBUSY] = 0;
    ev.node_pages[0].pages = 2;
    ev.pages_written = 2;
    ev.pages_not_written = 1;
    ev.flags = MPMON_EV_COMPAT;
    line = event_line(ev, utc);
    EXPECT_NE(line.find("= 1 (pages not migrated)"), std::string::npos) << line;
    EXPECT_NE(line.find("status=[1, 1, -]"), std::string::npos) << line;
    EXPECT_NE(line.find("[compat]"), std::string::npos) << line;

    ev = move_event(7, "x", 2, 1);
    ev.status[1] = -EFAULT;
    ev.node_pages[0].pages = 1;
    ev.page_err[MPMON_PERR_EFAULT] = 1;
    line = event_line(ev, utc);
    EXPECT_NE(line.find("status=[1, EFAULT] node1:1 EFAULT:1"), std::string::npos) << line;
}

namespace {
// ABI 1.3: a partly failed move while no status probe was armed: which
// entries the kernel wrote is unknown, and said so.
mpmon_event inexact_move() {
    auto ev = move_event(7, "x", 4, 1);
    ev.ret = 3;
    ev.status_written = 0; // no entry known written
    std::fill(std::begin(ev.status), std::end(ev.status), 0);
    ev.nr_node_pages = 0;
    ev.node_pages[0] = {};
    ev.pages_written = 0;
    ev.pages_unknown = 4;
    ev.flags = MPMON_EV_INEXACT;
    return ev;
}
} // namespace

TEST(EventLine, InexactOutcomeIsFlaggedAndCounted) {
    auto line = event_line(inexact_move(), utc);
    EXPECT_NE(line.find("= 3 (pages not migrated)"), std::string::npos) << line;
    EXPECT_NE(line.find(" unknown:4"), std::string::npos) << line;
    EXPECT_NE(line.find(" [inexact]"), std::string::npos) << line;
    EXPECT_EQ(line.find("not_written"), std::string::npos) << line;
    // Exact events say neither.
    line = event_line(move_event(7, "x", 4, 1), utc);
    EXPECT_EQ(line.find("unknown"), std::string::npos) << line;
    EXPECT_EQ(line.find("inexact"), std::string::npos) << line;
}

TEST(EventJson, InexactOutcome) {
    auto j = event_json(inexact_move());
    EXPECT_EQ(j["pages_unknown"], 4);
    EXPECT_EQ(j["pages_not_written"], 0);
    EXPECT_EQ(j["event_flags"], nlohmann::json::array({"inexact"}));
    EXPECT_EQ(event_json(move_event(7, "x", 4, 1))["pages_unknown"], 0);
}

// Captures of modules before ABI 1.3 have no pages_unknown: it reads as 0.
TEST(EventJson, CaptureWithoutPagesUnknownReads) {
    auto j = nlohmann::json::parse(event_json(move_event(1, "a", 16, 1)).dump());
    j.erase("pages_unknown");
    auto ev = event_from_json(j);
    EXPECT_EQ(ev.pages_unknown, 0u);
    EXPECT_TRUE(same(ev, move_event(1, "a", 16, 1)));
}

TEST(EventJson, RoundTripsEveryField) {
    std::vector<mpmon_event> events = {move_event(1, "a", 16, 1),
                                       move_event(2, "bb", 1, 0, -EINVAL),
                                       move_event(3, "fifteen-chars-x", 3, 1)};
    events[2].mode = MPMON_MODE_QUERY;
    events[2].nodes[0] = events[2].nodes[1] = events[2].nodes[2] = 0;
    events[2].flags = MPMON_EV_TRUNCATED | MPMON_EV_STATUS_FAULT;
    events[2].pages_truncated = 9;
    events[2].target_pid = 77;
    events[2].uid = 65534;
    events[2].page_err[MPMON_PERR_ENOENT] = 2;
    events[2].node_overflow = 4;
    events[2].pages[0] = 0xfffffffffffff000ULL; // survives as a hex string
    events[0].flush_calls = 16;
    events[0].flush_pages = 16;
    events.push_back(inexact_move());
    events.back().flags |= MPMON_EV_COMPAT;
    for (const auto& ev : events) {
        auto j = event_json(ev);
        auto back = event_from_json(nlohmann::json::parse(j.dump()));
        EXPECT_TRUE(same(ev, back)) << j.dump();
    }
}

TEST(EventJson, BadLinesAreReportedWithTheirNumber) {
    std::istringstream in(event_json(move_event(1, "a", 1, 0)).dump() + "\n{\"seq\": 1}\n");
    try {
        read_event_lines(in);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("event line 2"), std::string::npos) << e.what();
    }
}

// Events recorded on an emulated POWER8 (hash MMU) running mpwork, and the
// stats of the same run: the events must add up to the kernel's counters.
TEST(RecordedCapture, EventsAddUpToTheStats) {
    std::ifstream ev_in(MPCTL_TEST_DATA "/power8-hash-events.jsonl");
    ASSERT_TRUE(ev_in) << "missing capture";
    auto events = read_event_lines(ev_in);
    std::ifstream st_in(MPCTL_TEST_DATA "/power8-hash-stats.json");
    auto stats = nlohmann::json::parse(st_in);

    ASSERT_EQ(events.size(), stats["calls"].get<std::size_t>());
    std::map<std::string, std::uint64_t> returns, page_status, query_status;
    std::uint64_t requested = 0, moves = 0, queries = 0, not_written = 0;
    for (const auto& ev : events) {
        ++returns[result_class(ev.ret)];
        requested += ev.count;
        (ev.mode == MPMON_MODE_QUERY ? queries : moves)++;
        if (ev.ret < 0)
            continue;
        // The stats count page outcomes of calls that returned >= 0 only.
        not_written += ev.pages_not_written;
        auto& outcome = ev.mode == MPMON_MODE_QUERY ? query_status : page_status;
        auto j = event_json(ev);
        for (const auto& [key, n] : j["outcome"].items())
            outcome[key] += n.get<std::uint64_t>();
    }
    EXPECT_EQ(requested, stats["pages"]["requested"]);
    EXPECT_EQ(not_written, stats["pages"]["not_written"]);
    EXPECT_EQ(moves, stats["modes"]["move"]);
    EXPECT_EQ(queries, stats["modes"]["query"]);
    for (const auto& [key, n] : stats["returns"].items())
        EXPECT_EQ(returns[key], n.get<std::uint64_t>()) << key;
    for (const auto& [key, n] : stats["page_status"].items())
        EXPECT_EQ(page_status[key], n.get<std::uint64_t>()) << key;
    for (const auto& [key, n] : stats["query_status"].items())
        EXPECT_EQ(query_status[key], n.get<std::uint64_t>()) << key;
    EXPECT_GT(page_status["node1"], 0u);
    EXPECT_GT(returns["ENODEV"], 0u);
}

TEST(Top, RanksCallersAndTargets) {
    TopTable t;
    for (int i = 0; i < 3; ++i)
        t.add(move_event(10, "busy", 1, 1));
    t.add(move_event(20, "big", 512, 0));
    auto other = move_event(30, "mover", 4, 1, -EPERM);
    other.target_pid = 10; // moves busy's pages
    t.add(other);
    auto callers = t.callers(10);
    ASSERT_EQ(callers.size(), 3u);
    EXPECT_EQ(callers[0].comm, "busy");
    EXPECT_EQ(callers[0].calls, 3u);
    EXPECT_EQ(callers[1].comm, "big");
    EXPECT_EQ(callers[1].pages, 512u);
    EXPECT_EQ(callers[2].errors, 1u);
    auto targets = t.targets(10);
    EXPECT_EQ(targets[0].pid, 10u);
    EXPECT_EQ(targets[0].calls, 4u);
    EXPECT_EQ(targets[0].comm, "busy");
    EXPECT_EQ(t.callers(1).size(), 1u);
    auto j = top_json(t, 7, 2);
    EXPECT_EQ(j["events"], 5);
    EXPECT_EQ(j["lost"], 7);
    EXPECT_EQ(j["callers"].size(), 2u);
    EXPECT_EQ(j["targets"][0]["pid"], 10);
}

// mpctl top follows the ring between refreshes: calls that fill the ring
// several times over within one refresh are all counted, none lost.
TEST(Top, FollowsTheRingBetweenRefreshes) {
    mpctl::testing::LiveRing ring(100);
    int waits = 0;
    ring.on_wait([&](std::chrono::milliseconds, bool) {
        if (++waits > 10)
            return Wait::interrupted; // Ctrl-C: the last refresh
        ring.produce(60);             // calls made while top waited
        return Wait::readable;
    });
    auto r = mpctl::testing::run(ring, {"top", "--interval", "30", "--count", "1", "--json"});
    auto j = nlohmann::json::parse(r.out.str());
    EXPECT_EQ(ring.produced(), 600u);
    EXPECT_EQ(j["events"], 600);
    EXPECT_EQ(j["lost"], 0);
    EXPECT_EQ(ring.lost(), 0u);
    // It asked the kernel to wake it by the watermark.
    EXPECT_EQ(ring.wakeups().size(), 1u);
}

// Its "lost" figure is what the ring dropped while top ran, not what it
// dropped before (since the last reset).
TEST(Top, LostCountsOnlyWhileItRuns) {
    mpctl::testing::LiveRing ring(100);
    ring.produce(150); // 50 dropped before top started
    int waits = 0;
    ring.on_wait([&](std::chrono::milliseconds, bool) {
        if (++waits > 1)
            return Wait::interrupted;
        ring.produce(250); // 150 of them dropped
        return Wait::readable;
    });
    auto r = mpctl::testing::run(ring, {"top", "--interval", "30", "--count", "1", "--json"});
    auto j = nlohmann::json::parse(r.out.str());
    EXPECT_EQ(ring.lost(), 200u);
    EXPECT_EQ(j["lost"], 150);
    EXPECT_EQ(j["events"], 200);
}
