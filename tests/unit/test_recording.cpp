// SPDX-License-Identifier: GPL-2.0
// mpctl record / report / export and the Prometheus format.
#include "command_fixture.hpp"
#include "commands/cli.hpp"
#include "commands/commands.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "events_fixture.hpp"
#include "jsonl_recording.hpp"
#include "model/aggregate.hpp"
#include "output/format_info.hpp"
#include "output/format_prometheus.hpp"
#include "output/format_stats.hpp"
#include "output/textfile.hpp"
#include "read_recording.hpp"
#include "recording/parse_info_json.hpp"
#include "recording/recording.hpp"
#include "replay.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

mpmon_info power_info(bool big_endian) {
    mpmon_info i = test_info();
    std::strcpy(i.module_version, "1.2.0");
    std::strcpy(i.symbol, "__se_sys_move_pages");
    i.arch = big_endian ? MPMON_ARCH_PPC64 : MPMON_ARCH_PPC64LE;
    i.big_endian = big_endian ? 1 : 0;
    i.mmu = MPMON_MMU_HASH;
    i.platform = MPMON_PLATFORM_LPAR;
    i.cpu_pvr = big_endian ? 0x003f0201 : 0x004d0200;
    i.mmu_flags = MPMON_MMUF_1T_SEGMENT;
    i.hpt_order = 24;
    i.page_sizes = (1ULL << 12) | (1ULL << 16) | (1ULL << 24);
    std::strcpy(i.cpu_name, big_endian ? "POWER7 (raw)" : "POWER8 (raw)");
    std::strcpy(i.platform_name, "pSeries");
    i.flush_probes = 0x3;
    std::strcpy(i.flush_probe[0], "flush_hash_page");
    std::strcpy(i.flush_probe[1], "flush_hash_hugepage");
    return i;
}

std::vector<mpmon_event> capture() {
    std::ifstream in(MPCTL_TEST_DATA "/power8-hash-events.jsonl");
    EXPECT_TRUE(in) << "missing capture";
    return read_event_lines(in);
}

// A scratch directory, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mpctl-test.XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

} // namespace

// The kernel's counters of a real run (emulated POWER8, hash MMU), rebuilt
// from that run's events: Aggregate must count the way the module does.
TEST(Aggregate, EventsOfARunGiveTheKernelsCounters) {
    Aggregate agg;
    for (const auto& ev : capture())
        agg.add(ev);
    std::ifstream st_in(MPCTL_TEST_DATA "/power8-hash-stats.json");
    auto kernel = nlohmann::json::parse(st_in);
    auto mine = nlohmann::json::parse(stats_json(agg.view(power_info(false))).dump());
    for (const char* key :
         {"calls", "errors", "returns", "modes", "flags", "pages", "page_status", "query_status"})
        EXPECT_EQ(mine[key], kernel[key]) << key;
    for (const char* key : {"count", "sum", "max", "p50", "p90", "p99", "log2"})
        EXPECT_EQ(mine["latency_ns"][key], kernel["latency_ns"][key]) << key;
}

TEST(Aggregate, FlushWorkPerPlacedPage) {
    Aggregate agg;
    auto ev = move_event(1, "a", 16, 1);
    ev.flush_calls = 8; // 8 * 4 / 16 = 2: fls64 = 2
    ev.flush_pages = 16;
    agg.add(ev);
    auto failed = move_event(1, "a", 16, 1, -EPERM);
    failed.flush_calls = 3; // counted in the totals, not in the ratio
    agg.add(failed);
    EXPECT_EQ(agg.stats().flush_ratio[2], 1u);
    EXPECT_EQ(agg.flush_calls(), 11u);
    auto v = agg.view(power_info(false));
    EXPECT_EQ(v.mmu.flush_calls, 11u);
    EXPECT_EQ(v.mmu.flush_pages, 16u);
    EXPECT_TRUE(v.mmu.functions.empty());
    EXPECT_EQ(agg.stats().ret_errno[EPERM], 1u);
}

// ABI 1.3: entries of inexact calls are counted as the module counts them,
// in pages_unknown (calls that returned >= 0), not in pages_not_written.
TEST(Aggregate, PagesUnknownOfInexactCalls) {
    Aggregate agg;
    auto ev = move_event(1, "a", 16, 1);
    ev.ret = 4;
    ev.flags = MPMON_EV_INEXACT;
    ev.pages_written = 0;
    ev.pages_unknown = 16;
    agg.add(ev);
    auto failed = move_event(1, "a", 8, 1, -EPERM);
    failed.pages_unknown = 8; // a crafted event: a failed call writes no status
    agg.add(failed);
    EXPECT_EQ(agg.stats().pages_unknown, 16u);
    EXPECT_EQ(agg.stats().pages_not_written, 0u);
    EXPECT_EQ(agg.stats().ret_positive, 1u);
}

TEST(InfoJson, ReadsBackWhatItPrinted) {
    for (bool be : {false, true}) {
        auto info = power_info(be);
        auto back = info_from_json(info_json(info, mpmon_filter{}));
        EXPECT_EQ(info_json(back, mpmon_filter{}), info_json(info, mpmon_filter{}));
        EXPECT_EQ(back.arch, info.arch);
        EXPECT_EQ(back.big_endian, info.big_endian);
        EXPECT_EQ(back.cpu_pvr, info.cpu_pvr);
        EXPECT_EQ(back.page_sizes, info.page_sizes);
        EXPECT_STREQ(back.flush_probe[1], info.flush_probe[1]);
    }
    auto j = nlohmann::json::parse(info_json(power_info(false), mpmon_filter{}).dump());
    j["arch"] = "vax";
    EXPECT_THROW(info_from_json(j), std::exception);
}

// ABI 1.3's fields go into a recording's header and come back; a header
// of an older module or mpctl has none, and they read as 0.
TEST(InfoJson, Abi13FieldsRoundTrip) {
    auto info = power_info(false);
    info.ring_bytes = 18874368;
    info.wakeup_events = 64;
    info.wakeup_ms = 250;
    info.events_mode = MPMON_EVENTS_AUTO;
    info.readers = 2;
    info.migrate_sources =
        MPMON_MIGRATE_RUNS | MPMON_MIGRATE_STAYED | MPMON_MIGRATE_REASONS | MPMON_MIGRATE_THP;
    info.inval_sources = MPMON_INVAL_TLBIE | MPMON_INVAL_HCALL;
    for (const char* probe : {"store_status", ""}) {
        std::strcpy(info.status_probe, probe);
        auto back = info_from_json(nlohmann::json::parse(info_json(info, mpmon_filter{}).dump()));
        EXPECT_EQ(back.migrate_sources, info.migrate_sources);
        EXPECT_EQ(back.inval_sources, info.inval_sources);
        EXPECT_EQ(back.ring_bytes, info.ring_bytes);
        EXPECT_EQ(back.wakeup_events, 64u);
        EXPECT_EQ(back.wakeup_ms, 250u);
        EXPECT_EQ(back.events_mode, static_cast<std::uint32_t>(MPMON_EVENTS_AUTO));
        EXPECT_EQ(back.readers, 2u);
        EXPECT_STREQ(back.status_probe, probe);
        EXPECT_EQ(info_json(back, mpmon_filter{}), info_json(info, mpmon_filter{}));
    }
    info.events_mode = 9; // a mode of a later module reads back too
    EXPECT_EQ(
        info_from_json(nlohmann::json::parse(info_json(info, mpmon_filter{}).dump())).events_mode,
        9u);

    auto j = nlohmann::json::parse(info_json(info, mpmon_filter{}).dump());
    for (const char* key :
         {"ring_bytes", "wakeup_events", "wakeup_ms", "events_mode", "readers", "status_probe"})
        j.erase(key);
    auto old = info_from_json(j);
    EXPECT_EQ(old.ring_bytes, 0u);
    EXPECT_EQ(old.wakeup_events, 0u);
    EXPECT_EQ(old.events_mode, 0u);
    EXPECT_EQ(old.readers, 0u);
    EXPECT_STREQ(old.status_probe, "");
    EXPECT_EQ(old.cpu_pvr, info.cpu_pvr);

    j = nlohmann::json::parse(info_json(info, mpmon_filter{}).dump());
    j["events_mode"] = "sometimes";
    EXPECT_THROW(info_from_json(j), std::exception);
    j["events_mode"] = 1;
    EXPECT_THROW(info_from_json(j), std::exception);
}

// Recordings made by mpctl for ABI 1.2 modules (tests/unit/data) still read.
TEST(InfoJson, RecordingsOfAbi12ModulesRead) {
    std::ifstream in(MPCTL_TEST_DATA "/power8-hash.recording.jsonl");
    auto r = read_recording(in);
    EXPECT_EQ(r.info.abi_minor, 2u);
    EXPECT_EQ(r.info.events_mode, 0u);
    EXPECT_EQ(r.info.ring_bytes, 0u);
    EXPECT_STREQ(r.info.status_probe, "");
    EXPECT_FALSE(info_json(r.info, mpmon_filter{}).contains("events_mode"));
}

// record drains what the kernel hands out; report rebuilds the stats of it.
TEST(Record, ThenReportGivesTheSameCounters) {
    auto events = capture();
    ReplayMonitor m(power_info(false), {}, events);
    m.set_lost(7);
    auto rec = run(m, {"record", "-o", "-"});
    ASSERT_EQ(rec.exit, Exit::ok);
    EXPECT_EQ(rec.out.str().rfind("MPMONREC", 0), 0u);
    std::istringstream in(rec.out.str());
    auto r = read_recording(in);
    EXPECT_EQ(r.header.kind, RecordingKind::binary);
    EXPECT_STREQ(r.info.cpu_name, "POWER8 (raw)");
    EXPECT_FALSE(r.header.system.machine.empty());
    EXPECT_EQ(r.header.mpctl_version, MPCTL_VERSION);
    EXPECT_TRUE(r.warnings.empty());
    ASSERT_EQ(r.events.size(), events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        EXPECT_EQ(std::memcmp(&r.events[i], &events[i], sizeof(mpmon_event)), 0) << i;
    ASSERT_TRUE(r.end);
    EXPECT_EQ(r.end->events, events.size());
    EXPECT_EQ(r.end->ring_dropped, 0u); // lost before recording started
    EXPECT_NE(rec.diag.str().find("recorded 42 events"), std::string::npos) << rec.diag.str();

    auto rep = run_report(rec.out.str(), {"--json"});
    ASSERT_EQ(rep.exit, Exit::ok);
    EXPECT_EQ(rep.diag.str(), "");
    auto j = nlohmann::json::parse(rep.out.str());
    std::ifstream st_in(MPCTL_TEST_DATA "/power8-hash-stats.json");
    auto kernel = nlohmann::json::parse(st_in);
    for (const char* key : {"calls", "returns", "page_status", "query_status"})
        EXPECT_EQ(j[key], kernel[key]) << key;
    EXPECT_EQ(j["recording"]["events"], 42);
    EXPECT_EQ(j["recording"]["complete"], true);
    EXPECT_EQ(j["recording"]["format"], "binary");

    auto text = run_report(rec.out.str(), {}).out.str();
    EXPECT_EQ(text.rfind("recording rec.jsonl: 42 events over ", 0), 0u) << text;
    EXPECT_NE(text.find("(POWER8 (raw), hash MMU); 0 lost while recording"), std::string::npos)
        << text;

    auto top =
        nlohmann::json::parse(run_report(rec.out.str(), {"--view", "top", "--json"}).out.str());
    EXPECT_EQ(top["callers"][0]["comm"], "mpwork");
    EXPECT_EQ(top["callers"][0]["calls"], 42);
}

// ABI 1.3 in a recording: the header's info and the events' inexact
// outcomes come back, and the report counts their entries as pages_unknown.
TEST(Record, Abi13FieldsRoundTripThroughARecording) {
    auto info = power_info(false);
    info.ring_bytes = 18874368;
    info.events_mode = MPMON_EVENTS_AUTO;
    info.readers = 1;
    info.status_probe[0] = '\0';
    info.status_source = MPMON_STATUS_READBACK;
    auto inexact = move_event(5, "w", 16, 1);
    inexact.ret = 16;
    inexact.flags = MPMON_EV_INEXACT;
    inexact.status_written = 0; // no entry known written
    std::fill(std::begin(inexact.status), std::end(inexact.status), 0);
    inexact.nr_node_pages = 0;
    inexact.node_pages[0] = {};
    inexact.pages_written = 0;
    inexact.pages_unknown = 16;
    ReplayMonitor m(info, {}, {move_event(4, "w", 2, 0), inexact});
    auto rec = run(m, {"record", "-o", "-"});
    ASSERT_EQ(rec.exit, Exit::ok);
    std::istringstream in(rec.out.str());
    auto r = read_recording(in);
    EXPECT_EQ(r.info.ring_bytes, 18874368u);
    EXPECT_EQ(r.info.events_mode, static_cast<std::uint32_t>(MPMON_EVENTS_AUTO));
    EXPECT_EQ(r.info.readers, 1u);
    EXPECT_STREQ(r.info.status_probe, "");
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(std::memcmp(&r.events[1], &inexact, sizeof(inexact)), 0);

    auto j = nlohmann::json::parse(run_report(rec.out.str(), {"--json"}).out.str());
    EXPECT_EQ(j["pages_unknown"], 16);
    EXPECT_EQ(j["pages"]["not_written"], 0);
    EXPECT_EQ(j["events_off"], 0); // calls with no event are not in a recording
    auto text = run_report(rec.out.str(), {}).out.str();
    EXPECT_NE(text.find("\ninexact      pages_unknown 16\n"), std::string::npos) << text;
    auto prom = run_report(rec.out.str(), {"--format", "prometheus"}).out.str();
    EXPECT_NE(prom.find("\nmpmon_pages_unknown_total 16\n"), std::string::npos) << prom;
}

TEST(Record, LimitAndLostWhileRecording) {
    std::vector<mpmon_event> events;
    for (std::uint32_t i = 0; i < 10; ++i)
        events.push_back(move_event(100 + i, "w", 1, 0));
    ReplayMonitor m(power_info(false), {}, events);
    auto rec = run(m, {"record", "-o", "-", "--limit", "4"});
    std::istringstream in(rec.out.str());
    auto r = read_recording(in);
    ASSERT_EQ(r.events.size(), 4u);
    EXPECT_EQ(r.events[3].tgid, 103u);
    ASSERT_TRUE(r.end);
    EXPECT_EQ(r.end->events, 4u);
    // The other six stay in the ring for the next reader.
    std::array<mpmon_event, 16> rest{};
    EXPECT_EQ(m.read_events(rest).count, 6u);
}

TEST(Record, ToAFileAndErrors) {
    TempDir dir;
    auto path = (dir.path / "r.jsonl").string();
    ReplayMonitor m(power_info(true), {}, {move_event(5, "be", 3, 1)});
    ASSERT_EQ(run(m, {"record", "-o", path.c_str()}).exit, Exit::ok);
    std::ifstream in(path);
    auto r = read_recording(in);
    EXPECT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.info.big_endian, 1u);
    EXPECT_EQ(r.info.arch, static_cast<std::uint32_t>(MPMON_ARCH_PPC64));
    ASSERT_TRUE(r.end);

    auto missing = (dir.path / "no" / "r.jsonl").string();
    try {
        run(m, {"record", "-o", missing.c_str()});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Exit::failure);
        EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos)
            << e.what();
    }
}

TEST(Report, BigEndianRecordingReadsTheSame) {
    auto ev = move_event(5, "p7", 16, 1);
    ev.latency_ns = 40000;
    ReplayMonitor m(power_info(true), {}, {ev, ev, move_event(6, "p7", 2, 0, -ENODEV)});
    auto rec = run(m, {"record", "-o", "-"});
    auto j = nlohmann::json::parse(run_report(rec.out.str(), {"--json"}).out.str());
    EXPECT_EQ(j["calls"], 3);
    EXPECT_EQ(j["page_status"]["node1"], 32);
    EXPECT_EQ(j["returns"]["ENODEV"], 1);
    auto text = run_report(rec.out.str(), {}).out.str();
    EXPECT_NE(text.find("POWER7 (raw), hash MMU"), std::string::npos) << text;
}

// The JSON Lines recordings of mpctl 1.3 still read, cut short or not.
TEST(Report, CutShortOrDamagedJsonLinesRecordings) {
    auto whole =
        jsonl_recording(power_info(false), {move_event(1, "a", 1, 0), move_event(2, "b", 1, 1)});
    auto l = lines(whole);
    // No end line: still read, with a warning.
    std::string cut = l[0] + "\n" + l[1] + "\n" + l[2] + "\n";
    auto r = run_report(cut, {"--json"});
    EXPECT_EQ(nlohmann::json::parse(r.out.str())["calls"], 2);
    EXPECT_NE(r.diag.str().find("cut short"), std::string::npos) << r.diag.str();
    // Half a line at the end (killed while writing).
    auto half = l[0] + "\n" + l[1] + "\n" + l[2].substr(0, l[2].size() / 2);
    r = run_report(half, {"--json"});
    EXPECT_EQ(nlohmann::json::parse(r.out.str())["calls"], 1);
    EXPECT_NE(r.diag.str().find("half-written"), std::string::npos) << r.diag.str();

    auto error_of = [](const std::string& text) -> std::string {
        try {
            run_report(text, {});
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Exit::failure);
            return e.what();
        }
        ADD_FAILURE() << "no error for " << text;
        return {};
    };
    EXPECT_NE(error_of("").find("empty file"), std::string::npos);
    EXPECT_NE(error_of("{hello\n").find("rec.jsonl: line 1: not an mpctl recording"),
              std::string::npos);
    EXPECT_NE(error_of("hello\n").find("rec.jsonl: byte 0: not an mpctl recording"),
              std::string::npos);
    EXPECT_NE(error_of(l[1] + "\n").find("no mpmon_recording header"), std::string::npos);
    auto v2 = nlohmann::json::parse(l[0]);
    v2["mpmon_recording"] = 2;
    EXPECT_NE(error_of(v2.dump() + "\n").find("recording format 2"), std::string::npos);
    EXPECT_NE(error_of(l[0] + "\n{\"seq\": 1}\n").find("line 2"), std::string::npos);
    EXPECT_NE(error_of(l[0] + "\n" + l[3] + "\n" + l[1] + "\n").find("after the end"),
              std::string::npos);
}

// Recordings made by mpctl record in the emulated guests
// (scripts/capture-recording), with the kernel's stats of the same run: the
// report on this little-endian x86 host must give the kernel's counters,
// whatever the byte order of the machine that recorded.
TEST(Report, RecordingsOfRealRunsGiveTheKernelsCounters) {
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(MPCTL_TEST_DATA)) {
        auto name = entry.path().filename().string();
        const std::string suffix = ".recording.jsonl";
        if (!name.ends_with(suffix))
            continue;
        auto cell = name.substr(0, name.size() - suffix.size());
        SCOPED_TRACE(cell);
        std::ifstream rec_in(entry.path());
        std::stringstream rec;
        rec << rec_in.rdbuf();
        auto r = run_report(rec.str(), {"--json"});
        EXPECT_EQ(r.diag.str(), "");
        auto mine = nlohmann::json::parse(r.out.str());
        std::ifstream st_in(entry.path().parent_path() / (cell + ".stats.json"));
        ASSERT_TRUE(st_in) << "no stats of " << cell;
        auto kernel = nlohmann::json::parse(st_in);
        EXPECT_GT(kernel["calls"].get<int>(), 0);
        for (const char* key : {"calls", "errors", "returns", "modes", "flags", "pages",
                                "page_status", "query_status", "latency_ns"})
            EXPECT_EQ(mine[key], kernel[key]) << key;
        EXPECT_EQ(mine["mmu"]["flush_calls"], kernel["mmu"]["flush_calls"]);
        EXPECT_EQ(mine["mmu"]["flush_pages"], kernel["mmu"]["flush_pages"]);
        EXPECT_EQ(mine["lost"]["ring_dropped"], 0);
        std::istringstream again(rec.str());
        auto parsed = read_recording(again);
        EXPECT_EQ(parsed.header.kind, RecordingKind::json_lines);
        if (cell == "power7-be") {
            EXPECT_EQ(parsed.info.big_endian, 1u);
            EXPECT_EQ(parsed.info.arch, static_cast<std::uint32_t>(MPMON_ARCH_PPC64));
            EXPECT_EQ(parsed.header.system.machine, "ppc64");
        }
        ++checked;
    }
    EXPECT_GE(checked, 2u);
}

// The rules of the text exposition format that promtool checks too, so a
// mistake shows here first: HELP and TYPE once before a family's samples,
// counters named _total, cumulative histogram buckets ending in +Inf.
TEST(Prometheus, WellFormedExposition) {
    Aggregate agg;
    for (const auto& ev : capture())
        agg.add(ev);
    auto stats = agg.stats();
    stats.ring_dropped = 3;
    auto info = power_info(false);
    auto text = prometheus_text(stats, agg.view(info), info);
    std::map<std::string, std::string> type;
    std::set<std::string> seen_families;
    std::string current;
    std::uint64_t last_bucket = 0, inf = 0, count = 0;
    const std::regex sample(R"(^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$)");
    for (const auto& line : lines(text)) {
        std::smatch m;
        if (line.rfind("# HELP ", 0) == 0) {
            current = line.substr(7, line.find(' ', 7) - 7);
            EXPECT_TRUE(seen_families.insert(current).second) << "HELP twice: " << line;
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            auto rest = line.substr(7);
            auto name = rest.substr(0, rest.find(' '));
            EXPECT_EQ(name, current) << line;
            type[name] = rest.substr(rest.find(' ') + 1);
            if (type[name] == "counter") {
                EXPECT_TRUE(name.ends_with("_total")) << name;
            }
            continue;
        }
        ASSERT_TRUE(std::regex_match(line, m, sample)) << line;
        std::string name = m[1];
        EXPECT_EQ(name.rfind(current, 0), 0u) << name << " outside its family " << current;
        if (name == "mpmon_call_duration_seconds_bucket") {
            auto v = std::stoull(m[3]);
            EXPECT_GE(v, last_bucket) << line;
            last_bucket = v;
            if (m[2] == "{le=\"+Inf\"}")
                inf = v;
        }
        if (name == "mpmon_call_duration_seconds_count")
            count = std::stoull(m[3]);
    }
    EXPECT_EQ(type["mpmon_call_duration_seconds"], "histogram");
    EXPECT_EQ(inf, 42u);
    EXPECT_EQ(count, 42u);
    EXPECT_NE(text.find("mpmon_calls_total{mode=\"move\"} 22\n"), std::string::npos);
    EXPECT_NE(text.find("mpmon_call_results_total{result=\"ENODEV\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("mpmon_pages_on_node_total{mode=\"query\",node=\"1\"} 160\n"),
              std::string::npos);
    EXPECT_NE(text.find("mpmon_page_errors_total{mode=\"move\",errno=\"EFAULT\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("mpmon_ring_dropped_events_total 3\n"), std::string::npos);
    // Bucket bounds and the sum in exact decimal seconds.
    EXPECT_NE(text.find("_bucket{le=\"0.000001023\"} 0\n"), std::string::npos);
    EXPECT_NE(text.find("_bucket{le=\"68.719476735\"} 42\n"), std::string::npos);
    EXPECT_NE(text.find("mpmon_call_duration_seconds_sum 0.023366483\n"), std::string::npos);
    EXPECT_NE(text.find("cpu=\"POWER8 (raw)\""), std::string::npos);
}

TEST(Prometheus, PagesUnknownAndEventsOff) {
    mpmon_stats s{};
    s.size = sizeof(s);
    s.pages_unknown = 7;
    s.events_off = 123;
    auto info = power_info(false);
    auto text = prometheus_text(s, make_view(s, info), info);
    EXPECT_NE(text.find("# TYPE mpmon_pages_unknown_total counter\nmpmon_pages_unknown_total 7\n"),
              std::string::npos)
        << text;
    EXPECT_NE(
        text.find(
            "# TYPE mpmon_events_off_calls_total counter\nmpmon_events_off_calls_total 123\n"),
        std::string::npos)
        << text;
    // Always there, as Prometheus wants (0 from a module before ABI 1.3).
    mpmon_stats zero{};
    auto none = prometheus_text(zero, make_view(zero, info), info);
    EXPECT_NE(none.find("\nmpmon_pages_unknown_total 0\n"), std::string::npos);
    EXPECT_NE(none.find("\nmpmon_events_off_calls_total 0\n"), std::string::npos);
}

TEST(Prometheus, LabelValuesAreEscaped) {
    auto info = power_info(false);
    std::strcpy(info.cpu_name, "a\"b\\c");
    mpmon_stats s{};
    auto text = prometheus_text(s, make_view(s, info), info);
    EXPECT_NE(text.find(R"(cpu="a\"b\\c")"), std::string::npos) << text;
}

TEST(Export, WritesTheTextfileAtomically) {
    TempDir dir;
    mpmon_stats s{};
    s.size = sizeof(s);
    s.calls = s.mode_query = s.ret_zero = 5;
    ReplayMonitor m(power_info(false), {s}, {});
    auto r = run(m, {"export", "--textfile-dir", dir.path.c_str()});
    ASSERT_EQ(r.exit, Exit::ok);
    std::ifstream in(dir.path / "mpmon.prom");
    std::stringstream content;
    content << in.rdbuf();
    auto info = power_info(false);
    EXPECT_EQ(content.str(), prometheus_text(s, make_view(s, info), info));
    // Nothing else is left in the directory (no temporary file).
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator(dir.path))
        ++files;
    EXPECT_EQ(files, 1u);
    EXPECT_NE(r.diag.str().find("mpmon.prom"), std::string::npos);

    auto gone = (dir.path / "gone").string();
    try {
        run(m, {"export", "--textfile-dir", gone.c_str()});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(gone), std::string::npos) << e.what();
    }
}

TEST(ReplaceFile, ReplacesAndCleansUp) {
    TempDir dir;
    replace_file(dir.path.string(), "x.prom", "one\n");
    replace_file(dir.path.string(), "x.prom", "two\n");
    std::ifstream in(dir.path / "x.prom");
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "two");
    // A directory where the file should go: rename fails, the temp is removed.
    std::filesystem::create_directory(dir.path / "d.prom");
    std::filesystem::create_directory(dir.path / "d.prom" / "sub");
    EXPECT_THROW(replace_file(dir.path.string(), "d.prom", "x"), Error);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator(dir.path))
        ++files;
    EXPECT_EQ(files, 2u);
}

TEST(Cli, ExportRecordReportOptions) {
    auto e = parse({"export", "--textfile-dir", "/d", "--interval", "15", "--count", "2"});
    EXPECT_EQ(e.command, Command::export_textfile);
    EXPECT_EQ(e.export_textfile.textfile_dir, "/d");
    EXPECT_EQ(e.export_textfile.interval_s, 15.0);
    EXPECT_EQ(e.export_textfile.count, 2u);
    auto r = parse({"record", "-o", "x.jsonl", "--duration", "2.5", "--limit", "9"});
    EXPECT_EQ(r.record.output, "x.jsonl");
    EXPECT_EQ(r.record.duration_s, 2.5);
    EXPECT_EQ(r.record.limit, 9u);
    auto p = parse({"report", "x.jsonl", "--view", "top", "--rows", "3"});
    EXPECT_EQ(p.report.file, "x.jsonl");
    EXPECT_EQ(p.report.view, ReportView::top);
    EXPECT_EQ(p.report.rows, 3u);
    EXPECT_EQ(parse({"stats", "--format", "prometheus"}).format, Format::prometheus);
    EXPECT_TRUE(parse({"stats", "--format", "json"}).json);

    EXPECT_NE(usage_error({"export"}).find("--textfile-dir DIR is required"), std::string::npos);
    EXPECT_NE(usage_error({"export", "--textfile-dir", "d", "--count", "1"})
                  .find("--count needs --interval"),
              std::string::npos);
    EXPECT_NE(usage_error({"record"}).find("-o FILE is required"), std::string::npos);
    EXPECT_NE(usage_error({"record", "-o", "x", "--duration", "-1"}).find("--duration"),
              std::string::npos);
    EXPECT_NE(usage_error({"report"}).find("which recording?"), std::string::npos);
    EXPECT_NE(usage_error({"report", "a", "b"}).find("unexpected argument 'b'"), std::string::npos);
    EXPECT_NE(usage_error({"report", "a", "--view", "x"}).find("not one of stats, top"),
              std::string::npos);
    EXPECT_NE(usage_error({"stats", "--format", "yaml"}).find("'yaml' is not one of"),
              std::string::npos);
    EXPECT_NE(usage_error({"--json", "stats", "--format", "prometheus"}).find("disagree"),
              std::string::npos);
    EXPECT_NE(usage_error({"stats", "--format", "prometheus", "--watch", "1"}).find("export"),
              std::string::npos);
    EXPECT_NE(
        usage_error({"report", "a", "--view", "top", "--format", "prometheus"}).find("stats view"),
        std::string::npos);
    EXPECT_NE(usage_error({"info", "x.jsonl"}).find("unexpected argument"), std::string::npos);
}

// A comm is whatever bytes a process chose (prctl(PR_SET_NAME)): escape
// sequences must not reach the terminal, invalid UTF-8 must not end mpctl.
TEST(HostileComm, EscapedInTextReplacedInJson) {
    auto ev = move_event(7, "a\x1b[2Jb\xff", 1, 0);
    ReplayMonitor text_m(power_info(false), {}, {ev});
    auto text = run(text_m, {"events"}).out.str();
    EXPECT_NE(text.find(R"( a\x1b[2Jb\xff[7/8] )"), std::string::npos) << text;
    EXPECT_EQ(text.find('\x1b'), std::string::npos);

    ReplayMonitor json_m(power_info(false), {}, {ev});
    auto json = run(json_m, {"events", "--json"});
    EXPECT_EQ(json.exit, Exit::ok);
    auto j = nlohmann::json::parse(json.out.str());
    EXPECT_EQ(j["comm"], "a\x1b[2Jb\xef\xbf\xbd"); // U+FFFD

    // A recording keeps the bytes the kernel gave; the report escapes them.
    ReplayMonitor rec_m(power_info(false), {}, {ev});
    auto rec = run(rec_m, {"record", "-o", "-"});
    auto top = run_report(rec.out.str(), {"--view", "top"}).out.str();
    EXPECT_EQ(top.find('\x1b'), std::string::npos) << top;
    EXPECT_NE(top.find(R"(a\x1b[2Jb\xff[7])"), std::string::npos) << top;
    auto events = run_report(rec.out.str(), {"--events"}).out.str();
    EXPECT_EQ(events.find('\x1b'), std::string::npos) << events;
    auto events_json = run_report(rec.out.str(), {"--events", "--json"}).out.str();
    EXPECT_EQ(nlohmann::json::parse(events_json)["comm"], "a\x1b[2Jb\xef\xbf\xbd");
}

// The end line's count of events lost while recording is the report's
// ring_dropped; the events in the file are what was read.
TEST(Report, LostWhileRecordingFromTheEndLine) {
    auto text =
        jsonl_recording(power_info(false), {move_event(1, "a", 1, 0), move_event(2, "b", 1, 1)}, 5);
    auto j = nlohmann::json::parse(run_report(text, {"--json"}).out.str());
    EXPECT_EQ(j["lost"]["ring_dropped"], 5);
    EXPECT_EQ(j["events_read"], 2);
    EXPECT_NE(run_report(text, {}).out.str().find("; 5 lost while recording"), std::string::npos);
    auto prom = run_report(text, {"--format", "prometheus"}).out.str();
    EXPECT_NE(prom.find("mpmon_ring_dropped_events_total 5\n"), std::string::npos);
    EXPECT_NE(prom.find("mpmon_events_read_total 2\n"), std::string::npos);
}
