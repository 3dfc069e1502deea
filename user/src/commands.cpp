// SPDX-License-Identifier: GPL-2.0
#include "commands.hpp"

#include "aggregate.hpp"
#include "decode.hpp"
#include "drain.hpp"
#include "event_json_line.hpp"
#include "fd_output.hpp"
#include "format_event.hpp"
#include "format_info.hpp"
#include "format_prometheus.hpp"
#include "format_stats.hpp"
#include "interrupt.hpp"
#include "json_line.hpp"
#include "recording.hpp"
#include "stats_view.hpp"
#include "text.hpp"
#include "textfile.hpp"
#include "top.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpctl {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

milliseconds to_ms(double seconds) {
    return milliseconds(static_cast<long>(seconds * 1000.0));
}

// After writing: a reader that went away (mpctl ... | head) ends mpctl quietly.
bool output_gone(std::ostream& out) {
    out.flush();
    return !out.good();
}

void write(std::ostream& out, std::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void print_json(std::ostream& out, const nlohmann::ordered_json& j) {
    out << json_line(j);
}

Exit cmd_info(const Options& o, Context& ctx) {
    auto info = ctx.monitor.info();
    auto filter = ctx.monitor.filter();
    if (o.json)
        print_json(ctx.out, info_json(info, filter));
    else
        print_info(ctx.out, info, filter);
    return Exit::ok;
}

// Waits up to timeout for Ctrl-C; false if it came.
bool pause(Context& ctx, milliseconds timeout) {
    return sleep_unless_interrupted(ctx.interrupt, timeout);
}

Exit cmd_stats_watch(const Options& o, Context& ctx) {
    auto info = ctx.monitor.info();
    auto prev = ctx.monitor.stats();
    auto prev_time = steady_clock::now();
    for (std::uint64_t n = 0; !o.stats.count || n < *o.stats.count; ++n) {
        if (!pause(ctx, to_ms(*o.stats.watch_s)))
            break;
        auto now = ctx.monitor.stats();
        auto now_time = steady_clock::now();
        double secs = std::chrono::duration<double>(now_time - prev_time).count();
        // A reset by someone else makes the counters go down: count from zero.
        bool was_reset = now.calls < prev.calls || now.ring_dropped < prev.ring_dropped;
        auto delta = make_view(stats_delta(now, was_reset ? mpmon_stats{} : prev), info);
        if (o.json)
            print_json(ctx.out, stats_interval_json(delta, secs, ctx.clock.now_rfc3339()));
        else
            print_stats_interval(ctx.out, delta, secs, ctx.clock.now(), n == 0);
        if (output_gone(ctx.out))
            return Exit::ok;
        prev = now;
        prev_time = now_time;
    }
    return Exit::ok;
}

Exit cmd_stats(const Options& o, Context& ctx) {
    if (o.stats.watch_s)
        return cmd_stats_watch(o, ctx);
    auto info = ctx.monitor.info();
    auto stats = o.stats.reset ? ctx.monitor.stats_and_reset() : ctx.monitor.stats();
    auto view = make_view(stats, info);
    switch (o.format) {
    case Format::prometheus:
        ctx.out << prometheus_text(stats, view, info);
        break;
    case Format::json:
        print_json(ctx.out, stats_json(view));
        break;
    case Format::text:
        print_stats(ctx.out, view);
        break;
    }
    return Exit::ok;
}

// node_exporter's textfile collector reads DIR/*.prom whenever it is
// scraped: each write replaces the file whole.
Exit cmd_export(const Options& o, Context& ctx) {
    const auto& e = o.export_textfile;
    const std::string name = "mpmon.prom";
    std::uint64_t writes = 0;
    while (true) {
        auto info = ctx.monitor.info();
        auto stats = ctx.monitor.stats();
        replace_file(e.textfile_dir, name, prometheus_text(stats, make_view(stats, info), info));
        ++writes;
        if (!e.interval_s || (e.count && writes >= *e.count))
            break;
        if (!pause(ctx, to_ms(*e.interval_s)))
            break;
    }
    ctx.diag << fmt::format("mpctl: wrote {}/{}{}\n", e.textfile_dir, name,
                            writes > 1 ? fmt::format(" {} times", writes) : "");
    return Exit::ok;
}

bool has_page_errors(const mpmon_event& ev) {
    for (auto n : ev.page_err)
        if (n)
            return true;
    return false;
}

bool wanted(const EventsOptions& e, const mpmon_event& ev) {
    if (e.tgid && ev.tgid != *e.tgid)
        return false;
    if (e.comm && from_field(ev.comm) != *e.comm)
        return false;
    if (e.errors_only && ev.ret == 0 && !has_page_errors(ev))
        return false;
    return true;
}

// With events=auto a call becomes an event only while a reader is
// attached: with none at the start, a one-shot drain finds the ring empty
// whatever ran before.  Read before the drain, which attaches this file.
bool events_need_a_reader(Monitor& monitor) {
    auto info = monitor.info();
    return info.events_mode == MPMON_EVENTS_AUTO && info.readers == 0;
}

Exit cmd_events(const Options& o, Context& ctx) {
    const auto& e = o.events;
    bool no_reader = !e.follow && events_need_a_reader(ctx.monitor);
    DrainPlan plan;
    plan.limit = e.limit;
    plan.follow = e.follow;
    if (e.buffer_mib)
        plan.buffer_bytes = *e.buffer_mib << 20;
    // A batch's lines go out in one write, then one flush.
    EventJsonLines json;
    std::string text;
    auto d = drain(ctx.monitor, ctx.interrupt, plan, [&](std::span<const mpmon_event> batch) {
        Consumed done;
        json.clear();
        text.clear();
        for (const auto& ev : batch) {
            if (!wanted(e, ev))
                continue;
            ++done.counted;
            if (o.json) {
                json.add(ev);
            } else {
                text += event_line(ev, ctx.clock);
                text += '\n';
            }
        }
        write(ctx.out, o.json ? json.text() : std::string_view(text));
        done.stop = output_gone(ctx.out);
        return done;
    });
    if (d.stopped)
        return Exit::ok;
    if (d.abandoned) {
        ctx.diag << fmt::format("mpctl: interrupted again: {} events read were not printed "
                                "({} printed)\n",
                                grouped(d.unconsumed), grouped(d.counted));
        return Exit::failure;
    }
    if (no_reader && d.read == 0)
        ctx.diag << "mpctl: no events: with events=auto, calls become events only while a "
                    "reader is attached; use mpctl events --follow or mpctl record, or load "
                    "mpmon with events=always\n";
    if (e.follow || d.lost) {
        ctx.diag << fmt::format("mpctl: {} events read, {} printed; {} dropped by the full ring "
                                "while reading ({} since the last reset)\n",
                                grouped(d.read), grouped(d.counted), grouped(d.dropped),
                                grouped(d.lost));
    }
    return Exit::ok;
}

Exit cmd_top(const Options& o, Context& ctx) {
    TopTable table;
    std::vector<mpmon_event> buf(drain_batch);
    std::uint64_t lost = 0;
    for (std::uint64_t n = 0; !o.top.count || n < *o.top.count; ++n) {
        bool more = pause(ctx, to_ms(o.top.interval_s));
        while (true) {
            auto r = ctx.monitor.read_events(buf);
            lost = r.lost;
            for (std::size_t i = 0; i < r.count; ++i)
                table.add(buf[i]);
            if (r.count < buf.size())
                break;
        }
        if (o.json) {
            auto j = top_json(table, lost, o.top.rows);
            print_json(ctx.out, j);
        } else {
            ctx.out << fmt::format("{}{}  ", n ? "\n" : "", ctx.clock.now());
            print_top(ctx.out, table, lost, o.top.rows);
        }
        if (output_gone(ctx.out) || !more)
            break;
    }
    return Exit::ok;
}

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

Exit cmd_record(const Options& o, Context& ctx) {
    Recorder recorder(o, ctx);
    return recorder.run();
}

Exit cmd_simple(const Options& o, Context& ctx) {
    nlohmann::ordered_json j;
    std::string text;
    switch (o.command) {
    case Command::reset:
        ctx.monitor.reset();
        j["reset"] = true;
        text = "mpmon: counters zeroed and event ring emptied";
        break;
    case Command::enable:
    case Command::disable: {
        bool on = o.command == Command::enable;
        ctx.monitor.set_enabled(on);
        j["enabled"] = on;
        text = on ? "mpmon: recording move_pages calls" : "mpmon: recording stopped";
        break;
    }
    default:
        return Exit::failure;
    }
    if (o.json)
        print_json(ctx.out, j);
    else
        ctx.out << text << '\n';
    return Exit::ok;
}

Exit cmd_filter(const Options& o, Context& ctx) {
    const auto& f = o.filter;
    if (f.set()) {
        mpmon_filter filter{};
        if (f.tgid) {
            filter.mask |= MPMON_FILTER_TGID;
            filter.tgid = *f.tgid;
        }
        if (f.uid) {
            filter.mask |= MPMON_FILTER_UID;
            filter.uid = *f.uid;
        }
        if (f.comm) {
            filter.mask |= MPMON_FILTER_COMM;
            std::memcpy(filter.comm, f.comm->data(), f.comm->size());
        }
        ctx.monitor.set_filter(filter);
    }
    auto now = ctx.monitor.filter();
    if (o.json)
        print_json(ctx.out, nlohmann::ordered_json{{"filter", filter_json(now)}});
    else
        ctx.out << "filter: " << filter_text(now) << '\n';
    return Exit::ok;
}

} // namespace

bool command_waits(const Options& o) {
    return (o.command == Command::stats && o.stats.watch_s) ||
           (o.command == Command::events && o.events.follow) || o.command == Command::top ||
           o.command == Command::record ||
           (o.command == Command::export_textfile && o.export_textfile.interval_s);
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

Exit run_command(const Options& o, Context& ctx) {
    switch (o.command) {
    case Command::info:
        return cmd_info(o, ctx);
    case Command::stats:
        return cmd_stats(o, ctx);
    case Command::events:
        return cmd_events(o, ctx);
    case Command::top:
        return cmd_top(o, ctx);
    case Command::reset:
    case Command::enable:
    case Command::disable:
        return cmd_simple(o, ctx);
    case Command::filter:
        return cmd_filter(o, ctx);
    case Command::export_textfile:
        return cmd_export(o, ctx);
    case Command::record:
        return cmd_record(o, ctx);
    default:
        throw UsageError("this command does not use the device");
    }
}

} // namespace mpctl
