// SPDX-License-Identifier: GPL-2.0
#include "recording/parse_info_json.hpp"

#include "common/text.hpp"
#include "model/decode.hpp"
#include "recording/json_field.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace mpctl {

namespace {

// The bits of an optional array of source names (absent: 0).
std::uint32_t parse_sources(const nlohmann::json& j, const std::string& key,
                            std::span<const SourceName> table) {
    std::uint32_t bits = 0;
    if (!j.is_object() || !j.contains(key))
        return 0;
    const auto& sources = j.at(key);
    const std::string where = "info." + key;
    if (!sources.is_array())
        throw field_error(where, "expected an array, found " + json_excerpt(sources));
    for (const auto& source : sources) {
        auto name = json_as<std::string>(source, where);
        auto it = std::ranges::find(table, name, &SourceName::name);
        if (it == table.end())
            throw field_error(where, "unknown source '" + name + "'");
        bits |= it->bit;
    }
    return bits;
}

std::uint32_t known(std::optional<std::uint32_t> value, std::string_view field, const char* what,
                    const std::string& name) {
    if (!value)
        throw field_error(field, fmt::format("unknown {} '{}'", what, printable(name)));
    return *value;
}

// "1.2" -> (1, 2).
std::pair<std::uint32_t, std::uint32_t> version_pair(const std::string& text,
                                                     std::string_view field) {
    auto dot = text.find('.');
    if (dot == std::string::npos)
        throw field_error(field, fmt::format("bad ABI version '{}'", printable(text)));
    auto part = [&](std::string_view digits) {
        auto n = decimal_number(digits, field);
        if (!std::in_range<std::uint32_t>(n))
            throw field_error(field, fmt::format("bad ABI version '{}'", printable(text)));
        return static_cast<std::uint32_t>(n);
    };
    auto view = std::string_view(text);
    return {part(view.substr(0, dot)), part(view.substr(dot + 1))};
}

} // namespace

mpmon_info info_from_json(const nlohmann::json& j) {
    // Named as in the recording's header, where this is "info".
    constexpr std::string_view top = "info";
    auto field = [&j, top]<typename T>(std::string_view key, T& out) {
        out = json_field<T>(j, top, key);
    };
    auto text = [](const nlohmann::json& object, std::string_view parent, std::string_view key) {
        return json_field<std::string>(object, parent, key);
    };
    mpmon_info i{};
    i.size = sizeof(i);
    const auto& abi = json_member(j, top, "abi");
    std::tie(i.abi_major, i.abi_minor) =
        version_pair(text(abi, "info.abi", "module"), "info.abi.module");
    to_field(i.module_version, text(j, top, "module_version"));
    to_field(i.symbol, text(j, top, "symbol"));
    auto arch = text(j, top, "arch");
    i.arch = known(arch_value(arch), "info.arch", "architecture", arch);
    i.big_endian = json_field<bool>(j, top, "big_endian") ? 1 : 0;
    i.enabled = json_field<bool>(j, top, "enabled") ? 1 : 0;
    field("ring_capacity", i.ring_capacity);
    // ABI 1.3; recordings of older modules or mpctls have none: 0 then.
    auto optional_top = [&j, top]<typename T>(std::string_view key, T& out) {
        if (j.is_object() && j.contains(key))
            out = json_field<T>(j, top, key);
    };
    optional_top("ring_bytes", i.ring_bytes);
    optional_top("wakeup_events", i.wakeup_events);
    optional_top("wakeup_ms", i.wakeup_ms);
    std::string events_mode;
    optional_top("events_mode", events_mode);
    if (!events_mode.empty())
        i.events_mode =
            known(events_mode_value(events_mode), "info.events_mode", "events mode", events_mode);
    optional_top("readers", i.readers);
    i.migrate_sources = parse_sources(j, "migrate_sources", migrate_source_names);
    i.inval_sources = parse_sources(j, "inval_sources", inval_source_names);
    field("event_size", i.event_size);
    field("page_size", i.page_size);
    const auto& nodes = json_member(j, top, "nodes");
    i.nr_online_nodes = json_field<std::uint32_t>(nodes, "info.nodes", "online");
    i.nr_node_ids = json_field<std::uint32_t>(nodes, "info.nodes", "possible");
    field("cpus", i.nr_cpu_ids);
    field("maxactive", i.maxactive);
    field("max_status", i.max_status);
    auto source = text(j, top, "status_source");
    i.status_source =
        known(status_source_value(source), "info.status_source", "status source", source);
    // null: the outcomes are read back at return.
    if (j.is_object() && j.contains("status_probe") && !j.at("status_probe").is_null())
        to_field(i.status_probe, text(j, top, "status_probe"));

    const auto& mmu = json_member(j, top, "mmu");
    constexpr std::string_view in_mmu = "info.mmu";
    auto mode = text(mmu, in_mmu, "mode");
    i.mmu = known(mmu_value(mode), "info.mmu.mode", "MMU", mode);
    const auto& sizes = json_member(mmu, in_mmu, "page_sizes");
    if (!sizes.is_array())
        throw field_error("info.mmu.page_sizes", "expected an array, found " + json_excerpt(sizes));
    for (std::size_t k = 0; k < sizes.size(); ++k) {
        auto size = json_as<std::uint64_t>(sizes[k], element_name("info.mmu.page_sizes", k));
        if (size && (size & (size - 1)) == 0)
            i.page_sizes |= size;
    }
    auto optional = [&mmu, in_mmu]<typename T>(std::string_view key, T& out) {
        if (mmu.is_object() && mmu.contains(key))
            out = json_field<T>(mmu, in_mmu, key);
    };
    optional("hpt_order", i.hpt_order);
    bool segment_1t = false;
    optional("segment_1t", segment_1t);
    if (segment_1t)
        i.mmu_flags |= MPMON_MMUF_1T_SEGMENT;
    optional("pid_bits", i.pid_bits);
    optional("paging_levels", i.paging_levels);
    const auto& probes = json_member(mmu, in_mmu, "flush_probes");
    if (!probes.is_array())
        throw field_error("info.mmu.flush_probes",
                          "expected an array, found " + json_excerpt(probes));
    for (std::size_t k = 0; k < probes.size() && k < MPMON_FLUSH_PROBES; ++k) {
        i.flush_probes |= 1U << k;
        to_field(i.flush_probe[k],
                 json_as<std::string>(probes[k], element_name("info.mmu.flush_probes", k)));
    }

    const auto& cpu = json_member(j, top, "cpu");
    constexpr std::string_view in_cpu = "info.cpu";
    auto pvr = hex_number(text(cpu, in_cpu, "pvr"), "info.cpu.pvr");
    if (!std::in_range<std::uint32_t>(pvr))
        throw field_error("info.cpu.pvr", "out of range");
    i.cpu_pvr = static_cast<std::uint32_t>(pvr);
    to_field(i.cpu_name, text(cpu, in_cpu, "name"));
    if (json_field<bool>(cpu, in_cpu, "architected"))
        i.mmu_flags |= MPMON_MMUF_ARCHITECTED;
    const auto& platform = json_member(j, top, "platform");
    auto kind = text(platform, "info.platform", "kind");
    i.platform = known(platform_value(kind), "info.platform.kind", "platform", kind);
    to_field(i.platform_name, text(platform, "info.platform", "name"));
    return i;
}

} // namespace mpctl
