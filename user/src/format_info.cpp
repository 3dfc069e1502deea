// SPDX-License-Identifier: GPL-2.0
#include "format_info.hpp"

#include "decode.hpp"
#include "text.hpp"

#include <cstring>
#include <fmt/format.h>

namespace mpctl {

namespace {

std::string bounded(const char* s, std::size_t size) {
    return std::string(s, strnlen(s, size));
}

std::string comm_of(const mpmon_filter& f) {
    return bounded(f.comm, sizeof(f.comm));
}

void row(std::ostream& out, std::string_view key, const std::string& value) {
    out << fmt::format("{:<16}{}\n", key, value);
}

} // namespace

std::string filter_text(const mpmon_filter& f) {
    std::string out;
    auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
    if (f.mask & MPMON_FILTER_TGID)
        add(fmt::format("tgid {}", f.tgid));
    if (f.mask & MPMON_FILTER_UID)
        add(fmt::format("uid {}", f.uid));
    if (f.mask & MPMON_FILTER_COMM)
        add(fmt::format("comm \"{}\"", comm_of(f)));
    return out.empty() ? "none (every call is recorded)" : out;
}

nlohmann::ordered_json filter_json(const mpmon_filter& f) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (f.mask & MPMON_FILTER_TGID)
        j["tgid"] = f.tgid;
    if (f.mask & MPMON_FILTER_UID)
        j["uid"] = f.uid;
    if (f.mask & MPMON_FILTER_COMM)
        j["comm"] = comm_of(f);
    return j;
}

void print_info(std::ostream& out, const mpmon_info& i, const mpmon_filter& filter) {
    row(out, "module",
        fmt::format("mpmon {} (ABI {}.{}; mpctl {}, ABI {}.{})",
                    bounded(i.module_version, sizeof(i.module_version)), i.abi_major, i.abi_minor,
                    MPCTL_VERSION, MPMON_ABI_MAJOR, MPMON_ABI_MINOR));
    row(out, "probed symbol", bounded(i.symbol, sizeof(i.symbol)));
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
}

nlohmann::ordered_json info_json(const mpmon_info& i, const mpmon_filter& filter) {
    nlohmann::ordered_json j;
    j["module_version"] = bounded(i.module_version, sizeof(i.module_version));
    j["abi"] = {{"module", fmt::format("{}.{}", i.abi_major, i.abi_minor)},
                {"mpctl", fmt::format("{}.{}", MPMON_ABI_MAJOR, MPMON_ABI_MINOR)}};
    j["mpctl_version"] = MPCTL_VERSION;
    j["symbol"] = bounded(i.symbol, sizeof(i.symbol));
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
    return j;
}

} // namespace mpctl
