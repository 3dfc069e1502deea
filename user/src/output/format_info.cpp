// SPDX-License-Identifier: GPL-2.0
#include "output/format_info.hpp"

#include "common/text.hpp"
#include "model/decode.hpp"

#include <fmt/format.h>
#include <span>
#include <string_view>
#include <vector>

namespace mpctl {

namespace {

void row(std::ostream& out, std::string_view key, const std::string& value) {
    out << fmt::format("{:<16}{}\n", key, value);
}

std::string page_sizes_text(std::uint64_t mask) {
    std::vector<std::string> labels;
    for (auto size : page_size_list(mask))
        labels.push_back(pow2_label(size));
    return labels.empty() ? "-" : join(labels, " ");
}

std::vector<std::string> flush_probe_names(const mpmon_info& i) {
    std::vector<std::string> names;
    for (unsigned k = 0; k < MPMON_FLUSH_PROBES; ++k)
        if (i.flush_probes & (1U << k))
            names.push_back(from_field(i.flush_probe[k]));
    return names;
}

// "radix, PID 20 bits" / "hash, HPT 16M, 1T segments" / "x86_64, 4-level paging".
std::string mmu_text(const mpmon_info& i) {
    std::string out = mmu_name(i.mmu);
    if (i.mmu == MPMON_MMU_HASH) {
        out +=
            fmt::format(", HPT {}", i.hpt_order < 64 ? pow2_label(std::uint64_t{1} << i.hpt_order)
                                                     : std::string("?"));
        if (i.mmu_flags & MPMON_MMUF_1T_SEGMENT)
            out += ", 1T segments";
    } else if (i.mmu == MPMON_MMU_RADIX) {
        out += fmt::format(", PID {} bits", i.pid_bits);
    } else if (i.mmu == MPMON_MMU_X86_PAGING) {
        out += fmt::format(", {}-level paging", i.paging_levels);
    }
    return out;
}

// ABI 1.3 fields: a 1.2 module leaves them zero, so they are shown only
// for a module of 1.3 or later.
bool has_events_mode(const mpmon_info& i) {
    return i.abi_major > 1 || (i.abi_major == 1 && i.abi_minor >= 3);
}

// "18,874,368 bytes (18.0 MiB)".
std::string bytes_text(std::uint64_t bytes) {
    std::string out = fmt::format("{} bytes", grouped(bytes));
    if (bytes >= (std::uint64_t{1} << 20))
        out += fmt::format(" ({:.1f} MiB)", static_cast<double>(bytes) / (1 << 20));
    else if (bytes >= (std::uint64_t{1} << 10))
        out += fmt::format(" ({:.1f} KiB)", static_cast<double>(bytes) / (1 << 10));
    return out;
}

// "at 1 unread event" / "at 64 unread events, or 200 ms after the oldest".
std::string wakeup_text(const mpmon_info& i) {
    std::string out = fmt::format("at {} unread event{}", grouped(i.wakeup_events),
                                  i.wakeup_events == 1 ? "" : "s");
    if (i.wakeup_ms)
        out += fmt::format(", or {} ms after the oldest", i.wakeup_ms);
    return out;
}

std::string events_mode_text(std::uint32_t mode) {
    switch (mode) {
    case MPMON_EVENTS_AUTO:
        return "auto (calls become events only while a reader is attached)";
    case MPMON_EVENTS_ALWAYS:
        return "always (every call becomes an event: a flight recorder)";
    case MPMON_EVENTS_NEVER:
        return "never (calls are only counted)";
    default:
        return events_mode_name(mode);
    }
}

// Where move mode's per-page outcomes come from: the function probed for
// them, or the status array read back when the call returns.
std::string move_outcome_text(const mpmon_info& i) {
    std::string probe = from_field(i.status_probe);
    if (probe.empty())
        return "read back at return";
    return fmt::format("from a probe on {}", probe);
}

// None for a module that counts none (the fields were reserved, 0, before).
std::vector<std::string> source_names(std::uint32_t bits, std::span<const SourceName> table) {
    std::vector<std::string> names;
    for (const auto& [bit, name] : table)
        if (bits & bit)
            names.emplace_back(name);
    return names;
}

std::string platform_text(const mpmon_info& i) {
    std::string name = from_field(i.platform_name);
    switch (i.platform) {
    case MPMON_PLATFORM_LPAR:
        return name + " LPAR (PowerVM or KVM guest)";
    case MPMON_PLATFORM_POWERNV:
        return name + " bare metal (OPAL)";
    default:
        return name.empty() ? platform_kind(i.platform) : name;
    }
}

} // namespace

std::string filter_text(const mpmon_filter& f) {
    std::vector<std::string> parts;
    if (f.mask & MPMON_FILTER_TGID)
        parts.push_back(fmt::format("tgid {}", f.tgid));
    if (f.mask & MPMON_FILTER_UID)
        parts.push_back(fmt::format("uid {}", f.uid));
    if (f.mask & MPMON_FILTER_COMM)
        parts.push_back(fmt::format("comm \"{}\"", from_field(f.comm)));
    return parts.empty() ? "none (every call is recorded)" : join(parts, ", ");
}

nlohmann::ordered_json filter_json(const mpmon_filter& f) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (f.mask & MPMON_FILTER_TGID)
        j["tgid"] = f.tgid;
    if (f.mask & MPMON_FILTER_UID)
        j["uid"] = f.uid;
    if (f.mask & MPMON_FILTER_COMM)
        j["comm"] = from_field(f.comm);
    return j;
}

void print_info(std::ostream& out, const mpmon_info& i, const mpmon_filter& filter) {
    row(out, "module",
        fmt::format("mpmon {} (ABI {}.{}; mpctl {}, ABI {}.{})", from_field(i.module_version),
                    i.abi_major, i.abi_minor, MPCTL_VERSION, MPMON_ABI_MAJOR, MPMON_ABI_MINOR));
    row(out, "probed symbol", from_field(i.symbol));
    row(out, "architecture",
        fmt::format("{} ({}-endian)", arch_name(i.arch), i.big_endian ? "big" : "little"));
    row(out, "enabled", i.enabled ? "yes" : "no (calls are not recorded)");
    row(out, "filter", filter_text(filter));
    row(out, "event ring",
        fmt::format("{} events of {} bytes", grouped(i.ring_capacity), i.event_size));
    if (has_events_mode(i)) {
        row(out, "ring memory", bytes_text(i.ring_bytes));
        row(out, "ring wake-up", wakeup_text(i));
        row(out, "events", events_mode_text(i.events_mode));
        row(out, "readers", fmt::format("{} attached", i.readers));
    }
    row(out, "page size", fmt::format("{} bytes", grouped(i.page_size)));
    row(out, "NUMA nodes", fmt::format("{} online, {} possible", i.nr_online_nodes, i.nr_node_ids));
    row(out, "CPUs", fmt::format("{} possible", i.nr_cpu_ids));
    row(out, "maxactive", fmt::format("{} calls in flight at most", i.maxactive));
    row(out, "max_status",
        fmt::format("{} status entries examined per call", grouped(i.max_status)));
    row(out, "move outcome",
        has_events_mode(i) ? move_outcome_text(i)
                           : fmt::format("from the {}", status_source_name(i.status_source)));
    if (auto sources = source_names(i.migrate_sources, migrate_source_names); !sources.empty())
        row(out, "migrations", "from a probe on " + join(sources, ", "));
    if (auto sources = source_names(i.inval_sources, inval_source_names); !sources.empty())
        row(out, "invalidations", "from the tracepoints " + join(sources, ", "));
    if (i.mmu == MPMON_MMU_UNKNOWN)
        return; // a module older than ABI 1.2
    row(out, "MMU", mmu_text(i));
    row(out, "page sizes", page_sizes_text(i.page_sizes));
    std::string cpu = from_field(i.cpu_name);
    if (i.cpu_pvr)
        cpu += fmt::format(", PVR {:#010x}", i.cpu_pvr);
    if (i.mmu_flags & MPMON_MMUF_ARCHITECTED)
        cpu += ", architected mode";
    row(out, "CPU", cpu);
    row(out, "platform", platform_text(i));
    // One line per probe when they do not fit on one.
    auto probes = flush_probe_names(i);
    if (probes.empty())
        probes.emplace_back("none");
    std::string all = join(probes, " ");
    if (16 + all.size() <= 80)
        row(out, "flush probes", all);
    else
        for (std::size_t k = 0; k < probes.size(); ++k)
            row(out, k ? "" : "flush probes", probes[k]);
}

nlohmann::ordered_json info_json(const mpmon_info& i, const mpmon_filter& filter) {
    nlohmann::ordered_json j;
    j["module_version"] = from_field(i.module_version);
    j["abi"] = {{"module", fmt::format("{}.{}", i.abi_major, i.abi_minor)},
                {"mpctl", fmt::format("{}.{}", MPMON_ABI_MAJOR, MPMON_ABI_MINOR)}};
    j["mpctl_version"] = MPCTL_VERSION;
    j["symbol"] = from_field(i.symbol);
    j["arch"] = arch_name(i.arch);
    j["big_endian"] = i.big_endian != 0;
    j["enabled"] = i.enabled != 0;
    j["filter"] = filter_json(filter);
    j["ring_capacity"] = i.ring_capacity;
    if (has_events_mode(i)) {
        j["ring_bytes"] = i.ring_bytes;
        j["wakeup_events"] = i.wakeup_events;
        j["wakeup_ms"] = i.wakeup_ms;
        j["events_mode"] = events_mode_name(i.events_mode);
        j["readers"] = i.readers;
    }
    j["event_size"] = i.event_size;
    j["page_size"] = i.page_size;
    j["nodes"] = {{"online", i.nr_online_nodes}, {"possible", i.nr_node_ids}};
    j["cpus"] = i.nr_cpu_ids;
    j["maxactive"] = i.maxactive;
    j["max_status"] = i.max_status;
    j["status_source"] = status_source_name(i.status_source);
    if (has_events_mode(i)) {
        std::string probe = from_field(i.status_probe);
        j["status_probe"] =
            probe.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(probe);
    }
    if (auto sources = source_names(i.migrate_sources, migrate_source_names); !sources.empty())
        j["migrate_sources"] = sources;
    if (auto sources = source_names(i.inval_sources, inval_source_names); !sources.empty())
        j["inval_sources"] = sources;
    nlohmann::ordered_json mmu;
    mmu["mode"] = mmu_name(i.mmu);
    mmu["page_sizes"] = page_size_list(i.page_sizes);
    if (i.mmu == MPMON_MMU_HASH) {
        mmu["hpt_order"] = i.hpt_order;
        mmu["segment_1t"] = (i.mmu_flags & MPMON_MMUF_1T_SEGMENT) != 0;
    } else if (i.mmu == MPMON_MMU_RADIX) {
        mmu["pid_bits"] = i.pid_bits;
    } else if (i.mmu == MPMON_MMU_X86_PAGING) {
        mmu["paging_levels"] = i.paging_levels;
    }
    mmu["flush_probes"] = flush_probe_names(i);
    j["mmu"] = mmu;
    j["cpu"] = {{"pvr", fmt::format("{:#010x}", i.cpu_pvr)},
                {"name", from_field(i.cpu_name)},
                {"architected", (i.mmu_flags & MPMON_MMUF_ARCHITECTED) != 0}};
    j["platform"] = {{"kind", platform_kind(i.platform)}, {"name", from_field(i.platform_name)}};
    return j;
}

} // namespace mpctl
