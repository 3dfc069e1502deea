// SPDX-License-Identifier: GPL-2.0
// Byte order conversion of the recording's records, field by field: the
// ABI's structs mix 32- and 64-bit integers and byte strings, so no
// blanket word swap is right.
#include "recording/recording_format.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace mpctl {

// A new field in one of the ABI's structs needs its line below.
static_assert(sizeof(mpmon_event) == MPMON_EVENT_SIZE_VER1,
              "swap_bytes(mpmon_event&) must learn the new fields");
static_assert(sizeof(mpmon_info) == MPMON_INFO_SIZE_VER1,
              "swap_bytes(mpmon_info&) must learn the new fields");
static_assert(sizeof(mpmon_stats) == MPMON_STATS_SIZE_VER4,
              "swap_bytes(mpmon_stats&) must learn the new fields");
static_assert(sizeof(mpmon_filter) == MPMON_FILTER_SIZE_VER0,
              "swap_bytes(mpmon_filter&) must learn the new fields");

namespace {

template <typename T> void swap(T& v) {
    static_assert(std::is_integral_v<T>);
    using U = std::make_unsigned_t<T>;
    U u = 0;
    std::memcpy(&u, &v, sizeof(u));
    if constexpr (sizeof(U) == 2)
        u = __builtin_bswap16(u);
    else if constexpr (sizeof(U) == 4)
        u = __builtin_bswap32(u);
    else if constexpr (sizeof(U) == 8)
        u = __builtin_bswap64(u);
    else
        static_assert(sizeof(U) == 1);
    std::memcpy(&v, &u, sizeof(u));
}

template <typename T, std::size_t N> void swap(T (&a)[N]) {
    for (auto& v : a)
        swap(v);
}

void swap(mpmon_page_outcome& o) {
    swap(o.node);
    swap(o.node_overflow);
    swap(o.err);
}

} // namespace

void swap_bytes(RecordingFileHeader& h) {
    swap(h.byte_order);
    swap(h.endianness);
    swap(h.format_major);
    swap(h.format_minor);
    swap(h.fixed_size);
    swap(h.header_size);
    swap(h.abi_major);
    swap(h.abi_minor);
    swap(h.arch);
    swap(h.page_size);
    swap(h.event_size);
    swap(h.info_size);
    swap(h.filter_size);
    swap(h.uname_size);
    swap(h.reserved0);
    swap(h.clock_offset_ns);
    swap(h.started_ns);
    swap(h.reserved);
}

void swap_bytes(EventBlockHeader& b) {
    swap(b.count);
}

void swap_bytes(RecordingTrailer& t) {
    swap(t.size);
    swap(t.events);
    swap(t.ring_dropped);
    swap(t.lost);
    swap(t.duration_ns);
    swap(t.ended_ns);
    swap(t.stats_flags);
    swap(t.stats_size);
}

void swap_bytes(RecordingFooter& f) {
    swap(f.trailer_offset);
}

void swap_bytes(mpmon_info& i) {
    swap(i.size);
    swap(i.abi_major);
    swap(i.abi_minor);
    swap(i.enabled);
    swap(i.ring_capacity);
    swap(i.event_size);
    swap(i.page_size);
    swap(i.nr_node_ids);
    swap(i.nr_online_nodes);
    swap(i.nr_cpu_ids);
    swap(i.maxactive);
    swap(i.max_status);
    swap(i.status_source);
    swap(i.arch);
    swap(i.big_endian);
    swap(i.__reserved0);
    swap(i.ring_bytes);
    swap(i.wakeup_events);
    swap(i.wakeup_ms);
    swap(i.events_mode);
    swap(i.readers);
    swap(i.migrate_sources);
    swap(i.inval_sources);
    swap(i.__reserved);
    swap(i.mmu);
    swap(i.platform);
    swap(i.cpu_pvr);
    swap(i.mmu_flags);
    swap(i.hpt_order);
    swap(i.pid_bits);
    swap(i.paging_levels);
    swap(i.flush_probes);
    swap(i.page_sizes);
    // module_version, symbol, cpu_name, platform_name, flush_probe and
    // status_probe are byte strings.
}

void swap_bytes(mpmon_filter& f) {
    swap(f.mask);
    swap(f.tgid);
    swap(f.uid);
    swap(f.__reserved0);
    swap(f.__reserved);
}

void swap_bytes(mpmon_stats& s) {
    swap(s.size);
    swap(s.flags);
    swap(s.calls);
    swap(s.ret_zero);
    swap(s.ret_positive);
    swap(s.ret_errno);
    swap(s.mode_move);
    swap(s.mode_query);
    swap(s.flag_move);
    swap(s.flag_move_all);
    swap(s.pages_requested);
    swap(s.pages_not_written);
    swap(s.pages_truncated);
    swap(s.move);
    swap(s.query);
    swap(s.lat_log2);
    swap(s.lat_sum_ns);
    swap(s.lat_max_ns);
    swap(s.ring_dropped);
    swap(s.events_read);
    swap(s.kretprobe_missed);
    swap(s.filtered);
    swap(s.__reserved);
    swap(s.flush_calls);
    swap(s.flush_pages);
    swap(s.flush_ratio);
    swap(s.pages_unknown);
    swap(s.events_off);
    swap(s.__reserved2);
    swap(s.migrate_batches);
    swap(s.migrate_ns);
    swap(s.pages_moved);
    swap(s.pages_failed);
    swap(s.migrate_inexact);
    swap(s.moved_other);
    swap(s.__reserved3);
    swap(s.moved);
    swap(s.pages_stayed);
    swap(s.failed_busy);
    swap(s.failed_nomem);
    swap(s.failed_other);
    swap(s.thp_moved);
    swap(s.thp_split);
    swap(s.thp_failed);
    swap(s.__reserved4);
    swap(s.tlbi_local);
    swap(s.tlbi_global);
    swap(s.hcalls);
    swap(s.hpte_removed);
    swap(s.hpte_protected);
    swap(s.shootdown_ipis);
    swap(s.__reserved5);
}

void swap_bytes(mpmon_event& ev) {
    swap(ev.size);
    swap(ev.flags);
    swap(ev.seq);
    swap(ev.ts_ns);
    swap(ev.latency_ns);
    swap(ev.cpu);
    swap(ev.cpu_node);
    swap(ev.tgid);
    swap(ev.pid);
    swap(ev.uid);
    swap(ev.target_pid);
    // comm is a byte string.
    swap(ev.count);
    swap(ev.mp_flags);
    swap(ev.mode);
    swap(ev.ret);
    swap(ev.pages);
    swap(ev.nodes);
    swap(ev.status);
    swap(ev.nr_forensic);
    swap(ev.status_written);
    for (auto& np : ev.node_pages) {
        swap(np.node);
        swap(np.pages);
    }
    swap(ev.nr_node_pages);
    swap(ev.node_overflow);
    swap(ev.page_err);
    swap(ev.pages_written);
    swap(ev.pages_not_written);
    swap(ev.pages_truncated);
    swap(ev.flush_calls);
    swap(ev.flush_pages);
    swap(ev.pages_unknown);
    swap(ev.pages_moved);
    swap(ev.pages_failed);
    swap(ev.migrate_batches);
    swap(ev.failed_busy);
    swap(ev.failed_nomem);
    swap(ev.failed_other);
    swap(ev.migrate_ns);
    swap(ev.thp_moved);
    swap(ev.thp_split);
    swap(ev.thp_failed);
    swap(ev.pages_stayed);
    for (auto& m : ev.moves) {
        swap(m.from);
        swap(m.to);
        swap(m.pages);
    }
    swap(ev.nr_moves);
    swap(ev.moved_other);
    swap(ev.tlbi_local);
    swap(ev.tlbi_global);
    swap(ev.hpte_removed);
    swap(ev.hpte_protected);
    swap(ev.shootdown_ipis);
    swap(ev.hcalls);
    swap(ev.inval_sources);
}

} // namespace mpctl
