// SPDX-License-Identifier: GPL-2.0
// mpctl record and mpctl report: making a recording and reading one back.
#include "aggregate.hpp"
#include "commands_common.hpp"
#include "decode.hpp"
#include "drain.hpp"
#include "event_json_line.hpp"
#include "fd_output.hpp"
#include "format_info.hpp"
#include "format_prometheus.hpp"
#include "format_stats.hpp"
#include "recording.hpp"
#include "text.hpp"
#include "top.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <span>
#include <string>

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
    }

    Exit run() {
        auto info = ctx_.monitor.info();
        auto filter = ctx_.monitor.filter();
        auto started = steady_clock::now();
        write_line(recording_header(info, filter, utc_now(), system_json()));
        DrainPlan plan;
        plan.limit = r_.limit;
        plan.follow = true;
        if (r_.buffer_mib)
            plan.buffer_bytes = *r_.buffer_mib << 20;
        if (r_.duration_s)
            plan.deadline = started + to_ms(*r_.duration_s);
        EventJsonLines lines;
        auto d = drain(ctx_.monitor, ctx_.interrupt, plan,
                       [this, &lines](std::span<const mpmon_event> batch) {
                           lines.clear();
                           for (const auto& ev : batch)
                               lines.add(ev);
                           write_text(lines.text());
                           return Consumed{batch.size(), false};
                       });
        if (d.abandoned) {
            // No end line: the recording reads as cut short, which it is.
            finish();
            ctx_.diag << fmt::format("mpctl: interrupted again: {} events read were not written "
                                     "to {} ({} written); it has no end line\n",
                                     grouped(d.unconsumed), r_.output, grouped(d.counted));
            return Exit::failure;
        }
        RecordingEnd end;
        end.events = d.counted;
        end.ring_dropped = d.dropped;
        end.seconds = std::chrono::duration<double>(steady_clock::now() - started).count();
        end.ended = utc_now();
        write_line(recording_end(end));
        finish();
        ctx_.diag << fmt::format("mpctl: recorded {} events in {:.1f} s to {}; {} dropped by the "
                                 "full ring while recording\n",
                                 grouped(end.events), end.seconds, r_.output,
                                 grouped(end.ring_dropped));
        return Exit::ok;
    }

private:
    void write_line(const nlohmann::ordered_json& j) { write_text(json_line(j)); }

    void write_text(std::string_view text) {
        write(*out_, text);
        if (!out_->good())
            throw write_error();
    }

    // The end line may still be buffered: written out and, for a file,
    // closed, both checked, before the recording counts as made.
    void finish() {
        if (file_) {
            file_->close();
            return;
        }
        out_->flush();
        if (!out_->good())
            throw write_error();
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
};

} // namespace

Exit cmd_record(const Options& o, Context& ctx) {
    Recorder recorder(o, ctx);
    return recorder.run();
}

Exit run_report(const Options& o, std::istream& in, std::ostream& out, std::ostream& diag) {
    const auto& file = o.report.file;
    Recording rec;
    try {
        rec = read_recording(in);
    } catch (const Error& e) {
        throw Error(e.code(), fmt::format("{}: {}", file, e.what()));
    }
    if (!rec.end)
        diag << fmt::format("mpctl: warning: {} has no end line: the recording was cut short "
                            "(events lost after it are not known)\n",
                            file);
    if (rec.partial_line)
        diag << fmt::format("mpctl: warning: {}: ignored a half-written last line\n", file);
    if (rec.end && rec.end->events != rec.events.size())
        diag << fmt::format(
            "mpctl: warning: {}: the end line counts {} events, the file holds {}\n", file,
            rec.end->events, rec.events.size());
    std::uint64_t lost = rec.end ? rec.end->ring_dropped : 0;

    if (o.report.view == ReportView::top) {
        TopTable table;
        for (const auto& ev : rec.events)
            table.add(ev);
        if (o.json)
            print_json(out, top_json(table, lost, o.report.rows));
        else
            print_top(out, table, lost, o.report.rows);
        return Exit::ok;
    }

    Aggregate agg;
    for (const auto& ev : rec.events)
        agg.add(ev);
    agg.set_read(rec.events.size(), lost);
    const auto& stats = agg.stats();
    auto view = agg.view(rec.info);
    const auto& sys = rec.header.value("system", nlohmann::json::object());
    std::string machine = fmt::format("{} {}", sys.value("nodename", std::string("?")),
                                      sys.value("release", std::string("?")));
    double seconds = rec.end ? rec.end->seconds : 0.0;
    switch (o.format) {
    case Format::prometheus:
        out << prometheus_text(stats, view, rec.info);
        break;
    case Format::json: {
        auto j = stats_json(view);
        nlohmann::ordered_json r;
        r["file"] = file;
        r["started"] = rec.header.value("started", std::string());
        r["system"] = sys;
        r["events"] = rec.events.size();
        r["seconds"] = rec.end ? nlohmann::ordered_json(seconds) : nlohmann::ordered_json();
        r["complete"] = rec.end.has_value();
        j["recording"] = r;
        print_json(out, j);
        break;
    }
    case Format::text:
        out << fmt::format("recording {}: {} events {}on {} ({}, {} MMU); {} lost while "
                           "recording{}\n\n",
                           file, grouped(rec.events.size()),
                           rec.end ? fmt::format("over {:.1f} s ", seconds) : "", machine,
                           from_field(rec.info.cpu_name), mmu_name(rec.info.mmu), grouped(lost),
                           rec.end ? "" : " (cut short)");
        print_stats(out, view);
        break;
    }
    return Exit::ok;
}

} // namespace mpctl
