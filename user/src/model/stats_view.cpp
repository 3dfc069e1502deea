// SPDX-License-Identifier: GPL-2.0
#include "model/stats_view.hpp"

#include "common/text.hpp"
#include "model/decode.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <fmt/format.h>
#include <limits>

namespace mpctl {

namespace {

Counts outcome_counts(const mpmon_page_outcome& o) {
    Counts out;
    for (std::size_t n = 0; n < MPMON_STATS_NODES; ++n)
        if (o.node[n])
            out.emplace_back(fmt::format("node{}", n), o.node[n]);
    if (o.node_overflow)
        out.emplace_back(fmt::format("node{}+", MPMON_STATS_NODES), o.node_overflow);
    for (unsigned c = 0; c < MPMON_PERR_NR; ++c)
        if (o.err[c])
            out.emplace_back(page_err_name(c), o.err[c]);
    return out;
}

// Every field after the 8-byte header is a __u64 (a property of ABI v1 that
// the static_assert below keeps honest), so a delta is element-wise.
constexpr std::size_t counters_offset = 8;
constexpr std::size_t nr_counters = (sizeof(mpmon_stats) - counters_offset) / 8;
static_assert(offsetof(mpmon_stats, calls) == counters_offset);
static_assert((sizeof(mpmon_stats) - counters_offset) % 8 == 0);

std::array<std::uint64_t, nr_counters> counters(const mpmon_stats& s) {
    std::array<std::uint64_t, nr_counters> c;
    std::memcpy(c.data(), reinterpret_cast<const char*>(&s) + counters_offset, sizeof(c));
    return c;
}

MmuView mmu_view(const mpmon_stats& s, const mpmon_info& info) {
    MmuView m;
    m.mode = mmu_name(info.mmu);
    for (unsigned i = 0; i < MPMON_FLUSH_PROBES; ++i) {
        bool probed = info.flush_probes & (1U << i);
        if (!probed && !s.flush_calls[i])
            continue;
        std::string name = from_field(info.flush_probe[i]);
        m.functions.push_back(
            {name.empty() ? fmt::format("slot{}", i) : name, s.flush_calls[i], s.flush_pages[i]});
        m.flush_calls += s.flush_calls[i];
        m.flush_pages += s.flush_pages[i];
    }
    for (unsigned i = 0; i < MPMON_FLUSH_RATIO; ++i) {
        if (!s.flush_ratio[i])
            continue;
        // [0]: below 1/4; [i]: 2^(i-1)/4 up to 2^i/4; the last is open.
        double low = i == 0 ? 0.0 : std::ldexp(1.0, static_cast<int>(i) - 3);
        double high = i + 1 == MPMON_FLUSH_RATIO ? std::numeric_limits<double>::infinity()
                                                 : std::ldexp(1.0, static_cast<int>(i) - 2);
        m.per_page.push_back({low, high, s.flush_ratio[i]});
    }
    if (info.inval_sources & MPMON_INVAL_TLBIE)
        m.invalidations = MmuView::Tlbi{s.tlbi_local, s.tlbi_global};
    if (info.inval_sources & MPMON_INVAL_HCALL) {
        MmuView::Hcalls h{{}, s.hpte_removed, s.hpte_protected};
        for (unsigned i = 0; i < MPMON_HCALL_NR; ++i)
            if (auto name = hcall_name(i); !name.empty())
                h.by_opcode.emplace_back(name, s.hcalls[i]);
        m.hcalls = std::move(h);
    }
    if (info.inval_sources & MPMON_INVAL_IPI)
        m.shootdown_ipis = s.shootdown_ipis;
    return m;
}

MigrationView migration_view(const mpmon_stats& s, std::uint32_t sources) {
    MigrationView m;
    if (sources & MPMON_MIGRATE_STAYED)
        m.stayed = s.pages_stayed;
    if (sources & MPMON_MIGRATE_REASONS)
        m.failed_by_reason = MigrationView::Reasons{s.failed_busy, s.failed_nomem, s.failed_other};
    if (sources & MPMON_MIGRATE_THP)
        m.thp = MigrationView::Thp{s.thp_moved, s.thp_split, s.thp_failed};
    m.batches = s.migrate_batches;
    m.migrate_ns = s.migrate_ns;
    m.moved = s.pages_moved;
    m.failed = s.pages_failed;
    m.inexact = s.migrate_inexact;
    m.moved_other = s.moved_other;
    for (unsigned from = 0; from < MPMON_MOVE_NODES; ++from)
        for (unsigned to = 0; to < MPMON_MOVE_NODES; ++to)
            if (s.moved[from][to])
                m.moved_by_nodes.emplace_back(fmt::format("{}>{}", from, to), s.moved[from][to]);
    return m;
}

} // namespace

StatsView make_view(const mpmon_stats& s, const mpmon_info& info) {
    StatsView v;
    v.calls = s.calls;
    if (s.ret_zero)
        v.returns.emplace_back("0", s.ret_zero);
    if (s.ret_positive)
        v.returns.emplace_back("positive", s.ret_positive);
    for (int e = 1; e < MPMON_NR_ERRNO; ++e) {
        v.errors += s.ret_errno[e];
        if (s.ret_errno[e])
            v.returns.emplace_back(errno_name(e), s.ret_errno[e]);
    }
    v.errors += s.ret_errno[0];
    if (s.ret_errno[0])
        v.returns.emplace_back("other", s.ret_errno[0]);
    v.move = s.mode_move;
    v.query = s.mode_query;
    v.flag_move = s.flag_move;
    v.flag_move_all = s.flag_move_all;
    v.requested = s.pages_requested;
    v.not_written = s.pages_not_written;
    v.truncated = s.pages_truncated;
    v.pages_unknown = s.pages_unknown;
    v.page_status = outcome_counts(s.move);
    v.query_status = outcome_counts(s.query);

    std::span<const Counter> hist(s.lat_log2);
    for (auto c : hist)
        v.latency.count += c;
    v.latency.sum_ns = s.lat_sum_ns;
    v.latency.max_ns = s.lat_max_ns;
    v.latency.p50 = percentile(hist, 50, s.lat_max_ns);
    v.latency.p90 = percentile(hist, 90, s.lat_max_ns);
    v.latency.p99 = percentile(hist, 99, s.lat_max_ns);
    v.latency.buckets = nonempty_buckets(hist);

    v.ring_dropped = s.ring_dropped;
    v.kretprobe_missed = s.kretprobe_missed;
    v.filtered = s.filtered;
    v.events_read = s.events_read;
    v.events_off = s.events_off;
    v.mmu = mmu_view(s, info);
    if (info.migrate_sources & MPMON_MIGRATE_RUNS)
        v.migration = migration_view(s, info.migrate_sources);
    return v;
}

mpmon_stats stats_delta(const mpmon_stats& now, const mpmon_stats& then) {
    auto a = counters(now);
    auto b = counters(then);
    for (std::size_t i = 0; i < nr_counters; ++i)
        a[i] -= b[i];
    mpmon_stats out = now;
    std::memcpy(reinterpret_cast<char*>(&out) + counters_offset, a.data(), sizeof(a));
    out.lat_max_ns = now.lat_max_ns;
    std::memset(out.__reserved, 0, sizeof(out.__reserved));
    std::memset(out.__reserved2, 0, sizeof(out.__reserved2));
    std::memset(out.__reserved3, 0, sizeof(out.__reserved3));
    return out;
}

} // namespace mpctl
