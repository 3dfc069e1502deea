// SPDX-License-Identifier: GPL-2.0
#include "output/format_prometheus.hpp"

#include "common/text.hpp"
#include "model/decode.hpp"
#include "model/latency.hpp"

#include <fmt/format.h>
#include <string_view>
#include <utility>
#include <vector>

namespace mpctl {

namespace {

// Latency buckets: a fixed set, as Prometheus wants (a bucket must not come
// and go between scrapes).  Kernel bucket i holds 2^(i-1) <= ns < 2^i, so
// "le" of bucket i is 2^i - 1 ns: from 1.023us to 68.7s, then +Inf.
constexpr std::size_t first_le_bucket = 10;
constexpr std::size_t last_le_bucket = 36;

std::string escape(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

using Labels = std::vector<std::pair<std::string_view, std::string>>;

class Exposition {
public:
    // HELP and TYPE of a family, once, before its samples.
    void family(std::string_view name, std::string_view type, std::string_view help) {
        text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    }
    void sample(std::string_view name, const Labels& labels, std::uint64_t value) {
        sample_text(name, labels, fmt::format("{}", value));
    }
    void sample_text(std::string_view name, const Labels& labels, std::string_view value) {
        text_ += name;
        if (!labels.empty()) {
            std::vector<std::string> parts;
            for (const auto& [key, v] : labels)
                parts.push_back(fmt::format("{}=\"{}\"", key, escape(v)));
            text_ += fmt::format("{{{}}}", join(parts, ","));
        }
        text_ += fmt::format(" {}\n", value);
    }
    // A family with one unlabelled sample.
    void counter(std::string_view name, std::string_view help, std::uint64_t value) {
        family(name, "counter", help);
        sample(name, {}, value);
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

void outcome_samples(Exposition& e, std::string_view mode, const mpmon_page_outcome& o,
                     bool errors) {
    if (errors) {
        for (unsigned c = 0; c < MPMON_PERR_NR; ++c)
            e.sample("mpmon_page_errors_total",
                     {{"mode", std::string(mode)}, {"errno", page_err_name(c)}}, o.err[c]);
        return;
    }
    for (std::size_t n = 0; n < MPMON_STATS_NODES; ++n)
        if (o.node[n])
            e.sample("mpmon_pages_on_node_total",
                     {{"mode", std::string(mode)}, {"node", fmt::format("{}", n)}}, o.node[n]);
    // Nodes past the kernel's table are summed; the label says so.
    if (o.node_overflow)
        e.sample("mpmon_pages_on_node_total",
                 {{"mode", std::string(mode)}, {"node", fmt::format("{}+", MPMON_STATS_NODES)}},
                 o.node_overflow);
}

// Nanoseconds as exact decimal seconds ("0.000001023", "68.719476735"):
// through a double they would print as 4.095000000000001e-06.
std::string seconds(std::uint64_t ns) {
    auto text = fmt::format("{}.{:09}", ns / 1'000'000'000, ns % 1'000'000'000);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.')
        text.pop_back();
    return text;
}

void latency_histogram(Exposition& e, const mpmon_stats& s) {
    constexpr std::string_view name = "mpmon_call_duration_seconds";
    e.family(name, "histogram", "Time from entry to return of move_pages calls.");
    std::uint64_t cumulative = 0, total = 0;
    for (std::size_t i = 0; i < MPMON_LAT_BUCKETS; ++i)
        total += s.lat_log2[i];
    for (std::size_t i = 0; i <= last_le_bucket; ++i) {
        cumulative += s.lat_log2[i];
        if (i < first_le_bucket)
            continue;
        e.sample(std::string(name) + "_bucket", {{"le", seconds(bucket_high(i) - 1)}}, cumulative);
    }
    e.sample(std::string(name) + "_bucket", {{"le", "+Inf"}}, total);
    e.sample_text(std::string(name) + "_sum", {}, seconds(s.lat_sum_ns));
    e.sample(std::string(name) + "_count", {}, total);
}

} // namespace

std::string prometheus_text(const mpmon_stats& s, const StatsView& v, const mpmon_info& info) {
    Exposition e;
    e.family("mpmon_info", "gauge", "The mpmon module and the machine it runs on (value 1).");
    e.sample("mpmon_info",
             {{"version", from_field(info.module_version)},
              {"abi", fmt::format("{}.{}", info.abi_major, info.abi_minor)},
              {"symbol", from_field(info.symbol)},
              {"arch", arch_name(info.arch)},
              {"mmu", mmu_name(info.mmu)},
              {"cpu", from_field(info.cpu_name)},
              {"platform", platform_kind(info.platform)}},
             1);
    e.family("mpmon_enabled", "gauge", "1 while mpmon records calls.");
    e.sample("mpmon_enabled", {}, info.enabled ? 1 : 0);

    e.family("mpmon_calls_total", "counter", "move_pages calls recorded, by mode.");
    e.sample("mpmon_calls_total", {{"mode", "move"}}, s.mode_move);
    e.sample("mpmon_calls_total", {{"mode", "query"}}, s.mode_query);
    e.family("mpmon_call_results_total", "counter",
             "Recorded calls by return value: 0, positive (pages not migrated) or errno.");
    e.sample("mpmon_call_results_total", {{"result", "0"}}, s.ret_zero);
    e.sample("mpmon_call_results_total", {{"result", "positive"}}, s.ret_positive);
    for (const auto& [key, n] : v.returns)
        if (key != "0" && key != "positive")
            e.sample("mpmon_call_results_total", {{"result", key}}, n);
    e.family("mpmon_call_flags_total", "counter", "Recorded calls with each flag set.");
    e.sample("mpmon_call_flags_total", {{"flag", "MPOL_MF_MOVE"}}, s.flag_move);
    e.sample("mpmon_call_flags_total", {{"flag", "MPOL_MF_MOVE_ALL"}}, s.flag_move_all);

    e.counter("mpmon_pages_requested_total", "Pages asked for (sum of count).", s.pages_requested);
    e.counter("mpmon_pages_not_written_total",
              "Status entries the kernel left unwritten in calls that returned >= 0.",
              s.pages_not_written);
    e.counter("mpmon_pages_truncated_total",
              "Status entries past max_status, not examined by mpmon.", s.pages_truncated);
    e.counter("mpmon_pages_unknown_total",
              "Status entries of calls whose per-page outcome is unknown (no status probe).",
              s.pages_unknown);
    e.family("mpmon_pages_on_node_total", "counter",
             "Pages the kernel reported on a node, by mode (move: placed; query: found).");
    outcome_samples(e, "move", s.move, false);
    outcome_samples(e, "query", s.query, false);
    e.family("mpmon_page_errors_total", "counter",
             "Pages with a per-page error, by mode and errno.");
    outcome_samples(e, "move", s.move, true);
    outcome_samples(e, "query", s.query, true);

    latency_histogram(e, s);

    e.counter("mpmon_flush_calls_total",
              "Translation-flush calls made while move_pages calls ran (all probed functions).",
              v.mmu.flush_calls);
    e.counter("mpmon_flush_pages_total", "Pages covered by those flush calls.", v.mmu.flush_pages);
    if (!v.mmu.functions.empty()) {
        e.family("mpmon_flush_function_calls_total", "counter",
                 "Translation-flush calls by probed kernel function.");
        for (const auto& f : v.mmu.functions)
            e.sample("mpmon_flush_function_calls_total", {{"function", f.name}}, f.calls);
    }
    // Each absent, not 0, where the module does not count it.
    if (v.mmu.invalidations) {
        e.family("mpmon_tlb_invalidations_total", "counter",
                 "TLB invalidation instructions move_pages calls caused, by scope "
                 "(local: tlbiel; global: tlbie, broadcast).");
        e.sample("mpmon_tlb_invalidations_total", {{"scope", "local"}}, v.mmu.invalidations->local);
        e.sample("mpmon_tlb_invalidations_total", {{"scope", "global"}},
                 v.mmu.invalidations->global);
    }
    if (v.mmu.hcalls) {
        e.family("mpmon_hcalls_total", "counter",
                 "Translation-invalidating hypercalls move_pages calls made, by opcode.");
        for (const auto& [name, n] : v.mmu.hcalls->by_opcode)
            e.sample("mpmon_hcalls_total", {{"opcode", name}}, n);
        e.family("mpmon_hpte_total", "counter",
                 "Hashed page table entries those hypercalls removed or changed.");
        e.sample("mpmon_hpte_total", {{"action", "removed"}}, v.mmu.hcalls->hpte_removed);
        e.sample("mpmon_hpte_total", {{"action", "protected"}}, v.mmu.hcalls->hpte_protected);
    }
    if (v.mmu.shootdown_ipis)
        e.counter("mpmon_tlb_shootdown_ipis_total",
                  "Rounds of TLB-shootdown IPIs move_pages calls sent.", *v.mmu.shootdown_ipis);

    // Absent, not 0, where the module does not count migrations.
    if (v.migration) {
        const auto& m = *v.migration;
        e.counter("mpmon_migrate_batches_total", "migrate_pages() runs made by move_pages calls.",
                  m.batches);
        e.family("mpmon_migrate_seconds_total", "counter", "Time spent in those runs.");
        e.sample_text("mpmon_migrate_seconds_total", {}, seconds(m.migrate_ns));
        if (m.failed_by_reason) {
            e.family("mpmon_migrate_failed_pages_total", "counter",
                     "Base pages those runs tried and could not migrate, by reason.");
            e.sample("mpmon_migrate_failed_pages_total", {{"reason", "busy"}},
                     m.failed_by_reason->busy);
            e.sample("mpmon_migrate_failed_pages_total", {{"reason", "nomem"}},
                     m.failed_by_reason->nomem);
            e.sample("mpmon_migrate_failed_pages_total", {{"reason", "other"}},
                     m.failed_by_reason->other);
        } else {
            e.counter("mpmon_migrate_failed_pages_total",
                      "Base pages those runs tried and could not migrate.", m.failed);
        }
        if (m.stayed)
            e.counter("mpmon_migrate_stayed_pages_total",
                      "Pages move_pages found already on their target node.", *m.stayed);
        if (m.thp) {
            e.family("mpmon_migrate_thp_total", "counter",
                     "Transparent huge pages in those runs, by outcome.");
            e.sample("mpmon_migrate_thp_total", {{"outcome", "moved"}}, m.thp->moved);
            e.sample("mpmon_migrate_thp_total", {{"outcome", "split"}}, m.thp->split);
            e.sample("mpmon_migrate_thp_total", {{"outcome", "failed"}}, m.thp->failed);
        }
        e.family("mpmon_migrate_moved_pages_total", "counter",
                 "Base pages moved by move_pages calls, by source and target node.");
        for (const auto& [key, n] : m.moved_by_nodes) {
            auto gt = key.find('>');
            e.sample("mpmon_migrate_moved_pages_total",
                     {{"from", key.substr(0, gt)}, {"to", key.substr(gt + 1)}}, n);
        }
        if (m.moved_other)
            e.sample("mpmon_migrate_moved_pages_total", {{"from", "other"}, {"to", "other"}},
                     m.moved_other);
    }

    e.counter("mpmon_ring_dropped_events_total", "Events lost because the ring was full.",
              s.ring_dropped);
    e.counter("mpmon_kretprobe_missed_calls_total",
              "Calls not seen: no free kretprobe instance (raise maxactive).", s.kretprobe_missed);
    e.counter("mpmon_filtered_calls_total", "Calls seen but rejected by the filter.", s.filtered);
    e.counter("mpmon_events_read_total", "Events handed to readers.", s.events_read);
    e.counter("mpmon_events_off_calls_total",
              "Calls counted with no event, while events were off (no reader attached).",
              s.events_off);
    return e.take();
}

} // namespace mpctl
