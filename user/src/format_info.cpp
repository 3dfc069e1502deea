// SPDX-License-Identifier: GPL-2.0
#include "format_info.hpp"

#include "decode.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <tuple>
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
    row(out, "page size", fmt::format("{} bytes", grouped(i.page_size)));
    row(out, "NUMA nodes", fmt::format("{} online, {} possible", i.nr_online_nodes, i.nr_node_ids));
    row(out, "CPUs", fmt::format("{} possible", i.nr_cpu_ids));
    row(out, "maxactive", fmt::format("{} calls in flight at most", i.maxactive));
    row(out, "max_status",
        fmt::format("{} status entries examined per call", grouped(i.max_status)));
    row(out, "move outcome", fmt::format("from the {}", status_source_name(i.status_source)));
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
    j["event_size"] = i.event_size;
    j["page_size"] = i.page_size;
    j["nodes"] = {{"online", i.nr_online_nodes}, {"possible", i.nr_node_ids}};
    j["cpus"] = i.nr_cpu_ids;
    j["maxactive"] = i.maxactive;
    j["max_status"] = i.max_status;
    j["status_source"] = status_source_name(i.status_source);
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

namespace {

std::uint32_t known(std::optional<std::uint32_t> value, const char* what, const std::string& name) {
    if (!value)
        throw std::invalid_argument(fmt::format("unknown {} '{}'", what, name));
    return *value;
}

// "1.2" -> (1, 2).
std::pair<std::uint32_t, std::uint32_t> version_pair(const std::string& text) {
    unsigned major = 0, minor = 0;
    auto dot = text.find('.');
    if (dot == std::string::npos)
        throw std::invalid_argument(fmt::format("bad ABI version '{}'", text));
    major = static_cast<unsigned>(std::stoul(text.substr(0, dot)));
    minor = static_cast<unsigned>(std::stoul(text.substr(dot + 1)));
    return {major, minor};
}

} // namespace

mpmon_info info_from_json(const nlohmann::json& j) {
    mpmon_info i{};
    i.size = sizeof(i);
    std::tie(i.abi_major, i.abi_minor) = version_pair(j.at("abi").at("module").get<std::string>());
    to_field(i.module_version, j.at("module_version").get<std::string>());
    to_field(i.symbol, j.at("symbol").get<std::string>());
    auto arch = j.at("arch").get<std::string>();
    i.arch = known(arch_value(arch), "architecture", arch);
    i.big_endian = j.at("big_endian").get<bool>() ? 1 : 0;
    i.enabled = j.at("enabled").get<bool>() ? 1 : 0;
    i.ring_capacity = j.at("ring_capacity").get<std::uint32_t>();
    i.event_size = j.at("event_size").get<std::uint32_t>();
    i.page_size = j.at("page_size").get<std::uint32_t>();
    i.nr_online_nodes = j.at("nodes").at("online").get<std::uint32_t>();
    i.nr_node_ids = j.at("nodes").at("possible").get<std::uint32_t>();
    i.nr_cpu_ids = j.at("cpus").get<std::uint32_t>();
    i.maxactive = j.at("maxactive").get<std::uint32_t>();
    i.max_status = j.at("max_status").get<std::uint32_t>();
    auto source = j.at("status_source").get<std::string>();
    i.status_source = known(status_source_value(source), "status source", source);

    const auto& mmu = j.at("mmu");
    auto mode = mmu.at("mode").get<std::string>();
    i.mmu = known(mmu_value(mode), "MMU", mode);
    for (auto size : mmu.at("page_sizes").get<std::vector<std::uint64_t>>())
        if (size && (size & (size - 1)) == 0)
            i.page_sizes |= size;
    i.hpt_order = mmu.value("hpt_order", std::uint32_t{0});
    if (mmu.value("segment_1t", false))
        i.mmu_flags |= MPMON_MMUF_1T_SEGMENT;
    i.pid_bits = mmu.value("pid_bits", std::uint32_t{0});
    i.paging_levels = mmu.value("paging_levels", std::uint32_t{0});
    auto probes = mmu.at("flush_probes").get<std::vector<std::string>>();
    for (std::size_t k = 0; k < probes.size() && k < MPMON_FLUSH_PROBES; ++k) {
        i.flush_probes |= 1U << k;
        to_field(i.flush_probe[k], probes[k]);
    }

    const auto& cpu = j.at("cpu");
    i.cpu_pvr =
        static_cast<std::uint32_t>(std::stoul(cpu.at("pvr").get<std::string>(), nullptr, 16));
    to_field(i.cpu_name, cpu.at("name").get<std::string>());
    if (cpu.at("architected").get<bool>())
        i.mmu_flags |= MPMON_MMUF_ARCHITECTED;
    auto kind = j.at("platform").at("kind").get<std::string>();
    i.platform = known(platform_value(kind), "platform", kind);
    to_field(i.platform_name, j.at("platform").at("name").get<std::string>());
    return i;
}

} // namespace mpctl
