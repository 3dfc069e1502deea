// SPDX-License-Identifier: GPL-2.0
// What mpctl spends per event, on the events of a real run (emulated POWER8,
// hash MMU): decoding the JSON of a recording, encoding it, the strace-like
// line, the aggregation of report and top, and whole mpctl events --follow
// --json and mpctl record runs over a replayed ring.  Rates are events/s
// (items_per_second).
#include "commands/cli.hpp"
#include "commands/commands.hpp"
#include "common/interrupt.hpp"
#include "model/aggregate.hpp"
#include "model/top.hpp"
#include "output/event_json_line.hpp"
#include "output/format_event.hpp"
#include "output/format_prometheus.hpp"
#include "output/json_line.hpp"
#include "recording/parse_event_json.hpp"
#include "replay.hpp"

#include <benchmark/benchmark.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

namespace {

using namespace mpctl;

const std::vector<mpmon_event>& events() {
    static const std::vector<mpmon_event> evs = [] {
        std::ifstream in(MPCTL_TEST_DATA "/power8-hash-events.jsonl");
        if (!in)
            throw std::runtime_error("missing " MPCTL_TEST_DATA "/power8-hash-events.jsonl");
        return read_event_lines(in);
    }();
    return evs;
}

const std::vector<std::string>& lines() {
    static const std::vector<std::string> ls = [] {
        std::vector<std::string> out;
        for (const auto& ev : events())
            out.push_back(event_json(ev).dump());
        return out;
    }();
    return ls;
}

void BM_DecodeJsonLine(benchmark::State& state) {
    const auto& ls = lines();
    std::size_t i = 0;
    for (auto _ : state) {
        auto ev = event_from_json(nlohmann::json::parse(ls[i++ % ls.size()]));
        benchmark::DoNotOptimize(ev);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeJsonLine);

// Runs f(event, i) once per iteration over the events, round and round.
template <typename F> void per_event(benchmark::State& state, F&& f) {
    const auto& evs = events();
    std::size_t i = 0;
    for (auto _ : state) {
        f(evs[i % evs.size()], i);
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
}

// The line mpctl events --json and mpctl record print (one nlohmann object
// reused from line to line).
void BM_EncodeJsonLine(benchmark::State& state) {
    EventJsonLines lines;
    per_event(state, [&lines](const mpmon_event& ev, std::size_t) {
        lines.clear();
        lines.add(ev);
        auto s = lines.text();
        benchmark::DoNotOptimize(s);
    });
}
BENCHMARK(BM_EncodeJsonLine);

// The same line through a fresh nlohmann object per event, as event_json()
// builds it (what reusing the object saves).
void BM_EncodeJsonLineNlohmann(benchmark::State& state) {
    per_event(state, [](const mpmon_event& ev, std::size_t) {
        auto s = json_line(event_json(ev));
        benchmark::DoNotOptimize(s);
    });
}
BENCHMARK(BM_EncodeJsonLineNlohmann);

void BM_EventLine(benchmark::State& state) {
    auto clock = Clock::fixed(0);
    per_event(state, [&clock](const mpmon_event& ev, std::size_t) {
        auto s = event_line(ev, clock);
        benchmark::DoNotOptimize(s);
    });
}
BENCHMARK(BM_EventLine);

void BM_AggregateAdd(benchmark::State& state) {
    Aggregate agg;
    per_event(state, [&agg](const mpmon_event& ev, std::size_t) { agg.add(ev); });
    benchmark::DoNotOptimize(agg.stats().calls);
}
BENCHMARK(BM_AggregateAdd);

void BM_TopAdd(benchmark::State& state) {
    TopTable table;
    per_event(state, [&table](mpmon_event ev, std::size_t i) {
        ev.tgid = static_cast<std::uint32_t>(i % 1000); // 1000 callers
        table.add(ev);
    });
    benchmark::DoNotOptimize(table.events());
}
BENCHMARK(BM_TopAdd);

// A whole report of the capture: decode every line, aggregate, Prometheus.
void BM_ReportPrometheus(benchmark::State& state) {
    const auto& ls = lines();
    mpmon_info info{};
    for (auto _ : state) {
        Aggregate agg;
        for (const auto& l : ls)
            agg.add(event_from_json(nlohmann::json::parse(l)));
        auto text = prometheus_text(agg.stats(), agg.view(info), info);
        benchmark::DoNotOptimize(text);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ls.size()));
}
BENCHMARK(BM_ReportPrometheus);

// An output that takes everything and keeps nothing (like > /dev/null,
// without the system calls).
class Discard : public std::streambuf {
protected:
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
    int_type overflow(int_type c) override { return c; }
};

// mpctl ARGS draining a ring of 4096 recorded events, per event: reading,
// filtering, formatting, writing.  --follow and record read on a thread of
// their own and format on this one: the benchmarks that run them count the
// CPU time of the whole process (both threads), as the figure of mpctl's CPU
// per event in make bench does.
void whole_command(benchmark::State& state, std::vector<const char*> args) {
    std::vector<mpmon_event> ring;
    while (ring.size() < 4096)
        ring.insert(ring.end(), events().begin(), events().end());
    ring.resize(4096);
    args.insert(args.begin(), "mpctl");
    auto options = parse_options(args);
    Discard discard;
    std::ostream out(&discard);
    std::ostringstream diag;
    auto clock = Clock::fixed(0);
    Interrupt never{Interrupt::Never{}};
    mpmon_info info{};
    for (auto _ : state) {
        state.PauseTiming();
        ReplayMonitor m(info, {}, ring);
        Context ctx{m, out, diag, clock, never};
        diag.str("");
        state.ResumeTiming();
        run_command(options, ctx);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ring.size()));
}

void BM_FollowJson(benchmark::State& state) {
    whole_command(state, {"events", "--follow", "--json"});
}
BENCHMARK(BM_FollowJson)->MeasureProcessCPUTime();

void BM_RecordJson(benchmark::State& state) {
    whole_command(state, {"record", "-o", "-"});
}
BENCHMARK(BM_RecordJson)->MeasureProcessCPUTime();

void BM_FollowText(benchmark::State& state) {
    whole_command(state, {"events", "--follow"});
}
BENCHMARK(BM_FollowText)->MeasureProcessCPUTime();

// The same ring without --follow: read and format in turn on one thread
// (what the reader thread and the queue cost is the difference).
void BM_EventsJson(benchmark::State& state) {
    whole_command(state, {"events", "--json"});
}
BENCHMARK(BM_EventsJson)->MeasureProcessCPUTime();

} // namespace

BENCHMARK_MAIN();
