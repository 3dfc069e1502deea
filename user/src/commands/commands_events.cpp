// SPDX-License-Identifier: GPL-2.0
// mpctl events and mpctl top: the commands that read the event ring live.
#include "commands/commands_common.hpp"
#include "common/text.hpp"
#include "follow/drain.hpp"
#include "model/top.hpp"
#include "output/event_json_line.hpp"
#include "output/format_event.hpp"
#include "output/format_top.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <span>
#include <string>
#include <vector>

namespace mpctl {

namespace {

// With events=auto a call becomes an event only while a reader is
// attached: with none at the start, a one-shot drain finds the ring empty
// whatever ran before.  Read before the drain, which attaches this file.
bool events_need_a_reader(Monitor& monitor) {
    auto info = monitor.info();
    return info.events_mode == MPMON_EVENTS_AUTO && info.readers == 0;
}

} // namespace

Exit cmd_events(const Options& o, Context& ctx) {
    const auto& e = o.events;
    bool no_reader = !e.follow && events_need_a_reader(ctx.monitor);
    DrainPlan plan;
    plan.limit = e.limit;
    plan.follow = e.follow;
    if (e.buffer_mib)
        plan.buffer_bytes = *e.buffer_mib << 20;
    plan.reader_boost = e.boost;
    // A batch's lines go out in one write, then one flush.
    EventJsonLines json;
    std::string text;
    auto d = drain(ctx.monitor, ctx.interrupt, plan, [&](std::span<const mpmon_event> batch) {
        Consumed done;
        json.clear();
        text.clear();
        for (const auto& ev : batch) {
            if (!e.filter.wanted(ev))
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
    using std::chrono::steady_clock;
    TopTable table;
    ReadTally tally; // its dropped(): what the ring dropped since top's first read
    std::vector<mpmon_event> buf(drain_batch);
    // Takes what the ring holds, until it is empty or the refresh is due.
    auto take = [&](steady_clock::time_point due) {
        while (true) {
            auto r = ctx.monitor.read_events(buf);
            tally.add(r);
            for (std::size_t i = 0; i < r.count; ++i)
                table.add(buf[i]);
            if (r.count < buf.size() || steady_clock::now() >= due)
                return;
        }
    };
    // The ring is followed between refreshes, as events --follow does: read
    // once per refresh, it overflowed above about 2,000 calls/s.
    ctx.monitor.set_wakeup(follow_wakeup(ctx.monitor.info().ring_capacity));
    const auto interval = to_ms(o.top.interval_s);
    auto due = steady_clock::now() + interval;
    bool more = true;
    for (std::uint64_t n = 0; !o.top.count || n < *o.top.count; ++n) {
        while (true) {
            take(due);
            auto left = std::chrono::ceil<std::chrono::milliseconds>(due - steady_clock::now());
            if (left.count() <= 0)
                break;
            if (ctx.monitor.wait_events(left, ctx.interrupt) == Wait::interrupted) {
                more = false;
                take(steady_clock::now());
                break;
            }
        }
        // A ring that never empties must not hide Ctrl-C.
        more = more && !ctx.interrupt.fired();
        due = std::max(due + interval, steady_clock::now());
        if (o.json) {
            auto j = top_json(table, tally.dropped(), o.top.rows, o.top.sort);
            print_json(ctx.out, j);
        } else {
            ctx.out << fmt::format("{}{}  ", n ? "\n" : "", ctx.clock.now());
            print_top(ctx.out, table, tally.dropped(), o.top.rows, o.top.sort);
        }
        if (output_gone(ctx.out) || !more)
            break;
    }
    return Exit::ok;
}

} // namespace mpctl
