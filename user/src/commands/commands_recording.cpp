// SPDX-License-Identifier: GPL-2.0
// mpctl record and mpctl report: making a recording and reading one back.
#include "commands/commands_common.hpp"
#include "common/text.hpp"
#include "follow/drain.hpp"
#include "model/aggregate.hpp"
#include "model/decode.hpp"
#include "model/top.hpp"
#include "output/event_json_line.hpp"
#include "output/fd_output.hpp"
#include "output/format_event.hpp"
#include "output/format_info.hpp"
#include "output/format_prometheus.hpp"
#include "output/format_stats.hpp"
#include "output/format_top.hpp"
#include "recording/recording.hpp"
#include "recording/recording_writer.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mpctl {

namespace {

using std::chrono::steady_clock;

// Drains the ring into a recording until the duration, the limit or Ctrl-C.
class Recorder {
public:
    Recorder(const Options& o, Context& ctx) : r_(o.record), ctx_(ctx) {
        if (r_.output == "-") {
            out_ = &ctx.out;
        } else {
            file_.emplace(r_.output);
            out_ = &file_->stream();
        }
        writer_.emplace(*out_);
    }

    Exit run() {
        RecordingStart start;
        start.info = ctx_.monitor.info();
        start.filter = ctx_.monitor.filter();
        auto stats_start = ctx_.monitor.stats();
        start.clock_offset_ns = clock_offset_ns();
        start.started_ns = realtime_ns();
        start.system = this_system();
        auto started = steady_clock::now();
        writer_->header(start);
        if (reader_gone())
            return Exit::ok;
        check();
        DrainPlan plan;
        plan.limit = r_.limit;
        plan.follow = true;
        if (r_.buffer_mib)
            plan.buffer_bytes = *r_.buffer_mib << 20;
        plan.reader_boost = r_.boost;
        if (r_.duration_s)
            plan.deadline = started + to_ms(*r_.duration_s);
        auto d =
            drain(ctx_.monitor, ctx_.interrupt, plan, [this](std::span<const mpmon_event> batch) {
                writer_->events(batch);
                if (reader_gone())
                    return Consumed{batch.size(), true};
                check();
                return Consumed{batch.size(), false};
            });
        if (d.stopped)
            return Exit::ok; // the reader of standard output went away
        if (d.abandoned) {
            // No trailer: the recording reads as cut short, which it is.
            finish();
            ctx_.diag << fmt::format("mpctl: interrupted again: {} events read were not written "
                                     "to {} ({} written); it has no trailer\n",
                                     grouped(d.unconsumed), r_.output, grouped(d.counted));
            return Exit::failure;
        }
        RecordingTotals totals;
        totals.events = d.counted;
        totals.ring_dropped = d.dropped;
        totals.lost = d.lost;
        totals.duration_ns = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(steady_clock::now() - started)
                .count());
        totals.ended_ns = realtime_ns();
        totals.stats_start = stats_start;
        try {
            totals.stats_end = ctx_.monitor.stats();
        } catch (const Error& e) {
            // The events are worth more than the counters: keep them.
            ctx_.diag << fmt::format("mpctl: warning: the kernel's counters at the end are not "
                                     "in {}: {}\n",
                                     r_.output, e.what());
        }
        writer_->trailer(totals);
        check();
        finish();
        ctx_.diag << fmt::format("mpctl: recorded {} events in {:.1f} s to {}; {} dropped by the "
                                 "full ring while recording\n",
                                 grouped(totals.events),
                                 static_cast<double>(totals.duration_ns) / 1e9, r_.output,
                                 grouped(totals.ring_dropped));
        return Exit::ok;
    }

private:
    // A closed pipe on standard output (mpctl record -o - | head -c 100):
    // the reader went away, and mpctl ends quietly, as its other commands do.
    bool reader_gone() const { return !file_ && !out_->good() && errno == EPIPE; }

    void check() const {
        if (!out_->good())
            throw write_error();
    }

    // The trailer may still be buffered: written out and, for a file,
    // closed, both checked, before the recording counts as made.
    void finish() {
        if (file_) {
            file_->close();
            return;
        }
        out_->flush();
        check();
    }

    Error write_error() const {
        int err = file_ ? file_->error() : errno;
        return Error(Exit::failure,
                     fmt::format("{}: cannot write: {}", r_.output, std::strerror(err)));
    }

    const RecordOptions& r_;
    Context& ctx_;
    std::optional<OutputFile> file_;
    std::ostream* out_ = nullptr;
    std::optional<RecordingWriter> writer_;
};

// Events read from a recording per batch.
constexpr std::size_t report_batch = 1024;

// The kernel's counters over the recording, if the trailer has them at
// both ends and they were not reset meanwhile.
std::optional<mpmon_stats> kernel_delta(const std::optional<RecordingEnd>& end) {
    if (!end || !end->stats_start || !end->stats_end)
        return std::nullopt;
    const auto &a = *end->stats_start, &b = *end->stats_end;
    if (b.calls < a.calls || b.events_read < a.events_read || b.ring_dropped < a.ring_dropped ||
        b.events_off < a.events_off)
        return std::nullopt;
    mpmon_stats d{};
    d.calls = b.calls - a.calls;
    d.events_read = b.events_read - a.events_read;
    d.ring_dropped = b.ring_dropped - a.ring_dropped;
    d.events_off = b.events_off - a.events_off;
    return d;
}

void warn(std::ostream& diag, const std::string& file, RecordingReader& reader) {
    for (const auto& w : reader.warnings())
        diag << fmt::format("mpctl: warning: {}: {}\n", file, w);
}

// The pages the events' migrations moved and could not move, labelled as
// mpctl stats labels its migration line (13 columns).
void print_event_migration(std::ostream& out, const EventMigration& m) {
    out << fmt::format("{:<13}moved {}   failed {}\n", "migration", grouped(m.moved),
                       grouped(m.failed));
}

// mpctl report --events: the events as mpctl events prints them.
Exit report_events(const Options& o, RecordingReader& reader, std::ostream& out,
                   std::ostream& diag) {
    const auto& h = reader.header();
    // Wall-clock times where the recording says how (UTC); a JSON Lines
    // recording does not: its times are the monotonic clock's.
    auto clock = Clock::fixed(h.clock_offset_ns.value_or(0));
    std::vector<mpmon_event> buf(report_batch);
    EventJsonLines json;
    std::string text;
    while (auto n = reader.read(buf)) {
        json.clear();
        text.clear();
        for (const auto& ev : std::span(buf.data(), n)) {
            if (!o.report.filter.wanted(ev))
                continue;
            if (o.json) {
                json.add(ev);
            } else {
                text += event_line(ev, clock);
                text += '\n';
            }
        }
        write(out, o.json ? json.text() : std::string_view(text));
        if (output_gone(out))
            return Exit::ok;
    }
    warn(diag, o.report.file, reader);
    return Exit::ok;
}

} // namespace

Exit cmd_record(const Options& o, Context& ctx) {
    Recorder recorder(o, ctx);
    return recorder.run();
}

Exit run_report(const Options& o, std::istream& in, std::ostream& out, std::ostream& diag) {
    const auto& file = o.report.file;
    try {
        auto reader = open_recording(in);
        if (o.report.view == ReportView::events)
            return report_events(o, *reader, out, diag);

        Aggregate agg;
        TopTable table;
        std::uint64_t events = 0;
        std::vector<mpmon_event> buf(report_batch);
        while (auto n = reader->read(buf)) {
            for (const auto& ev : std::span(buf.data(), n)) {
                if (o.report.view == ReportView::top)
                    table.add(ev);
                else
                    agg.add(ev);
            }
            events += n;
        }
        warn(diag, file, *reader);
        const auto& h = reader->header();
        const auto& end = reader->end();
        std::uint64_t lost = end ? end->ring_dropped : 0;

        if (o.report.view == ReportView::top) {
            if (o.json)
                print_json(out, top_json(table, lost, o.report.rows, o.report.sort));
            else
                print_top(out, table, lost, o.report.rows, o.report.sort);
            return Exit::ok;
        }

        agg.set_read(events, lost);
        const auto& stats = agg.stats();
        auto view = agg.view(h.info);
        auto kernel = kernel_delta(end);
        double seconds = end ? end->seconds : 0.0;
        nlohmann::ordered_json sys = {{"nodename", h.system.nodename},
                                      {"release", h.system.release},
                                      {"machine", h.system.machine}};
        switch (o.format) {
        case Format::prometheus:
            out << prometheus_text(stats, view, h.info);
            break;
        case Format::json: {
            auto j = stats_json(view);
            // Events of 392 bytes say only what moved and failed: the rest of
            // the module's "migration" is left out, not 0.
            if (const auto& m = agg.migration(); m && !view.migration)
                j["migration"] = {{"pages", {{"moved", m->moved}, {"failed", m->failed}}}};
            nlohmann::ordered_json r;
            r["file"] = file;
            r["format"] = h.kind == RecordingKind::binary ? "binary" : "json-lines";
            r["started"] = h.started;
            r["system"] = sys;
            r["events"] = events;
            r["seconds"] = end ? nlohmann::ordered_json(seconds) : nlohmann::ordered_json();
            r["complete"] = end.has_value();
            if (kernel)
                r["kernel"] = {{"calls", kernel->calls},
                               {"events_read", kernel->events_read},
                               {"ring_dropped", kernel->ring_dropped},
                               {"events_off", kernel->events_off}};
            j["recording"] = r;
            print_json(out, j);
            break;
        }
        case Format::text:
            out << fmt::format(
                "recording {}: {} events {}on {} {} ({}, {} MMU); {} lost while recording{}\n",
                file, grouped(events), end ? fmt::format("over {:.1f} s ", seconds) : "",
                h.system.nodename.empty() ? "?" : h.system.nodename,
                h.system.release.empty() ? "?" : h.system.release, from_field(h.info.cpu_name),
                mmu_name(h.info.mmu), grouped(lost), end ? "" : " (cut short)");
            if (kernel)
                out << fmt::format("the kernel counted meanwhile: {} calls, {} events read, {} "
                                   "dropped by the full ring, {} with events off\n",
                                   grouped(kernel->calls), grouped(kernel->events_read),
                                   grouped(kernel->ring_dropped), grouped(kernel->events_off));
            out << '\n';
            print_stats(out, view);
            if (const auto& m = agg.migration(); m && !view.migration)
                print_event_migration(out, *m);
            break;
        }
        return Exit::ok;
    } catch (const Error& e) {
        throw Error(e.code(), fmt::format("{}: {}", file, e.what()));
    }
}

} // namespace mpctl
