// SPDX-License-Identifier: GPL-2.0
// Names for the numbers in mpmon records: errnos, flags, modes, nodes.
#pragma once

#include <linux/mpmon.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpctl {

// "EINVAL" for 22: from the C library (strerrorname_np), "E<n>" if unknown.
std::string errno_name(int err);
// The C library's description, e.g. "Invalid argument".
std::string errno_text(int err);
// errno_name() and errno_text() of -value, for a negative return or status
// entry: the kernel's are -1 to -4095, but a crafted recording may hold any
// value, also the minimum, whose negation overflows.  Beyond int the name is
// "E<n>" and the text "Unknown error <n>".
std::string neg_errno_name(std::int64_t value);
std::string neg_errno_text(std::int64_t value);
// The errno of a per-page error class (MPMON_PERR_*), 0 for "other".
int page_err_errno(unsigned cls);
// "EACCES" ... "other": the key of a per-page error class.
std::string page_err_name(unsigned cls);
// "MPOL_MF_MOVE|MPOL_MF_MOVE_ALL", "0", unknown bits in hex.
std::string flags_name(std::uint32_t flags);
// "move" or "query"; "mode7" for a mode of no name.
std::string mode_name(std::uint32_t mode);
// A status entry: "node1" style key for >= 0, errno name for < 0 (any value).
std::string status_key(std::int32_t status);
// "ppc64le", "x86_64", ...; a value of no name as "unknown(N)".
std::string arch_name(std::uint32_t arch);
// "store_status probe", "readback"; else "unknown(N)".
std::string status_source_name(std::uint32_t source);
// "never", "auto", "always" (MPMON_EVENTS_*); else "unknown(N)".
std::string events_mode_name(std::uint32_t mode);
// "hash", "radix", "x86_64", "other", "unknown" (MPMON_MMU_UNKNOWN); a
// value of no name as "unknown(N)".
std::string mmu_name(std::uint32_t mmu);
// "H_REMOVE", "H_BULK_REMOVE", "H_PROTECT", "H_RPT_INVALIDATE" for the
// MPMON_HCALL_* slots; "" for a slot of no name.
std::string hcall_name(unsigned slot);
// "lpar", "powernv", "other", "unknown" (MPMON_PLATFORM_UNKNOWN); else
// "unknown(N)".
std::string platform_kind(std::uint32_t platform);
// The inverses of the six above, for reading recordings back: every name
// they print, "mode7" and "unknown(N)" included, gives its value back;
// nullopt for a name they do not print.
std::optional<std::uint32_t> mode_value(std::string_view name);
std::optional<std::uint32_t> arch_value(std::string_view name);
std::optional<std::uint32_t> status_source_value(std::string_view name);
std::optional<std::uint32_t> events_mode_value(std::string_view name);
std::optional<std::uint32_t> mmu_value(std::string_view name);
std::optional<std::uint32_t> platform_value(std::string_view name);
// The page sizes of a MMU page_sizes mask (bit k: 2^k bytes), smallest first.
std::vector<std::uint64_t> page_size_list(std::uint64_t mask);

// The tables below are shared by what prints names (output/) and what
// reads them back (recording/).

// The MPMON_EV_* bits by name, in the order an event's JSON lists
// them (event_flags); MPMON_EV_MIGRATION is its "migration" member instead.
inline constexpr std::array<std::pair<std::uint32_t, const char*>, 6> event_flag_names = {{
    {MPMON_EV_TRUNCATED, "truncated"},
    {MPMON_EV_COMPAT, "compat"},
    {MPMON_EV_NODE_OVERFLOW, "node_overflow"},
    {MPMON_EV_ARGS_FAULT, "args_fault"},
    {MPMON_EV_STATUS_FAULT, "status_fault"},
    {MPMON_EV_INEXACT, "inexact"},
}};

// A source of the migration or invalidation counters, by the name info
// prints and its JSON holds.
struct SourceName {
    std::uint32_t bit;
    std::string_view name;
};

// The sources of the migration counters (mpmon_info.migrate_sources) and of
// the invalidation counters (inval_sources).
inline constexpr std::array<SourceName, 4> migrate_source_names{{
    {MPMON_MIGRATE_RUNS, "migrate_pages"},
    {MPMON_MIGRATE_STAYED, "stayed"},
    {MPMON_MIGRATE_REASONS, "failure_reasons"},
    {MPMON_MIGRATE_THP, "mm_migrate_pages"},
}};
inline constexpr std::array<SourceName, 3> inval_source_names{{
    {MPMON_INVAL_TLBIE, "tlbie"},
    {MPMON_INVAL_HCALL, "hcall_entry"},
    {MPMON_INVAL_IPI, "tlb_flush"},
}};

} // namespace mpctl
