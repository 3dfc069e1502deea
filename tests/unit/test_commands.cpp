// SPDX-License-Identifier: GPL-2.0
#include "command_fixture.hpp"
#include "commands/commands.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "events_fixture.hpp"
#include "follow/drain.hpp"
#include "read_recording.hpp"
#include "recording/recording.hpp"
#include "replay.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <streambuf>
#include <sys/resource.h>
#include <unistd.h>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

mpmon_stats stats_with_calls(std::uint64_t calls) {
    mpmon_stats s{};
    s.size = sizeof(s);
    s.calls = calls;
    s.ret_zero = calls;
    s.mode_move = calls;
    s.pages_requested = calls * 16;
    s.move.node[1] = calls * 16;
    s.lat_log2[14] = calls;
    s.lat_max_ns = 10000;
    return s;
}

} // namespace

TEST(Commands, Info) {
    ReplayMonitor m(test_info(), {}, {});
    auto r = run(m, {"info"});
    EXPECT_NE(r.out.str().find("probed symbol   sys_move_pages"), std::string::npos) << r.out.str();
    EXPECT_NE(r.out.str().find("2 online, 2 possible"), std::string::npos);
    auto j = nlohmann::json::parse(run(m, {"info", "--json"}).out.str());
    EXPECT_EQ(j["symbol"], "sys_move_pages");
    EXPECT_EQ(j["arch"], "ppc64le");
    EXPECT_EQ(j["enabled"], true);
    EXPECT_EQ(j["nodes"]["online"], 2);
    EXPECT_TRUE(j["filter"].empty());
}

// ABI 1.3: the ring's memory and watermark, when calls become events, the
// readers attached, and where move outcomes come from.
TEST(Commands, InfoOfAnAbi13Module) {
    auto i = test_info();
    i.ring_capacity = 49152;
    i.ring_bytes = 49152ULL * 392;
    i.wakeup_events = 64;
    i.wakeup_ms = 200;
    i.events_mode = MPMON_EVENTS_AUTO;
    i.readers = 1;
    ReplayMonitor m(i, {}, {});
    auto text = run(m, {"info"}).out.str();
    EXPECT_NE(text.find("\nring memory     19,267,584 bytes (18.4 MiB)\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\nring wake-up    at 64 unread events, or 200 ms after the oldest\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\nevents          auto (calls become events only while a reader is "
                        "attached)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\nreaders         1 attached\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\nmove outcome    from a probe on store_status\n"), std::string::npos)
        << text;
    // The new rows follow the event ring's.
    EXPECT_LT(text.find("event ring"), text.find("ring memory"));
    for (std::istringstream in(text); std::getline(in, text);)
        EXPECT_LE(text.size(), 80u) << text;

    auto j = nlohmann::json::parse(run(m, {"info", "--json"}).out.str());
    EXPECT_EQ(j["ring_bytes"], 49152ULL * 392);
    EXPECT_EQ(j["wakeup_events"], 64);
    EXPECT_EQ(j["wakeup_ms"], 200);
    EXPECT_EQ(j["events_mode"], "auto");
    EXPECT_EQ(j["readers"], 1);
    EXPECT_EQ(j["status_probe"], "store_status");
    EXPECT_EQ(j["status_source"], "store_status probe");

    // No status probe: the outcomes are read back; other modes by name.
    i.status_probe[0] = '\0';
    i.status_source = MPMON_STATUS_READBACK;
    i.wakeup_events = 1;
    i.wakeup_ms = 0;
    i.ring_bytes = 512;
    const std::pair<std::uint32_t, const char*> modes[] = {
        {MPMON_EVENTS_ALWAYS, "always"}, {MPMON_EVENTS_NEVER, "never"}, {7, "unknown(7)"}};
    for (const auto& [mode, name] : modes) {
        SCOPED_TRACE(name);
        i.events_mode = mode;
        ReplayMonitor other(i, {}, {});
        text = run(other, {"info"}).out.str();
        EXPECT_NE(text.find("\nmove outcome    read back at return\n"), std::string::npos) << text;
        EXPECT_NE(text.find("\nring wake-up    at 1 unread event\n"), std::string::npos) << text;
        EXPECT_NE(text.find("\nring memory     512 bytes\n"), std::string::npos) << text;
        EXPECT_NE(text.find(fmt::format("\nevents          {}", name)), std::string::npos) << text;
        j = nlohmann::json::parse(run(other, {"info", "--json"}).out.str());
        EXPECT_EQ(j["events_mode"], name);
        EXPECT_TRUE(j["status_probe"].is_null()) << j.dump();
    }
}

// A 1.2 module leaves the 1.3 fields zero: they are not shown, and the
// rest reads as before.
TEST(Commands, InfoOfAnAbi12Module) {
    auto i = test_info();
    i.abi_minor = 2;
    i.ring_bytes = 0;
    i.wakeup_events = 0;
    i.events_mode = MPMON_EVENTS_NEVER;
    i.status_probe[0] = '\0';
    ReplayMonitor m(i, {}, {});
    auto text = run(m, {"info"}).out.str();
    for (const char* gone : {"ring memory", "ring wake-up", "\nevents ", "readers", "read back"})
        EXPECT_EQ(text.find(gone), std::string::npos) << gone << " in\n" << text;
    EXPECT_NE(text.find("\nmove outcome    from the store_status probe\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("(ABI 1.2; mpctl "), std::string::npos) << text;
    auto j = nlohmann::json::parse(run(m, {"info", "--json"}).out.str());
    for (const char* gone :
         {"ring_bytes", "wakeup_events", "wakeup_ms", "events_mode", "readers", "status_probe"})
        EXPECT_FALSE(j.contains(gone)) << gone;
    EXPECT_EQ(j["status_source"], "store_status probe");
}

TEST(Commands, InfoOfAHashLpar) {
    auto i = test_info();
    i.mmu = MPMON_MMU_HASH;
    i.platform = MPMON_PLATFORM_LPAR;
    i.cpu_pvr = 0x004d0200;
    i.hpt_order = 24;
    i.mmu_flags = MPMON_MMUF_1T_SEGMENT;
    i.page_sizes = (1ULL << 12) | (1ULL << 16) | (1ULL << 24);
    std::strcpy(i.cpu_name, "POWER8 (raw)");
    std::strcpy(i.platform_name, "pSeries");
    i.flush_probes = 0x5;
    std::strcpy(i.flush_probe[0], "flush_hash_page");
    std::strcpy(i.flush_probe[2], "flush_hash_hugepage");
    ReplayMonitor m(i, {}, {});
    auto r = i;
    r.mmu = MPMON_MMU_RADIX;
    r.flush_probes = 0xf;
    std::strcpy(r.flush_probe[0], "radix__flush_tlb_page");
    std::strcpy(r.flush_probe[1], "radix__flush_tlb_range");
    std::strcpy(r.flush_probe[2], "radix__flush_pmd_tlb_range");
    std::strcpy(r.flush_probe[3], "radix__flush_tlb_mm");
    ReplayMonitor radix(r, {}, {});
    auto long_text = run(radix, {"info"}).out.str();
    EXPECT_NE(
        long_text.find(
            "flush probes    radix__flush_tlb_page\n                radix__flush_tlb_range\n"),
        std::string::npos)
        << long_text;
    for (std::istringstream in(long_text); std::getline(in, long_text);)
        EXPECT_LE(long_text.size(), 80u) << long_text;
    auto text = run(m, {"info"}).out.str();
    EXPECT_NE(text.find("MMU             hash, HPT 16M, 1T segments"), std::string::npos) << text;
    EXPECT_NE(text.find("page sizes      4K 64K 16M"), std::string::npos) << text;
    EXPECT_NE(text.find("CPU             POWER8 (raw), PVR 0x004d0200"), std::string::npos) << text;
    EXPECT_NE(text.find("platform        pSeries LPAR"), std::string::npos) << text;
    EXPECT_NE(text.find("flush probes    flush_hash_page flush_hash_hugepage"), std::string::npos)
        << text;
    for (std::istringstream in(text); std::getline(in, text);)
        EXPECT_LE(text.size(), 80u) << text;
    auto j = nlohmann::json::parse(run(m, {"info", "--json"}).out.str());
    EXPECT_EQ(j["mmu"]["mode"], "hash");
    EXPECT_EQ(j["mmu"]["hpt_order"], 24);
    EXPECT_EQ(j["mmu"]["segment_1t"], true);
    EXPECT_EQ(j["mmu"]["page_sizes"][2], 16777216);
    EXPECT_EQ(j["mmu"]["flush_probes"][1], "flush_hash_hugepage");
    EXPECT_EQ(j["cpu"]["pvr"], "0x004d0200");
    EXPECT_EQ(j["cpu"]["name"], "POWER8 (raw)");
    EXPECT_EQ(j["cpu"]["architected"], false);
    EXPECT_EQ(j["platform"]["kind"], "lpar");
    EXPECT_EQ(j["platform"]["name"], "pSeries");
    EXPECT_EQ(j["arch"], "ppc64le");
    EXPECT_EQ(j["page_size"], 65536);
}

TEST(Commands, StatsAndReset) {
    ReplayMonitor m(test_info(), {stats_with_calls(5)}, {});
    auto j = nlohmann::json::parse(run(m, {"--json", "stats"}).out.str());
    EXPECT_EQ(j["calls"], 5);
    EXPECT_EQ(j["page_status"]["node1"], 80);
    EXPECT_EQ(m.resets(), 0);
    auto r = run(m, {"stats", "--reset"});
    EXPECT_EQ(m.resets(), 1);
    EXPECT_NE(r.out.str().find("total 5"), std::string::npos) << r.out.str();
}

TEST(Commands, StatsWatchPrintsDeltas) {
    // Cumulative 0, 10, 30, then a reset by someone else (2): never negative.
    ReplayMonitor m(
        test_info(),
        {stats_with_calls(0), stats_with_calls(10), stats_with_calls(30), stats_with_calls(2)}, {});
    auto r = run(m, {"stats", "--json", "--watch", "0.01", "--count", "3"});
    auto l = lines(r.out.str());
    ASSERT_EQ(l.size(), 3u) << r.out.str();
    EXPECT_EQ(nlohmann::json::parse(l[0])["stats"]["calls"], 10);
    EXPECT_EQ(nlohmann::json::parse(l[1])["stats"]["calls"], 20);
    EXPECT_EQ(nlohmann::json::parse(l[2])["stats"]["calls"], 2);
    EXPECT_GT(nlohmann::json::parse(l[0])["interval_s"].get<double>(), 0.0);
    auto text = run(m, {"stats", "--watch", "0.01", "--count", "2"});
    EXPECT_EQ(lines(text.out.str()).size(), 3u) << text.out.str(); // header + 2
}

TEST(Commands, EventsDrainAndFilter) {
    std::vector<mpmon_event> evs = {move_event(10, "alpha", 16, 1), move_event(20, "beta", 16, 1),
                                    move_event(10, "alpha", 1, 1000, -ENODEV),
                                    move_event(30, "gamma", 4, 0)};
    {
        ReplayMonitor m(test_info(), {}, evs);
        auto r = run(m, {"events"});
        EXPECT_EQ(lines(r.out.str()).size(), 4u) << r.out.str();
        EXPECT_TRUE(r.diag.str().empty()) << r.diag.str();
    }
    {
        ReplayMonitor m(test_info(), {}, evs);
        auto l = lines(run(m, {"events", "--json", "--tgid", "10"}).out.str());
        ASSERT_EQ(l.size(), 2u);
        EXPECT_EQ(nlohmann::json::parse(l[1])["result"], "ENODEV");
    }
    {
        ReplayMonitor m(test_info(), {}, evs);
        auto l = lines(run(m, {"events", "--comm", "gamma"}).out.str());
        ASSERT_EQ(l.size(), 1u);
        EXPECT_NE(l[0].find("gamma[30/31]"), std::string::npos);
    }
    {
        ReplayMonitor m(test_info(), {}, evs);
        auto l = lines(run(m, {"events", "--errors"}).out.str());
        ASSERT_EQ(l.size(), 1u);
        EXPECT_NE(l[0].find("ENODEV"), std::string::npos);
    }
    {
        ReplayMonitor m(test_info(), {}, evs);
        EXPECT_EQ(lines(run(m, {"events", "--limit", "3"}).out.str()).size(), 3u);
        // The events beyond the limit stay in the ring for the next reader.
        auto rest = lines(run(m, {"events"}).out.str());
        ASSERT_EQ(rest.size(), 1u);
        EXPECT_NE(rest[0].find("gamma"), std::string::npos);
    }
}

// events=auto with no reader attached: a one-shot drain finds nothing, and
// says why, on stderr only; the exit status is that of an empty ring.
TEST(Commands, EventsWithNoReaderSaysWhyThereAreNone) {
    auto i = test_info();
    i.events_mode = MPMON_EVENTS_AUTO;
    i.readers = 0;
    const std::string hint = "calls become events only while a reader is attached";
    for (bool json : {false, true}) {
        ReplayMonitor m(i, {}, {});
        auto r = json ? run(m, {"events", "--json"}) : run(m, {"events"});
        EXPECT_EQ(r.exit, Exit::ok);
        EXPECT_EQ(r.out.str(), "");
        auto l = lines(r.diag.str());
        ASSERT_EQ(l.size(), 1u) << r.diag.str();
        EXPECT_NE(l[0].find(hint), std::string::npos) << l[0];
        for (const char* way : {"mpctl events --follow", "mpctl record", "events=always"})
            EXPECT_NE(l[0].find(way), std::string::npos) << way << " not in " << l[0];
    }
    // Not when the ring gave events, when a reader is attached, when every
    // call is an event, or while following (this mpctl is the reader).
    {
        ReplayMonitor m(i, {}, {move_event(10, "alpha", 1, 1)});
        auto r = run(m, {"events"});
        EXPECT_EQ(lines(r.out.str()).size(), 1u);
        EXPECT_EQ(r.diag.str(), "");
    }
    {
        // Events the filter left out still came from the ring.
        ReplayMonitor m(i, {}, {move_event(10, "alpha", 1, 1)});
        auto r = run(m, {"events", "--tgid", "11"});
        EXPECT_EQ(r.out.str(), "");
        EXPECT_EQ(r.diag.str(), "");
    }
    auto attached = i;
    attached.readers = 1;
    auto always = i;
    always.events_mode = MPMON_EVENTS_ALWAYS;
    auto never = i;
    never.events_mode = MPMON_EVENTS_NEVER;
    for (const auto& other : {attached, always, never}) {
        ReplayMonitor m(other, {}, {});
        auto r = run(m, {"events"});
        EXPECT_EQ(r.exit, Exit::ok);
        EXPECT_EQ(r.diag.str(), "");
    }
    ReplayMonitor m(i, {}, {});
    auto r = run(m, {"events", "--follow"});
    EXPECT_EQ(r.diag.str().find(hint), std::string::npos) << r.diag.str();
}

TEST(Commands, FollowReportsWhatWasReadAndLost) {
    std::vector<mpmon_event> evs(700, move_event(10, "alpha", 1, 1));
    ReplayMonitor m(test_info(), {}, evs);
    m.set_lost(12);
    auto r = run(m, {"events", "--follow", "--json"});
    EXPECT_EQ(lines(r.out.str()).size(), 700u);
    EXPECT_NE(r.diag.str().find("700 events read, 700 printed"), std::string::npos) << r.diag.str();
    EXPECT_NE(r.diag.str().find("(12 since the last reset)"), std::string::npos) << r.diag.str();
}

// Through a buffer of 1 MiB (2,674 events) the reader is held back by the
// printing; everything is printed all the same, in order, with the summary.
TEST(Commands, FollowAndRecordThroughASmallBuffer) {
    std::vector<mpmon_event> evs;
    for (std::uint32_t i = 0; i < 10000; ++i) {
        evs.push_back(move_event(10, "alpha", 1, 1));
        evs.back().seq = i;
    }
    ReplayMonitor m(test_info(), {}, evs);
    auto r = run(m, {"events", "--follow", "--json", "--buffer", "1"});
    auto printed = lines(r.out.str());
    ASSERT_EQ(printed.size(), 10000u);
    for (std::size_t i = 0; i < printed.size(); i += 997)
        EXPECT_EQ(nlohmann::json::parse(printed[i])["seq"], i);
    EXPECT_NE(r.diag.str().find("10,000 events read, 10,000 printed; 0 dropped"), std::string::npos)
        << r.diag.str();

    ReplayMonitor rm(test_info(), {}, evs);
    auto rec = run(rm, {"record", "-o", "-", "--buffer", "1", "--limit", "7000"});
    std::istringstream file(rec.out.str());
    auto recording = read_recording(file);
    ASSERT_EQ(recording.events.size(), 7000u);
    for (std::size_t i = 0; i < recording.events.size(); i += 997)
        EXPECT_EQ(recording.events[i].seq, i);
    EXPECT_EQ(recording.events.back().seq, 6999u);
    ASSERT_TRUE(recording.end.has_value());
    EXPECT_EQ(recording.end->events, 7000u);
    std::vector<mpmon_event> rest(10000);
    EXPECT_EQ(rm.read_events(rest).count, 3000u); // the rest stay in the ring
}

namespace {
// A replay that notes the nice value of the thread reading its ring.
class NiceOfTheReader final : public Monitor {
public:
    explicit NiceOfTheReader(std::vector<mpmon_event> events)
        : replay_(test_info(), {}, std::move(events)) {}
    std::atomic<int> nice{100};
    mpmon_info info() override { return replay_.info(); }
    mpmon_stats stats() override { return replay_.stats(); }
    mpmon_stats stats_and_reset() override { return replay_.stats_and_reset(); }
    ReadResult read_events(std::span<mpmon_event> buf) override {
        nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
        return replay_.read_events(buf);
    }
    Wait wait_events(std::chrono::milliseconds timeout, const Interrupt& intr) override {
        return replay_.wait_events(timeout, intr);
    }
    void reset() override { replay_.reset(); }
    void set_enabled(bool on) override { replay_.set_enabled(on); }
    void set_filter(const mpmon_filter& filter) override { replay_.set_filter(filter); }
    mpmon_filter filter() override { return replay_.filter(); }

private:
    ReplayMonitor replay_;
};
} // namespace

// --boost raises the reader of events --follow and record, nobody else.
TEST(Commands, BoostRaisesTheReaderOnly) {
    const int base = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    std::vector<mpmon_event> evs(10, move_event(10, "alpha", 1, 1));
    NiceOfTheReader plain(evs);
    EXPECT_EQ(run(plain, {"record", "-o", "-"}).exit, Exit::ok);
    EXPECT_EQ(plain.nice, base);
    for (auto args : {std::vector<const char*>{"record", "-o", "-", "--boost", "3"},
                      std::vector<const char*>{"events", "-f", "--json", "--boost", "3"}}) {
        NiceOfTheReader boosted(evs);
        try {
            auto r = run(boosted, args);
            ASSERT_EQ(r.exit, Exit::ok) << r.diag.str();
        } catch (const Error& e) {
            ASSERT_EQ(e.code(), Exit::permission) << e.what();
            EXPECT_NE(std::string(e.what()).find("CAP_SYS_NICE"), std::string::npos) << e.what();
            GTEST_SKIP() << "not permitted to raise a thread's priority: " << e.what();
        }
        EXPECT_EQ(boosted.nice, std::max(base - 3, -20));
        EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())), base);
    }
}

namespace {
// An output that accepts limit bytes, then fails like a closed pipe.
class ClosingBuf : public std::streambuf {
public:
    explicit ClosingBuf(std::size_t limit) : left_(limit) {}

protected:
    int_type overflow(int_type c) override {
        if (left_ == 0)
            return traits_type::eof();
        --left_;
        return c;
    }

private:
    std::size_t left_;
};
} // namespace

TEST(Commands, ClosedOutputEndsQuietly) {
    // More than the reader may read ahead of the printing (--buffer 1: 1 MiB
    // of events) and the one batch whose printing failed.
    const std::size_t ahead = (std::size_t{1} << 20) / sizeof(mpmon_event) + drain_batch;
    std::vector<mpmon_event> evs(ahead + 1000, move_event(10, "alpha", 1, 1));
    ReplayMonitor m(test_info(), {}, evs);
    ClosingBuf buf(1000);
    std::ostream out(&buf);
    std::ostringstream diag;
    auto options =
        parse_options(std::vector<const char*>{"mpctl", "events", "--follow", "--buffer", "1"});
    auto clock = Clock::fixed(0);
    Interrupt never{Interrupt::Never{}};
    Context ctx{m, out, diag, clock, never};
    EXPECT_EQ(run_command(options, ctx), Exit::ok);
    EXPECT_TRUE(diag.str().empty()) << diag.str();
    // It stopped at the first failed batch instead of draining everything.
    std::vector<mpmon_event> rest(evs.size());
    EXPECT_GE(m.read_events(rest).count, 1000u);
}

TEST(Commands, Top) {
    std::vector<mpmon_event> evs = {move_event(10, "alpha", 16, 1), move_event(10, "alpha", 16, 1),
                                    move_event(20, "beta", 512, 1)};
    ReplayMonitor m(test_info(), {}, evs);
    auto r = run(m, {"top", "--interval", "0.01", "--count", "1", "--json"});
    auto j = nlohmann::json::parse(r.out.str());
    EXPECT_EQ(j["events"], 3);
    EXPECT_EQ(j["callers"][0]["comm"], "alpha");
    EXPECT_EQ(j["callers"][1]["pages"], 512);
}

TEST(Commands, ControlAndFilter) {
    ReplayMonitor m(test_info(), {}, {});
    EXPECT_EQ(run(m, {"disable"}).out.str(), "mpmon: recording stopped\n");
    EXPECT_EQ(m.info().enabled, 0u);
    EXPECT_EQ(run(m, {"--json", "enable"}).out.str(), "{\"enabled\":true}\n");
    EXPECT_EQ(m.info().enabled, 1u);
    run(m, {"reset"});
    EXPECT_EQ(m.resets(), 1);

    auto r = run(m, {"filter", "--tgid", "42", "--comm", "mpwork"});
    EXPECT_EQ(r.out.str(), "filter: tgid 42, comm \"mpwork\"\n");
    auto f = m.filter();
    EXPECT_EQ(f.mask, MPMON_FILTER_TGID | MPMON_FILTER_COMM);
    EXPECT_EQ(f.tgid, 42u);
    EXPECT_STREQ(f.comm, "mpwork");
    EXPECT_EQ(f.uid, 0u);
    EXPECT_EQ(f.__reserved0, 0u);
    auto j = nlohmann::json::parse(run(m, {"filter", "--json"}).out.str());
    EXPECT_EQ(j["filter"]["tgid"], 42);
    run(m, {"filter", "--clear"});
    EXPECT_EQ(m.filter().mask, 0u);
    EXPECT_EQ(run(m, {"filter"}).out.str(), "filter: none (every call is recorded)\n");
}
