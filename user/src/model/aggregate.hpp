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

// Sums over the events that carry MPMON_EV_MIGRATION, in base pages.
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

    // The stats view, with the flush totals of the events.
    StatsView view(const mpmon_info& info) const;

    // Absent when no event carried MPMON_EV_MIGRATION (not 0). The module's
    // other migration counters (batches, time, by node) are in no event.
    const std::optional<EventMigration>& migration() const noexcept { return migration_; }

private:
    mpmon_stats stats_{};
    std::optional<EventMigration> migration_;
    std::uint64_t flush_calls_ = 0, flush_pages_ = 0;
};

} // namespace mpctl
