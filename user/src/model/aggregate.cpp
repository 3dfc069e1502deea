// SPDX-License-Identifier: GPL-2.0
#include "model/aggregate.hpp"

#include <algorithm>
#include <bit>
#include <linux/mempolicy.h>

namespace mpctl {

namespace {

void add_outcome(mpmon_page_outcome& o, const mpmon_event& ev) {
    auto pairs = std::min<std::uint32_t>(ev.nr_node_pages, MPMON_EVENT_NODES);
    for (std::uint32_t i = 0; i < pairs; ++i) {
        const auto& np = ev.node_pages[i];
        if (np.node >= 0 && np.node < MPMON_STATS_NODES)
            o.node[np.node] += np.pages;
        else
            o.node_overflow += np.pages;
    }
    o.node_overflow += ev.node_overflow;
    for (unsigned c = 0; c < MPMON_PERR_NR; ++c)
        o.err[c] += ev.page_err[c];
}

// fls64(): 0 for 0, else the 1-based index of the highest set bit.
unsigned fls64(std::uint64_t v) {
    return static_cast<unsigned>(std::bit_width(v));
}

} // namespace

void Aggregate::add(const mpmon_event& ev) {
    auto& s = stats_;
    ++s.calls;
    if (ev.ret == 0) {
        ++s.ret_zero;
    } else if (ev.ret > 0) {
        ++s.ret_positive;
    } else {
        // -ret in unsigned arithmetic: defined for INT64_MIN too (a crafted event).
        auto err = std::uint64_t{0} - static_cast<std::uint64_t>(ev.ret);
        ++s.ret_errno[err < MPMON_NR_ERRNO ? err : 0];
    }
    if (ev.mode == MPMON_MODE_MOVE)
        ++s.mode_move;
    else
        ++s.mode_query;
    if (ev.mp_flags & MPOL_MF_MOVE)
        ++s.flag_move;
    if (ev.mp_flags & MPOL_MF_MOVE_ALL)
        ++s.flag_move_all;
    s.pages_requested += ev.count;
    if (ev.ret >= 0) {
        add_outcome(ev.mode == MPMON_MODE_MOVE ? s.move : s.query, ev);
        s.pages_not_written += ev.pages_not_written;
        s.pages_truncated += ev.pages_truncated;
        s.pages_unknown += ev.pages_unknown;
    }
    ++s.lat_log2[std::min(fls64(ev.latency_ns), unsigned{MPMON_LAT_BUCKETS - 1})];
    s.lat_sum_ns += ev.latency_ns;
    s.lat_max_ns = std::max(s.lat_max_ns, static_cast<Counter>(ev.latency_ns));

    flush_calls_ += ev.flush_calls;
    flush_pages_ += ev.flush_pages;
    add_anatomy(ev);
    if (ev.mode != MPMON_MODE_MOVE || ev.ret < 0)
        return;
    std::uint64_t placed = ev.node_overflow;
    for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_node_pages, MPMON_EVENT_NODES); ++i)
        placed += ev.node_pages[i].pages;
    if (placed)
        ++s.flush_ratio[std::min(fls64(ev.flush_calls * 4 / placed),
                                 unsigned{MPMON_FLUSH_RATIO - 1})];
}

// What a move's migrate_pages() runs did and the invalidations it caused,
// counted as mpmon_stats_account() counts them, each part where the event
// has it.
void Aggregate::add_anatomy(const mpmon_event& ev) {
    auto& s = stats_;
    if ((ev.flags & MPMON_EV_MIGRATION) && !(ev.flags & MPMON_EV_RUNS)) {
        if (!migration_)
            migration_.emplace();
        migration_->moved += ev.pages_moved;
        migration_->failed += ev.pages_failed;
    }
    if ((ev.flags & MPMON_EV_MIGRATION) && (ev.flags & MPMON_EV_RUNS)) {
        migrate_sources_ |= MPMON_MIGRATE_RUNS | MPMON_MIGRATE_REASONS;
        s.migrate_batches += ev.migrate_batches;
        s.migrate_ns += ev.migrate_ns;
        s.pages_moved += ev.pages_moved;
        s.pages_failed += ev.pages_failed;
        s.failed_busy += ev.failed_busy;
        s.failed_nomem += ev.failed_nomem;
        s.failed_other += ev.failed_other;
        s.moved_other += ev.moved_other;
        for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_moves, MPMON_EVENT_MOVES);
             ++i) {
            const auto& m = ev.moves[i];
            if (m.from < MPMON_MOVE_NODES && m.to < MPMON_MOVE_NODES)
                s.moved[m.from][m.to] += m.pages;
            else
                s.moved_other += m.pages;
        }
        if (ev.flags & MPMON_EV_STAYED) {
            migrate_sources_ |= MPMON_MIGRATE_STAYED;
            s.pages_stayed += ev.pages_stayed;
        }
        if (ev.flags & MPMON_EV_THP) {
            migrate_sources_ |= MPMON_MIGRATE_THP;
            s.thp_moved += ev.thp_moved;
            s.thp_split += ev.thp_split;
            s.thp_failed += ev.thp_failed;
        }
    }
    inval_sources_ |= ev.inval_sources;
    s.tlbi_local += ev.tlbi_local;
    s.tlbi_global += ev.tlbi_global;
    s.hpte_removed += ev.hpte_removed;
    s.hpte_protected += ev.hpte_protected;
    s.shootdown_ipis += ev.shootdown_ipis;
    for (unsigned i = 0; i < MPMON_EVENT_HCALLS; ++i)
        s.hcalls[i] += ev.hcalls[i];
}

StatsView Aggregate::view(const mpmon_info& info) const {
    // What the events counted, not what the module could: a count no
    // event carried is left out, not shown as 0.
    auto counted = info;
    counted.migrate_sources = migrate_sources_;
    counted.inval_sources = inval_sources_;
    StatsView v = make_view(stats_, counted);
    v.mmu.flush_calls = flush_calls_;
    v.mmu.flush_pages = flush_pages_;
    // No per-function split in events (the recording's info names the probes).
    v.mmu.functions.clear();
    return v;
}

} // namespace mpctl
