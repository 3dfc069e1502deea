// SPDX-License-Identifier: GPL-2.0
#include "commands.hpp"

#include "format_event.hpp"
#include "format_info.hpp"
#include "format_stats.hpp"
#include "interrupt.hpp"
#include "stats_view.hpp"
#include "text.hpp"
#include "top.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <vector>

namespace mpctl {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Events moved out of the kernel per READ_EVENTS.
constexpr std::size_t read_batch = 256;

milliseconds to_ms(double seconds) {
    return milliseconds(static_cast<long>(seconds * 1000.0));
}

// After writing: a reader that went away (mpctl ... | head) ends mpctl quietly.
bool output_gone(std::ostream& out) {
    out.flush();
    return !out.good();
}

void print_json(std::ostream& out, const nlohmann::ordered_json& j) {
    out << j.dump() << '\n';
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
    auto deadline = steady_clock::now() + timeout;
    while (true) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
        if (left.count() <= 0)
            return true;
        if (wait_interrupt(ctx.interrupt, left))
            return false;
    }
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
            print_json(ctx.out, stats_interval_json(delta, secs, ctx.clock.now()));
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
    auto view =
        make_view(o.stats.reset ? ctx.monitor.stats_and_reset() : ctx.monitor.stats(), info);
    if (o.json)
        print_json(ctx.out, stats_json(view));
    else
        print_stats(ctx.out, view);
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

Exit cmd_events(const Options& o, Context& ctx) {
    const auto& e = o.events;
    std::vector<mpmon_event> buf(read_batch);
    std::uint64_t read = 0, printed = 0;
    std::optional<std::uint64_t> first_lost;
    std::uint64_t lost = 0;
    while (!e.limit || printed < *e.limit) {
        // With --limit, take no more events out of the ring than may be
        // printed: the rest stay for the next reader.
        std::size_t want = buf.size();
        if (e.limit)
            want = static_cast<std::size_t>(std::min<std::uint64_t>(want, *e.limit - printed));
        auto r = ctx.monitor.read_events(std::span(buf.data(), want));
        if (!first_lost)
            first_lost = r.lost;
        lost = r.lost;
        read += r.count;
        for (std::size_t i = 0; i < r.count && (!e.limit || printed < *e.limit); ++i) {
            if (!wanted(e, buf[i]))
                continue;
            ++printed;
            if (o.json)
                print_json(ctx.out, event_json(buf[i]));
            else
                ctx.out << event_line(buf[i], ctx.clock) << '\n';
        }
        if (output_gone(ctx.out))
            return Exit::ok;
        if (r.count == want)
            continue;
        if (!e.follow)
            break;
        if (ctx.monitor.wait_events(milliseconds(1000), ctx.interrupt) == Wait::interrupted)
            break;
    }
    if (e.follow || lost) {
        ctx.diag << fmt::format("mpctl: {} events read, {} printed; {} dropped by the full ring "
                                "while reading ({} since the last reset)\n",
                                grouped(read), grouped(printed),
                                grouped(lost - first_lost.value_or(lost)), grouped(lost));
    }
    return Exit::ok;
}

Exit cmd_top(const Options& o, Context& ctx) {
    TopTable table;
    std::vector<mpmon_event> buf(read_batch);
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
           (o.command == Command::events && o.events.follow) || o.command == Command::top;
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
    default:
        throw UsageError("this command does not use the device");
    }
}

} // namespace mpctl
