// SPDX-License-Identifier: GPL-2.0
#include "recording/parse_event_json.hpp"

#include "common/text.hpp"
#include "model/decode.hpp"
#include "recording/json_field.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <string>
#include <string_view>
#include <utility>

namespace mpctl {

namespace {

// Member key of member inner of object (named outer): "migration.thp.moved".
std::uint32_t inner_u32(const nlohmann::json& object, std::string_view outer,
                        std::string_view inner, std::string_view key) {
    return json_field<std::uint32_t>(json_member(object, outer, inner), member_name(outer, inner),
                                     key);
}

// A "migration" object, as format_event.cpp writes it: each part optional.
void migration_from_json(const nlohmann::json& m, mpmon_event& ev) {
    auto u32 = [&m](std::string_view inner, std::string_view key) {
        return inner_u32(m, "migration", inner, key);
    };
    ev.flags |= MPMON_EV_MIGRATION;
    ev.pages_moved = json_field<std::uint32_t>(m, "migration", "moved");
    ev.pages_failed = json_field<std::uint32_t>(m, "migration", "failed");
    if (m.contains("stayed")) {
        ev.pages_stayed = json_field<std::uint32_t>(m, "migration", "stayed");
        ev.flags |= MPMON_EV_STAYED;
    }
    if (m.contains("batches")) {
        ev.flags |= MPMON_EV_RUNS;
        ev.migrate_batches = json_field<std::uint32_t>(m, "migration", "batches");
        ev.migrate_ns = json_field<std::uint64_t>(m, "migration", "migrate_ns");
        ev.moved_other = json_field<std::uint32_t>(m, "migration", "moved_other_nodes");
        const auto& nodes = json_member(m, "migration", "moved_by_nodes");
        auto nodes_name = member_name("migration", "moved_by_nodes");
        if (!nodes.is_object())
            throw field_error(nodes_name, "expected an object, found " + json_excerpt(nodes));
        for (const auto& [key, value] : nodes.items()) {
            auto name = member_name(nodes_name, key);
            auto gt = key.find('>');
            if (gt == std::string::npos)
                throw field_error(name, "expected SOURCE>TARGET");
            auto from = decimal_number(std::string_view(key).substr(0, gt), name);
            auto to = decimal_number(std::string_view(key).substr(gt + 1), name);
            if (from > UINT16_MAX || to > UINT16_MAX)
                throw field_error(name, "node out of range");
            if (ev.nr_moves == MPMON_EVENT_MOVES)
                throw field_error(name, fmt::format("more than {} pairs", MPMON_EVENT_MOVES));
            ev.moves[ev.nr_moves++] = {static_cast<std::uint16_t>(from),
                                       static_cast<std::uint16_t>(to),
                                       json_as<std::uint32_t>(value, name)};
        }
        ev.failed_busy = u32("failed_by_reason", "busy");
        ev.failed_nomem = u32("failed_by_reason", "nomem");
        ev.failed_other = u32("failed_by_reason", "other");
    }
    if (m.contains("thp")) {
        ev.flags |= MPMON_EV_THP;
        ev.thp_moved = u32("thp", "moved");
        ev.thp_split = u32("thp", "split");
        ev.thp_failed = u32("thp", "failed");
    }
}

// An "mmu" object: which parts it has are the event's inval_sources.
void mmu_from_json(const nlohmann::json& m, mpmon_event& ev) {
    auto u32 = [&m](std::string_view inner, std::string_view key) {
        return inner_u32(m, "mmu", inner, key);
    };
    if (m.contains("invalidations")) {
        ev.inval_sources |= MPMON_INVAL_TLBIE;
        ev.tlbi_local = u32("invalidations", "local");
        ev.tlbi_global = u32("invalidations", "global");
    }
    if (m.contains("hcalls")) {
        ev.inval_sources |= MPMON_INVAL_HCALL;
        for (unsigned i = 0; i < MPMON_EVENT_HCALLS; ++i)
            ev.hcalls[i] = u32("hcalls", hcall_name(i));
        ev.hpte_removed = u32("hpte", "removed");
        ev.hpte_protected = u32("hpte", "protected");
    }
    if (m.contains("shootdown_ipis")) {
        ev.inval_sources |= MPMON_INVAL_IPI;
        ev.shootdown_ipis = json_field<std::uint32_t>(m, "mmu", "shootdown_ipis");
    }
}

} // namespace

mpmon_event event_from_json(const nlohmann::json& j) {
    auto field = [&j]<typename T>(std::string_view key, T& out) {
        out = json_field<T>(j, "", key);
    };
    mpmon_event ev{};
    ev.size = sizeof(ev);
    field("seq", ev.seq);
    field("ts_ns", ev.ts_ns);
    field("latency_ns", ev.latency_ns);
    field("cpu", ev.cpu);
    field("cpu_node", ev.cpu_node);
    field("tgid", ev.tgid);
    field("pid", ev.pid);
    field("uid", ev.uid);
    to_field(ev.comm, json_field<std::string>(j, "", "comm"));
    field("target_pid", ev.target_pid);
    field("count", ev.count);
    field("mp_flags", ev.mp_flags);
    auto mode = json_field<std::string>(j, "", "mode");
    auto mode_number = mode_value(mode);
    if (!mode_number)
        throw field_error("mode", fmt::format("unknown mode '{}'", printable(mode)));
    ev.mode = *mode_number;
    field("ret", ev.ret);
    const auto& pages = json_member(j, "", "pages");
    const auto& nodes = json_member(j, "", "nodes");
    const auto& status = json_member(j, "", "status");
    if (!pages.is_array())
        throw field_error("pages", "expected an array, found " + json_excerpt(pages));
    ev.nr_forensic =
        static_cast<std::uint32_t>(std::min<std::size_t>(pages.size(), MPMON_FORENSIC));
    for (std::uint32_t i = 0; i < ev.nr_forensic; ++i) {
        auto name = element_name("pages", i);
        ev.pages[i] = hex_number(json_as<std::string>(pages[i], name), name);
        // null: a query (no nodes), or a status entry the kernel did not write.
        if (!nodes.is_null())
            ev.nodes[i] =
                json_as<std::int32_t>(json_element(nodes, "nodes", i), element_name("nodes", i));
        const auto& st = json_element(status, "status", i);
        if (!st.is_null()) {
            ev.status[i] = json_as<std::int32_t>(st, element_name("status", i));
            ev.status_written |= 1U << i;
        }
    }
    const auto& outcome = json_member(j, "", "outcome");
    if (!outcome.is_object())
        throw field_error("outcome", "expected an object, found " + json_excerpt(outcome));
    for (const auto& [key, value] : outcome.items()) {
        auto name = member_name("outcome", key);
        auto pages_n = json_as<std::uint32_t>(value, name);
        if (key.starts_with("node")) {
            auto node = decimal_number(std::string_view(key).substr(4), name);
            if (!std::in_range<std::int32_t>(node))
                throw field_error(name, "node out of range");
            if (ev.nr_node_pages < MPMON_EVENT_NODES)
                ev.node_pages[ev.nr_node_pages++] = {static_cast<std::int32_t>(node), pages_n};
            continue;
        }
        unsigned c = 0;
        while (c < MPMON_PERR_NR && page_err_name(c) != key)
            ++c;
        if (c == MPMON_PERR_NR)
            throw field_error(name, "unknown outcome");
        ev.page_err[c] = pages_n;
    }
    field("node_overflow", ev.node_overflow);
    field("pages_written", ev.pages_written);
    field("pages_not_written", ev.pages_not_written);
    field("pages_truncated", ev.pages_truncated);
    // Captures of modules before ABI 1.3 have no pages_unknown.
    if (j.contains("pages_unknown"))
        field("pages_unknown", ev.pages_unknown);
    if (j.contains("migration"))
        migration_from_json(json_member(j, "", "migration"), ev);
    if (j.contains("mmu"))
        mmu_from_json(json_member(j, "", "mmu"), ev);
    // Captures of ABI 1.0/1.1 modules have no flush fields.
    if (j.contains("flush_calls"))
        field("flush_calls", ev.flush_calls);
    if (j.contains("flush_pages"))
        field("flush_pages", ev.flush_pages);
    const auto& flags = json_member(j, "", "event_flags");
    if (!flags.is_array())
        throw field_error("event_flags", "expected an array, found " + json_excerpt(flags));
    for (std::size_t k = 0; k < flags.size(); ++k) {
        auto name = json_as<std::string>(flags[k], element_name("event_flags", k));
        for (const auto& [bit, known] : event_flag_names)
            if (name == known)
                ev.flags |= bit;
    }
    return ev;
}

} // namespace mpctl
