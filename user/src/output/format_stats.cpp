// SPDX-License-Identifier: GPL-2.0
#include "output/format_stats.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace mpctl {

namespace {

constexpr std::size_t label_width = 13;
constexpr std::size_t line_width = 80;
constexpr unsigned bar_width = 40;

// "label        key value   key value ..." wrapped at 80 columns.
void print_pairs(std::ostream& out, std::string_view label, const Counts& pairs,
                 std::string_view sep = " ") {
    std::string line = fmt::format("{:<{}}", label, label_width);
    if (pairs.empty())
        line += "-";
    bool first = true;
    for (const auto& [key, n] : pairs) {
        std::string item = fmt::format("{}{}{}", key, sep, grouped(n));
        if (!first && line.size() + 3 + item.size() > line_width) {
            out << line << '\n';
            line = std::string(label_width, ' ');
            first = true;
        }
        line += first ? item : "   " + item;
        first = false;
    }
    out << line << '\n';
}

std::string ratio_label(double r) {
    return std::isinf(r) ? "inf" : fmt::format("{:g}", r);
}

// The translation-flush work of the calls, by probed function.
void print_mmu(std::ostream& out, const MmuView& m) {
    print_pairs(out, "mmu flushes", {{m.mode + " calls", m.flush_calls}, {"pages", m.flush_pages}});
    for (const auto& f : m.functions)
        out << fmt::format("  {:<30} calls {:>10}  pages {:>10}\n", f.name, grouped(f.calls),
                           grouped(f.pages));
    Counts ratio;
    for (const auto& b : m.per_page)
        ratio.emplace_back(fmt::format("[{}, {})", ratio_label(b.low), ratio_label(b.high)),
                           b.count);
    if (!ratio.empty())
        print_pairs(out, "flush/page", ratio);
    if (m.invalidations)
        print_pairs(out, "tlb inval",
                    {{"local", m.invalidations->local}, {"global", m.invalidations->global}});
    if (m.hcalls) {
        print_pairs(out, "hcalls", m.hcalls->by_opcode);
        // HPTEs exist on hash only; a radix LPAR names none.
        if (m.hcalls->hpte_removed || m.hcalls->hpte_protected)
            print_pairs(
                out, "hpte",
                {{"removed", m.hcalls->hpte_removed}, {"protected", m.hcalls->hpte_protected}});
    }
    if (m.shootdown_ipis)
        print_pairs(out, "shootdown", {{"ipi rounds", *m.shootdown_ipis}});
}

nlohmann::ordered_json counts_json(const Counts& pairs) {
    auto j = nlohmann::ordered_json::object();
    for (const auto& [key, n] : pairs)
        j[key] = n;
    return j;
}

nlohmann::ordered_json mmu_json(const MmuView& m) {
    nlohmann::ordered_json j;
    j["mode"] = m.mode;
    j["flush_calls"] = m.flush_calls;
    j["flush_pages"] = m.flush_pages;
    auto functions = nlohmann::ordered_json::object();
    for (const auto& f : m.functions)
        functions[f.name] = {{"calls", f.calls}, {"pages", f.pages}};
    j["functions"] = functions;
    auto per_page = nlohmann::ordered_json::array();
    for (const auto& b : m.per_page)
        per_page.push_back({{"low", b.low},
                            {"high", std::isinf(b.high) ? nlohmann::ordered_json(nullptr)
                                                        : nlohmann::ordered_json(b.high)},
                            {"count", b.count}});
    j["flush_per_page"] = per_page;
    if (m.invalidations)
        j["invalidations"] = {{"local", m.invalidations->local},
                              {"global", m.invalidations->global}};
    if (m.hcalls) {
        j["hcalls"] = counts_json(m.hcalls->by_opcode);
        j["hpte"] = {{"removed", m.hcalls->hpte_removed}, {"protected", m.hcalls->hpte_protected}};
    }
    if (m.shootdown_ipis)
        j["shootdown_ipis"] = *m.shootdown_ipis;
    return j;
}

void print_migration(std::ostream& out, const MigrationView& m) {
    Counts pages{{"batches", m.batches}, {"moved", m.moved}};
    if (m.stayed)
        pages.emplace_back("stayed", *m.stayed);
    pages.emplace_back("failed", m.failed);
    print_pairs(out, "migration", pages);
    if (m.batches)
        out << fmt::format("{:<{}}time {}  avg {} per batch\n", "", label_width,
                           duration(m.migrate_ns), duration(m.migrate_ns / m.batches));
    Counts nodes = m.moved_by_nodes;
    if (m.moved_other)
        nodes.emplace_back("other", m.moved_other);
    if (!nodes.empty())
        print_pairs(out, "moved", nodes);
    if (m.failed_by_reason && m.failed)
        print_pairs(out, "failed",
                    {{"busy", m.failed_by_reason->busy},
                     {"nomem", m.failed_by_reason->nomem},
                     {"other", m.failed_by_reason->other}});
    if (m.thp)
        print_pairs(out, "thp",
                    {{"moved", m.thp->moved}, {"split", m.thp->split}, {"failed", m.thp->failed}});
    if (m.inexact)
        print_pairs(out, "inexact", {{"batches", m.inexact}});
}

// The keys are a contract (only ever added to); what the module does not
// count is left out, never 0.
nlohmann::ordered_json migration_json(const MigrationView& m) {
    nlohmann::ordered_json j;
    j["batches"] = m.batches;
    j["migrate_ns"] = m.migrate_ns;
    j["pages"]["moved"] = m.moved;
    if (m.stayed)
        j["pages"]["stayed"] = *m.stayed;
    j["pages"]["failed"] = m.failed;
    j["moved_by_nodes"] = counts_json(m.moved_by_nodes);
    j["moved_other_nodes"] = m.moved_other;
    if (m.failed_by_reason)
        j["failed_by_reason"] = {{"busy", m.failed_by_reason->busy},
                                 {"nomem", m.failed_by_reason->nomem},
                                 {"other", m.failed_by_reason->other}};
    if (m.thp)
        j["thp"] = {{"moved", m.thp->moved}, {"split", m.thp->split}, {"failed", m.thp->failed}};
    j["inexact_batches"] = m.inexact;
    return j;
}

} // namespace

void print_stats(std::ostream& out, const StatsView& v) {
    print_pairs(out, "calls", {{"total", v.calls}, {"errors", v.errors}});
    Counts returns;
    for (const auto& [key, n] : v.returns)
        returns.emplace_back(key == "0" ? "=0" : key == "positive" ? ">0" : key, n);
    print_pairs(out, "returned", returns, " ");
    print_pairs(out, "modes", {{"move", v.move}, {"query", v.query}});
    print_pairs(out, "flags",
                {{"MPOL_MF_MOVE", v.flag_move}, {"MPOL_MF_MOVE_ALL", v.flag_move_all}});
    print_pairs(
        out, "pages",
        {{"requested", v.requested}, {"not_written", v.not_written}, {"truncated", v.truncated}});
    // ABI 1.3, where no status probe is armed: shown when there are some.
    if (v.pages_unknown)
        print_pairs(out, "inexact", {{"pages_unknown", v.pages_unknown}});
    print_pairs(out, "move status", v.page_status);
    print_pairs(out, "query status", v.query_status);

    if (v.latency.count == 0) {
        out << fmt::format("{:<{}}-\n", "latency", label_width);
    } else {
        out << fmt::format("{:<{}}avg {}  p50 {}  p90 {}  p99 {}  max {}\n", "latency", label_width,
                           duration(v.latency.sum_ns / v.latency.count), duration(v.latency.p50),
                           duration(v.latency.p90), duration(v.latency.p99),
                           duration(v.latency.max_ns));
        std::uint64_t top = 0;
        for (const auto& b : v.latency.buckets)
            top = std::max(top, b.count);
        for (const auto& b : v.latency.buckets) {
            std::string range = fmt::format("[{}, {})", pow2_label(b.low), pow2_label(b.high));
            out << fmt::format("  {:<14}{:>10} |{:<{}}|\n", range, grouped(b.count),
                               bar(b.count, top, bar_width), bar_width);
        }
        out << fmt::format("{:<{}}(ns, log2 buckets)\n", "", label_width);
    }
    if (v.migration)
        print_migration(out, *v.migration);
    print_mmu(out, v.mmu);
    print_pairs(out, "lost",
                {{"ring_dropped", v.ring_dropped}, {"kretprobe_missed", v.kretprobe_missed}});
    print_pairs(out, "filtered", {{"calls", v.filtered}});
    print_pairs(out, "events", {{"read", v.events_read}});
    // ABI 1.3: calls made while no reader was attached (events=auto) or
    // with events=never; shown when there are some.
    if (v.events_off)
        print_pairs(out, "events off", {{"calls", v.events_off}});
}

nlohmann::ordered_json stats_json(const StatsView& v) {
    nlohmann::ordered_json j;
    j["calls"] = v.calls;
    j["errors"] = v.errors;
    j["returns"] = counts_json(v.returns);
    j["modes"] = {{"move", v.move}, {"query", v.query}};
    j["flags"] = {{"MPOL_MF_MOVE", v.flag_move}, {"MPOL_MF_MOVE_ALL", v.flag_move_all}};
    j["pages"] = {
        {"requested", v.requested}, {"not_written", v.not_written}, {"truncated", v.truncated}};
    j["pages_unknown"] = v.pages_unknown;
    j["page_status"] = counts_json(v.page_status);
    j["query_status"] = counts_json(v.query_status);
    auto log2 = nlohmann::ordered_json::array();
    for (const auto& b : v.latency.buckets)
        log2.push_back({{"low", b.low}, {"high", b.high}, {"count", b.count}});
    j["latency_ns"] = {{"count", v.latency.count},
                       {"sum", v.latency.sum_ns},
                       {"p50", v.latency.p50},
                       {"p90", v.latency.p90},
                       {"p99", v.latency.p99},
                       {"max", v.latency.max_ns},
                       {"log2", log2}};
    j["lost"] = {{"ring_dropped", v.ring_dropped}, {"kretprobe_missed", v.kretprobe_missed}};
    j["filtered"] = v.filtered;
    j["events_read"] = v.events_read;
    j["events_off"] = v.events_off;
    j["mmu"] = mmu_json(v.mmu);
    if (v.migration)
        j["migration"] = migration_json(*v.migration);
    return j;
}

void print_stats_interval(std::ostream& out, const StatsView& d, double seconds,
                          const std::string& clock, bool header) {
    if (header)
        out << fmt::format("{:<8} {:>9} {:>9} {:>6} {:>10} {:>10} {:>8} {:>8} {:>4}\n", "time",
                           "calls", "calls/s", "errors", "pages", "pages/s", "p50", "p99", "lost");
    out << fmt::format("{:<8} {:>9} {:>9} {:>6} {:>10} {:>10} {:>8} {:>8} {:>4}\n", clock,
                       grouped(d.calls), rate(d.calls, seconds), grouped(d.errors),
                       grouped(d.requested), rate(d.requested, seconds),
                       d.latency.count ? duration(d.latency.p50) : "-",
                       d.latency.count ? duration(d.latency.p99) : "-",
                       grouped(d.ring_dropped + d.kretprobe_missed));
}

nlohmann::ordered_json stats_interval_json(const StatsView& d, double seconds,
                                           const std::string& time) {
    nlohmann::ordered_json j;
    j["time"] = time;
    j["interval_s"] = seconds;
    j["rates"] = {{"calls_per_s", seconds > 0 ? static_cast<double>(d.calls) / seconds : 0.0},
                  {"pages_per_s", seconds > 0 ? static_cast<double>(d.requested) / seconds : 0.0}};
    j["stats"] = stats_json(d);
    return j;
}

} // namespace mpctl
