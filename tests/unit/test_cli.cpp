// SPDX-License-Identifier: GPL-2.0
#include "command_fixture.hpp"
#include "commands/cli.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace mpctl;

using mpctl::testing::parse;
using mpctl::testing::usage_error;

// Boost's placeholder substitution never ended for such arguments.
TEST(Cli, PlaceholdersInArgumentsEndInAUsageError) {
    for (const char* arg : {"%value%", "%canonical_option%", "%option%", "%prefix%"}) {
        std::string option = std::string("--").append(arg);
        usage_error({"events", option.c_str()});
        usage_error({option.c_str()});
        usage_error({"stats", "--watch", arg});
        usage_error({"events", "--limit", arg});
    }
}

TEST(Cli, Commands) {
    EXPECT_EQ(parse({"info"}).command, Command::info);
    EXPECT_EQ(parse({"stats"}).command, Command::stats);
    EXPECT_EQ(parse({"events"}).command, Command::events);
    EXPECT_EQ(parse({"top"}).command, Command::top);
    EXPECT_EQ(parse({"reset"}).command, Command::reset);
    EXPECT_EQ(parse({"enable"}).command, Command::enable);
    EXPECT_EQ(parse({"disable"}).command, Command::disable);
    EXPECT_EQ(parse({"filter"}).command, Command::filter);
    EXPECT_EQ(parse({"--version"}).command, Command::version);
}

TEST(Cli, JsonAndDeviceBeforeOrAfterTheCommand) {
    auto a = parse({"--json", "--device", "/tmp/x", "stats"});
    auto b = parse({"stats", "--json", "--device", "/tmp/x"});
    for (const auto& o : {a, b}) {
        EXPECT_TRUE(o.json);
        EXPECT_EQ(o.device, "/tmp/x");
    }
    EXPECT_FALSE(parse({"stats"}).json);
    EXPECT_EQ(parse({"stats"}).device, "/dev/mpmon");
}

TEST(Cli, StatsOptions) {
    auto o = parse({"stats", "--watch", "0.5", "--count", "3", "--reset"});
    EXPECT_EQ(o.stats.watch_s, 0.5);
    EXPECT_EQ(o.stats.count, 3u);
    EXPECT_TRUE(o.stats.reset);
    EXPECT_NE(usage_error({"stats", "--count", "3"}).find("--count needs --watch"),
              std::string::npos);
    EXPECT_NE(
        usage_error({"stats", "--watch", "0"}).find("--watch: '0' is not a number of seconds"),
        std::string::npos);
    EXPECT_NE(usage_error({"stats", "--watch", "1s"}).find("'1s'"), std::string::npos);
    EXPECT_NE(usage_error({"stats", "--watch", "nan"}).find("'nan'"), std::string::npos);
    EXPECT_NE(
        usage_error({"stats", "--watch", "1", "--count", "-1"}).find("'-1' is not an integer"),
        std::string::npos);
}

TEST(Cli, EventsOptions) {
    auto o =
        parse({"events", "-f", "--limit", "5", "--tgid", "123", "--comm", "mpwork", "--errors"});
    EXPECT_TRUE(o.events.follow);
    EXPECT_EQ(o.events.limit, 5u);
    EXPECT_EQ(o.events.filter.tgid, 123u);
    EXPECT_EQ(o.events.filter.comm, "mpwork");
    EXPECT_TRUE(o.events.filter.errors_only);
    EXPECT_NE(usage_error({"events", "--tgid", "0"}).find("--tgid: '0' is not an integer from 1"),
              std::string::npos);
    EXPECT_NE(usage_error({"events", "--tgid", "99999999"}).find("'99999999'"), std::string::npos);
    EXPECT_NE(usage_error({"events", "--comm", "a-name-longer-than-15"}).find("1 to 15 characters"),
              std::string::npos);
    EXPECT_NE(usage_error({"events", "--limit"}).find("limit"), std::string::npos);
}

TEST(Cli, TopAndFilterOptions) {
    auto t = parse({"top", "--interval", "1.5", "--count", "2", "--rows", "3"});
    EXPECT_EQ(t.top.interval_s, 1.5);
    EXPECT_EQ(t.top.count, 2u);
    EXPECT_EQ(t.top.rows, 3u);
    auto f = parse({"filter", "--tgid", "5", "--uid", "0", "--comm", "x"});
    EXPECT_EQ(f.filter.tgid, 5u);
    EXPECT_EQ(f.filter.uid, 0u);
    EXPECT_EQ(f.filter.comm, "x");
    EXPECT_TRUE(f.filter.set());
    EXPECT_TRUE(parse({"filter", "--clear"}).filter.clear);
    EXPECT_FALSE(parse({"filter"}).filter.set());
    EXPECT_NE(usage_error({"filter", "--clear", "--tgid", "5"}).find("--clear cannot be combined"),
              std::string::npos);
}

TEST(Cli, Mistakes) {
    EXPECT_NE(usage_error({}).find("no command given"), std::string::npos);
    EXPECT_NE(usage_error({"bogus"}).find("unknown command 'bogus'"), std::string::npos);
    EXPECT_NE(usage_error({"--watch", "1", "stats"}).find("unknown option '--watch'"),
              std::string::npos);
    EXPECT_NE(usage_error({"stats", "--follow"}).find("--follow"), std::string::npos);
    EXPECT_NE(usage_error({"info", "extra"}).find("extra"), std::string::npos);
    // No abbreviations: --com is not --comm.
    EXPECT_NE(usage_error({"filter", "--com", "x"}).find("--com"), std::string::npos);
}

TEST(Cli, Help) {
    EXPECT_EQ(parse({"--help"}).command, Command::help);
    auto o = parse({"events", "--help"});
    EXPECT_EQ(o.command, Command::help);
    EXPECT_EQ(o.help_topic, "events");
    EXPECT_EQ(parse({"help", "stats"}).help_topic, "stats");
    EXPECT_NE(usage().find("Exit status"), std::string::npos);
    EXPECT_NE(usage("events").find("--follow"), std::string::npos);
    EXPECT_NE(usage("filter").find("--clear"), std::string::npos);
    EXPECT_NE(short_usage().find("mpctl --help"), std::string::npos);
}

TEST(Cli, BufferOfEventsFollowAndRecord) {
    EXPECT_FALSE(parse({"events", "--follow"}).events.buffer_mib); // the default
    EXPECT_EQ(parse({"events", "-f", "--buffer", "64"}).events.buffer_mib, 64u);
    EXPECT_EQ(parse({"events", "--buffer=1", "--follow"}).events.buffer_mib, 1u);
    EXPECT_FALSE(parse({"record", "-o", "x"}).record.buffer_mib);
    EXPECT_EQ(parse({"record", "-o", "x", "--buffer", "16384"}).record.buffer_mib, 16384u);
    for (const char* bad : {"0", "16385", "-1", "1.5", "256M", "", "x"}) {
        auto msg = usage_error({"record", "-o", "x", "--buffer", bad});
        EXPECT_NE(
            msg.find(std::string("--buffer: '") + bad + "' is not a number of MiB from 1 to 16384"),
            std::string::npos)
            << msg;
    }
    EXPECT_NE(usage_error({"events", "-f", "--buffer", "0"}).find("number of MiB"),
              std::string::npos);
    EXPECT_NE(usage_error({"events", "--buffer", "8"}).find("--buffer needs --follow"),
              std::string::npos);
    EXPECT_NE(usage_error({"stats", "--buffer", "8"}).find("--buffer"), std::string::npos);
    EXPECT_NE(usage("events").find("--buffer MIB"), std::string::npos);
    EXPECT_NE(usage("events").find("(default 256)"), std::string::npos);
    EXPECT_NE(usage("record").find("--buffer MIB"), std::string::npos);
}

TEST(Cli, BoostOfTheReaderIsOptIn) {
    EXPECT_EQ(parse({"events", "--follow"}).events.boost, 0);
    EXPECT_EQ(parse({"record", "-o", "x"}).record.boost, 0);
    EXPECT_EQ(parse({"events", "-f", "--boost", "10"}).events.boost, 10);
    EXPECT_EQ(parse({"record", "-o", "x", "--boost=39"}).record.boost, 39);
    for (const char* bad : {"0", "40", "-5", "1.5", "", "x"}) {
        auto msg = usage_error({"record", "-o", "x", "--boost", bad});
        EXPECT_NE(msg.find(std::string("--boost: '") + bad +
                           "' is not a number of nice levels from 1 to 39"),
                  std::string::npos)
            << msg;
    }
    EXPECT_NE(usage_error({"events", "--boost", "10"}).find("--boost needs --follow"),
              std::string::npos);
    EXPECT_NE(usage_error({"top", "--boost", "10"}).find("--boost"), std::string::npos);
    EXPECT_NE(usage("events").find("--boost LEVELS"), std::string::npos);
    EXPECT_NE(usage("record").find("CAP_SYS_NICE"), std::string::npos);
}

// report --events (or --view events) and its filters, as mpctl events has them.
TEST(Cli, ReportEventsAndItsFilters) {
    auto e =
        parse({"report", "r.mprec", "--events", "--tgid", "42", "--comm", "numad", "--errors"});
    EXPECT_EQ(e.report.view, ReportView::events);
    EXPECT_EQ(e.report.file, "r.mprec");
    EXPECT_EQ(e.report.filter.tgid, 42u);
    EXPECT_EQ(e.report.filter.comm, "numad");
    EXPECT_TRUE(e.report.filter.errors_only);
    EXPECT_EQ(parse({"report", "-", "--view", "events", "--json"}).report.view, ReportView::events);
    EXPECT_EQ(parse({"report", "r", "--view", "events", "--events"}).report.view,
              ReportView::events);
    EXPECT_FALSE(parse({"report", "r", "--events"}).report.filter.tgid);

    EXPECT_NE(usage_error({"report", "r", "--tgid", "1"}).find("for the events view"),
              std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--view", "top", "--errors"}).find("events view"),
              std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--view", "top", "--events"}).find("disagree"),
              std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--events", "--format", "prometheus"})
                  .find("prometheus is for the stats view"),
              std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--events", "--rows", "3"}).find("top view"),
              std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--events", "--tgid", "0"}).find("--tgid"),
              std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--events", "--comm", "0123456789abcdef"}).find("--comm"),
              std::string::npos);
    EXPECT_NE(usage_error({"report", "r", "--view", "x"}).find("stats, top, events"),
              std::string::npos);
    EXPECT_NE(usage("report").find("--events"), std::string::npos);
    EXPECT_NE(usage("record").find("binary"), std::string::npos);
}
