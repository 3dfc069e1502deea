// SPDX-License-Identifier: GPL-2.0
// The kernel's counters rebuilt from events: what mpctl report shows of a
// recording, counted the way mpmon_stats_account() counts them, and the
// pages the events say their migrations moved and could not move.
#pragma once

#include "model/stats_view.hpp"

#include <linux/mpmon.h>

#include <cstdint>
#include <optional>

namespace mpctl {

// Sums over the events that carry MPMON_EV_MIGRATION but not the rest of
// their runs' account (MPMON_EV_RUNS: events of 392 bytes), in base pages.
struct EventMigration {
    std::uint64_t moved = 0, failed = 0;
};

class Aggregate {
public:
    Aggregate() { stats_.size = sizeof(stats_); }

    void add(const mpmon_event& ev);
    // What a recording says of its reader: events it read, events the full
    // ring dropped meanwhile (events do not carry these).
    void set_read(std::uint64_t read, std::uint64_t dropped) noexcept {
        stats_.events_read = read;
        stats_.ring_dropped = dropped;
    }

    // Events carry the flush work of the call but not which probed
    // function did it: the per-slot counters stay zero, the totals are
    // kept here.
    const mpmon_stats& stats() const noexcept { return stats_; }
    std::uint64_t flush_calls() const noexcept { return flush_calls_; }
    std::uint64_t flush_pages() const noexcept { return flush_pages_; }

    // The stats view, with the flush totals of the events, and the
    // migration and invalidation counters where events carried them.
    StatsView view(const mpmon_info& info) const;

    // Absent when no event carried MPMON_EV_MIGRATION without
    // MPMON_EV_RUNS (not 0): such events say only what moved and failed.
    const std::optional<EventMigration>& migration() const noexcept { return migration_; }

private:
    void add_anatomy(const mpmon_event& ev);

    mpmon_stats stats_{};
    std::optional<EventMigration> migration_;
    std::uint64_t flush_calls_ = 0, flush_pages_ = 0;
    // What the events counted: MPMON_MIGRATE_* and MPMON_INVAL_* bits.
    std::uint32_t migrate_sources_ = 0, inval_sources_ = 0;
};

} // namespace mpctl
