// SPDX-License-Identifier: GPL-2.0
#include "commands/commands.hpp"

#include "commands/commands_common.hpp"

#include "common/interrupt.hpp"
#include "common/text.hpp"
#include "follow/drain.hpp"
#include "model/aggregate.hpp"
#include "model/decode.hpp"
#include "model/stats_view.hpp"
#include "model/top.hpp"
#include "output/event_json_line.hpp"
#include "output/fd_output.hpp"
#include "output/format_event.hpp"
#include "output/format_info.hpp"
#include "output/format_prometheus.hpp"
#include "output/format_stats.hpp"
#include "output/json_line.hpp"
#include "output/textfile.hpp"
#include "recording/recording.hpp"

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

using std::chrono::steady_clock;

Exit cmd_info(const Options& o, Context& ctx) {
    auto info = ctx.monitor.info();
    auto filter = ctx.monitor.filter();
    if (o.json)
        print_json(ctx.out, info_json(info, filter));
    else
        print_info(ctx.out, info, filter);
    return Exit::ok;
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
