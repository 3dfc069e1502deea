// SPDX-License-Identifier: GPL-2.0
// Timestamps for machines: RFC 3339 with the zone's offset, e.g. in
// mpctl stats --watch --json, where a bare local HH:MM:SS names no day and
// no zone.
#include "command_fixture.hpp"
#include "output/clock.hpp"
#include "replay.hpp"

#include <cstdlib>
#include <ctime>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS+HH:MM" (RFC 3339, whole
// seconds, numeric offset); nullopt for anything else.
std::optional<std::int64_t> parse_rfc3339(const std::string& text) {
    static const std::regex form(
        R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-])(\d\d):(\d\d))");
    std::smatch m;
    if (!std::regex_match(text, m, form))
        return std::nullopt;
    auto n = [&](std::size_t k) { return std::stoi(m[k].str()); };
    tm parts{};
    parts.tm_year = n(1) - 1900;
    parts.tm_mon = n(2) - 1;
    parts.tm_mday = n(3);
    parts.tm_hour = n(4);
    parts.tm_min = n(5);
    parts.tm_sec = n(6);
    std::int64_t offset = (n(8) * 60 + n(9)) * 60 * (m[7] == "-" ? -1 : 1);
    return static_cast<std::int64_t>(timegm(&parts)) - offset;
}

std::int64_t seconds_of(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return ts.tv_sec;
}

// TZ set for the scope of a test, then put back.
class ZoneFor {
public:
    explicit ZoneFor(const char* tz) {
        if (const char* old = std::getenv("TZ"))
            old_ = old;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~ZoneFor() {
        if (old_)
            ::setenv("TZ", old_->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    ZoneFor(const ZoneFor&) = delete;
    ZoneFor& operator=(const ZoneFor&) = delete;

private:
    std::optional<std::string> old_;
};

} // namespace

TEST(Clock, StatsWatchJsonStampsRfc3339) {
    ReplayMonitor m(test_info(), {mpmon_stats{}}, {});
    // The fixture's clock is UTC, the monotonic clock taken as wall time.
    auto before = seconds_of(CLOCK_MONOTONIC);
    auto r = run(m, {"stats", "--json", "--watch", "0.01", "--count", "2"});
    auto after = seconds_of(CLOCK_MONOTONIC);
    auto l = lines(r.out.str());
    ASSERT_EQ(l.size(), 2u) << r.out.str();
    for (const auto& line : l) {
        auto time = nlohmann::json::parse(line)["time"].get<std::string>();
        auto at = parse_rfc3339(time);
        ASSERT_TRUE(at) << time;
        EXPECT_TRUE(time.ends_with("+00:00")) << time;
        EXPECT_GE(*at, before) << time;
        EXPECT_LE(*at, after) << time;
    }
    // The text form keeps its HH:MM:SS column.
    auto text = lines(run(m, {"stats", "--watch", "0.01", "--count", "1"}).out.str());
    ASSERT_EQ(text.size(), 2u);
    EXPECT_TRUE(std::regex_search(text[1], std::regex(R"(^\d\d:\d\d:\d\d )"))) << text[1];
}

TEST(Clock, LocalTimeCarriesItsOffset) {
    for (const char* zone : {"XST-5:30", "YST+3", "UTC0"}) {
        SCOPED_TRACE(zone);
        ZoneFor tz(zone);
        auto before = seconds_of(CLOCK_REALTIME);
        auto text = Clock::system().now_rfc3339();
        auto after = seconds_of(CLOCK_REALTIME);
        auto at = parse_rfc3339(text);
        ASSERT_TRUE(at) << text;
        EXPECT_GE(*at, before) << text;
        EXPECT_LE(*at, after) << text;
        std::string want = std::string(zone) == "XST-5:30" ? "+05:30"
                           : std::string(zone) == "YST+3"  ? "-03:00"
                                                           : "+00:00";
        EXPECT_TRUE(text.ends_with(want)) << text;
    }
}
