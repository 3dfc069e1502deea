// SPDX-License-Identifier: GPL-2.0
// The most negative return value and status entry (INT64_MIN, INT32_MIN),
// which no kernel writes but a crafted recording or replayed line may hold:
// every output prints them without negating them (undefined behaviour, which
// UBSan stops on in the unit group), and the aggregate counts them as
// "other" errnos.
#include "command_fixture.hpp"
#include "commands/commands.hpp"
#include "events_fixture.hpp"
#include "model/aggregate.hpp"
#include "model/decode.hpp"
#include "output/event_json_line.hpp"
#include "output/format_event.hpp"
#include "output/json_line.hpp"
#include "replay.hpp"

#include <cerrno>
#include <climits>
#include <cstdint>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

constexpr auto ret_min = std::numeric_limits<std::int64_t>::min();
constexpr auto status_min = std::numeric_limits<std::int32_t>::min();

// A move of 2 pages that returned ret_min, with status entries 0 and
// status_min written.
mpmon_event extreme_event() {
    auto ev = move_event(42, "crafted", 2, 0);
    ev.ret = ret_min;
    ev.status[1] = status_min;
    return ev;
}

// The event as mpctl events --json prints it.
std::string extreme_line() {
    return json_line(event_json(extreme_event()));
}

std::vector<mpmon_event> replayed() {
    std::istringstream in(extreme_line());
    return read_event_lines(in);
}

} // namespace

TEST(ExtremeValues, NegatedErrnoNamesOfAnyNegativeValue) {
    EXPECT_EQ(neg_errno_name(-EINVAL), "EINVAL");
    EXPECT_EQ(neg_errno_text(-EINVAL), "Invalid argument");
    EXPECT_EQ(neg_errno_name(-4000), "E4000");
    EXPECT_EQ(neg_errno_name(-std::int64_t{INT_MAX}), fmt::format("E{}", INT_MAX));
    EXPECT_EQ(neg_errno_name(ret_min), "E9223372036854775808");
    EXPECT_EQ(neg_errno_text(ret_min), "Unknown error 9223372036854775808");
    EXPECT_EQ(neg_errno_name(status_min), "E2147483648");
    // Beyond int: not cut down to an int (which made -(2^32 + 5) read as EIO).
    EXPECT_EQ(neg_errno_name(-(std::int64_t{1} << 32) - EIO), "E4294967301");
    EXPECT_EQ(status_key(status_min), "E2147483648");
    EXPECT_EQ(status_key(-EFAULT), "EFAULT");
}

TEST(ExtremeValues, TextLine) {
    auto line = event_line(extreme_event(), Clock::fixed(0));
    EXPECT_NE(line.find(" = -1 E9223372036854775808 (Unknown error 9223372036854775808) <"),
              std::string::npos)
        << line;
    EXPECT_NE(line.find(" status=[0, E2147483648]"), std::string::npos) << line;
}

TEST(ExtremeValues, JsonLineOfBothEncodersAndBack) {
    auto ev = extreme_event();
    auto j = event_json(ev);
    EXPECT_EQ(j["ret"], ret_min);
    EXPECT_EQ(j["result"], "E9223372036854775808");
    EXPECT_EQ(j["status"][1], status_min);
    EventJsonLines lines;
    lines.add(ev);
    EXPECT_EQ(lines.text(), json_line(j));
    auto back = replayed();
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].ret, ret_min);
    EXPECT_EQ(back[0].status[1], status_min);
}

// A replayed line through mpctl events, text and JSON.
TEST(ExtremeValues, ReplayedThroughMpctlEvents) {
    ReplayMonitor text_m(test_info(), {}, replayed());
    auto text = run(text_m, {"events"});
    EXPECT_EQ(text.exit, Exit::ok);
    EXPECT_NE(text.out.str().find("E9223372036854775808"), std::string::npos) << text.out.str();
    EXPECT_NE(text.out.str().find("E2147483648"), std::string::npos) << text.out.str();

    ReplayMonitor json_m(test_info(), {}, replayed());
    auto json = run(json_m, {"events", "--json", "--follow"});
    EXPECT_EQ(json.exit, Exit::ok);
    EXPECT_EQ(json.out.str(), extreme_line());
}

TEST(ExtremeValues, AggregateCountsThemAsOtherErrnos) {
    Aggregate agg;
    agg.add(extreme_event());
    auto ev = extreme_event();
    ev.ret = -(std::int64_t{1} << 32) - EIO; // not EIO
    agg.add(ev);
    EXPECT_EQ(agg.stats().calls, 2u);
    EXPECT_EQ(agg.stats().ret_errno[0], 2u);
    EXPECT_EQ(agg.stats().ret_errno[EIO], 0u);
    auto view = agg.view(test_info());
    EXPECT_EQ(view.errors, 2u);
}

// A crafted recording through mpctl report: text, JSON and Prometheus.
TEST(ExtremeValues, ReportOfACraftedRecording) {
    ReplayMonitor m(test_info(), {}, replayed());
    auto rec = run(m, {"record", "-o", "-"});
    ASSERT_EQ(rec.exit, Exit::ok);
    // The binary recording keeps the event as it was, and --events prints it
    // as events --json does.
    EXPECT_EQ(run_report(rec.out.str(), {"--events", "--json"}).out.str(), extreme_line());

    auto j = nlohmann::json::parse(run_report(rec.out.str(), {"--json"}).out.str());
    EXPECT_EQ(j["calls"], 1);
    EXPECT_EQ(j["errors"], 1);
    EXPECT_EQ(j["returns"]["other"], 1);
    auto text = run_report(rec.out.str(), {}).out.str();
    EXPECT_NE(text.find("other 1"), std::string::npos) << text;
    auto prom = run_report(rec.out.str(), {"--format", "prometheus"}).out.str();
    EXPECT_NE(prom.find("mpmon_call_results_total{result=\"other\"} 1\n"), std::string::npos)
        << prom;
    auto top = run_report(rec.out.str(), {"--view", "top"}).out.str();
    EXPECT_NE(top.find("crafted[42]"), std::string::npos) << top;
}
