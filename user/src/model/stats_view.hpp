// SPDX-License-Identifier: GPL-2.0
// mpmon_stats as named counts: what both the text and the JSON output show.
#pragma once

#include "model/latency.hpp"

#include <linux/mpmon.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mpctl {

// (key, count) in a stable order; zero counts are left out.
using Counts = std::vector<std::pair<std::string, std::uint64_t>>;

struct LatencyView {
    std::uint64_t count = 0;
    std::uint64_t sum_ns = 0;
    std::uint64_t max_ns = 0;
    std::uint64_t p50 = 0, p90 = 0, p99 = 0;
    std::vector<LatencyBucket> buckets;
};

struct FlushFunction {
    std::string name; // the probed kernel function
    std::uint64_t calls = 0, pages = 0;
};

struct RatioBucket {
    double low, high; // flush calls per placed page, low <= r < high
    std::uint64_t count;
};

// Translation-flush work done while move_pages calls ran.
struct MmuView {
    std::string mode; // mmu_name() of the machine
    std::uint64_t flush_calls = 0, flush_pages = 0;
    std::vector<FlushFunction> functions; // probed ones, in slot order
    std::vector<RatioBucket> per_page;    // non-empty buckets
    // Stats version 4, each where the module has its source (inval_sources).
    struct Tlbi {
        std::uint64_t local = 0, global = 0; // tlbiel, tlbie
    };
    std::optional<Tlbi> invalidations;
    struct Hcalls {
        Counts by_opcode; // "H_REMOVE", ...: all four, zeros too
        std::uint64_t hpte_removed = 0, hpte_protected = 0;
    };
    std::optional<Hcalls> hcalls;
    std::optional<std::uint64_t> shootdown_ipis; // x86_64
};

// ABI 1.3: what the migrate_pages() runs of move calls did, in base pages.
struct MigrationView {
    std::uint64_t batches = 0, migrate_ns = 0;
    std::uint64_t moved = 0, failed = 0;
    std::uint64_t inexact = 0;     // runs too long to follow
    std::uint64_t moved_other = 0; // from or to a node past the matrix
    Counts moved_by_nodes;         // "S>T", non-zero ones
    // Stats version 3, each where the module has its source.
    std::optional<std::uint64_t> stayed; // entries already on the target node
    struct Reasons {
        std::uint64_t busy = 0, nomem = 0, other = 0;
    };
    std::optional<Reasons> failed_by_reason;
    struct Thp {
        std::uint64_t moved = 0, split = 0, failed = 0; // in huge pages
    };
    std::optional<Thp> thp;
};

struct StatsView {
    std::uint64_t calls = 0;
    std::uint64_t errors = 0; // calls that returned < 0
    Counts returns;           // "0", "positive", errno names, "other"
    std::uint64_t move = 0, query = 0;
    std::uint64_t flag_move = 0, flag_move_all = 0;
    std::uint64_t requested = 0, not_written = 0, truncated = 0;
    // ABI 1.3: entries of calls whose outcome is unknown (MPMON_EV_INEXACT).
    std::uint64_t pages_unknown = 0;
    Counts page_status;  // move-mode calls that returned >= 0
    Counts query_status; // query-mode calls that returned >= 0
    LatencyView latency;
    std::uint64_t ring_dropped = 0, kretprobe_missed = 0;
    std::uint64_t filtered = 0, events_read = 0;
    // ABI 1.3: calls counted with no event, while events were off.
    std::uint64_t events_off = 0;
    MmuView mmu;
    // Absent where the module does not count it (info.migrate_sources).
    std::optional<MigrationView> migration;
};

// info names the MMU and the flush probe slots (a 1.0/1.1 module's info has
// neither: mode "unknown", slots "slot<i>").
StatsView make_view(const mpmon_stats& stats, const mpmon_info& info = mpmon_info{});

// Counters of now minus those of then (lat_max_ns is kept from now: the
// maximum of an interval is not recorded).
mpmon_stats stats_delta(const mpmon_stats& now, const mpmon_stats& then);

} // namespace mpctl
