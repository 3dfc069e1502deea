// SPDX-License-Identifier: GPL-2.0
// Synthetic events shared by the tests.
#pragma once

#include <linux/mpmon.h>

#include <cstring>
#include <string>

namespace mpctl::testing {

// A move of count pages by comm[tgid] to node, all written.
inline mpmon_event move_event(std::uint32_t tgid, const std::string& comm, std::uint64_t count,
                              std::int32_t node, std::int64_t ret = 0) {
    mpmon_event ev{};
    ev.size = sizeof(ev);
    ev.seq = tgid * 1000 + count;
    ev.ts_ns = 3'723'000'456'789; // 01:02:03.000456 after the epoch
    ev.latency_ns = 12345;
    ev.cpu = 1;
    ev.cpu_node = 1;
    ev.tgid = tgid;
    ev.pid = tgid + 1;
    std::memcpy(ev.comm, comm.data(), std::min(comm.size(), sizeof(ev.comm) - 1));
    ev.count = count;
    ev.mp_flags = 2; // MPOL_MF_MOVE
    ev.mode = MPMON_MODE_MOVE;
    ev.ret = ret;
    ev.nr_forensic = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, MPMON_FORENSIC));
    for (std::uint32_t i = 0; i < ev.nr_forensic; ++i) {
        ev.pages[i] = 0x7fff00000000ULL + i * 0x10000ULL;
        ev.nodes[i] = node;
        if (ret >= 0) {
            ev.status[i] = node;
            ev.status_written |= 1U << i;
        }
    }
    if (ret >= 0) {
        ev.node_pages[0] = {node, static_cast<std::uint32_t>(count)};
        ev.nr_node_pages = 1;
        ev.pages_written = count;
    } else {
        ev.pages_not_written = count;
    }
    return ev;
}

// A move of 16 pages by comm[tgid] that returned 3, with its migrations'
// whole account: 10 pages moved (6 from node 0 to 1, 4 from 1 to 0), 3
// failed (2 busy, 1 other) in 2 runs of 4 us, 3 stayed, 1 huge page moved,
// and 10 local and 30 global TLB invalidations.
inline mpmon_event anatomy_move(std::uint32_t tgid, const std::string& comm) {
    auto ev = move_event(tgid, comm, 16, 1, 3);
    ev.flags |= MPMON_EV_MIGRATION | MPMON_EV_RUNS | MPMON_EV_STAYED | MPMON_EV_THP;
    ev.pages_moved = 10;
    ev.pages_failed = 3;
    ev.failed_busy = 2;
    ev.failed_other = 1;
    ev.migrate_batches = 2;
    ev.migrate_ns = 4000;
    ev.moves[0] = {0, 1, 6};
    ev.moves[1] = {1, 0, 4};
    ev.nr_moves = 2;
    ev.pages_stayed = 3;
    ev.thp_moved = 1;
    ev.inval_sources = MPMON_INVAL_TLBIE;
    ev.tlbi_local = 10;
    ev.tlbi_global = 30;
    return ev;
}

} // namespace mpctl::testing
