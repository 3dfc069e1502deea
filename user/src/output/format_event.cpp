// SPDX-License-Identifier: GPL-2.0
#include "output/format_event.hpp"

#include "common/text.hpp"
#include "model/decode.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <fmt/format.h>
#include <iterator>

namespace mpctl {

namespace {

std::string status_text(std::int32_t status) {
    return status >= 0 ? std::to_string(status) : neg_errno_name(status);
}

// Entries shown per array in a text line (JSON has all MPMON_FORENSIC).
constexpr std::size_t line_entries = 4;

// "[a, b, c, ...]" of the first forensic entries; "..." when count has more.
template <typename F> std::string list(const mpmon_event& ev, F&& item) {
    std::string out = "[";
    std::size_t n = std::min(forensic_entries(ev), line_entries);
    for (std::size_t i = 0; i < n; ++i) {
        if (i)
            out += ", ";
        out += item(i);
    }
    if (ev.count > n)
        out += n ? ", ..." : "...";
    return out + "]";
}

// What the move's migrate_pages() runs did and the invalidations it caused,
// each part where the event has it, non-zero counts only.
std::string anatomy_text(const mpmon_event& ev) {
    std::string out;
    if (ev.flags & MPMON_EV_MIGRATION)
        out += fmt::format(" moved:{} failed:{}", ev.pages_moved, ev.pages_failed);
    if (ev.flags & MPMON_EV_STAYED)
        out += fmt::format(" stayed:{}", ev.pages_stayed);
    if (ev.flags & MPMON_EV_RUNS) {
        std::string moves;
        for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_moves, MPMON_EVENT_MOVES); ++i)
            moves += fmt::format(",{}>{}:{}", ev.moves[i].from, ev.moves[i].to, ev.moves[i].pages);
        if (ev.moved_other)
            moves += fmt::format(",other:{}", ev.moved_other);
        if (!moves.empty())
            out += " moves=" + moves.substr(1);
        if (ev.pages_failed)
            out += fmt::format(" failed_by=busy:{},nomem:{},other:{}", ev.failed_busy,
                               ev.failed_nomem, ev.failed_other);
        if (ev.migrate_batches)
            out += fmt::format(" runs={}/{}", ev.migrate_batches, duration(ev.migrate_ns));
    }
    if ((ev.flags & MPMON_EV_THP) && (ev.thp_moved || ev.thp_split || ev.thp_failed))
        out += fmt::format(" thp={}/{}/{}", ev.thp_moved, ev.thp_split, ev.thp_failed);
    if ((ev.inval_sources & MPMON_INVAL_TLBIE) && (ev.tlbi_local || ev.tlbi_global))
        out += fmt::format(" tlbi={}/{}", ev.tlbi_local, ev.tlbi_global);
    if (ev.inval_sources & MPMON_INVAL_HCALL) {
        std::string hcalls;
        for (unsigned i = 0; i < MPMON_EVENT_HCALLS; ++i)
            if (ev.hcalls[i])
                hcalls += fmt::format(",{}:{}", hcall_name(i), ev.hcalls[i]);
        if (!hcalls.empty())
            out += " hcalls=" + hcalls.substr(1);
        if (ev.hpte_removed || ev.hpte_protected)
            out += fmt::format(" hpte={}/{}", ev.hpte_removed, ev.hpte_protected);
    }
    if ((ev.inval_sources & MPMON_INVAL_IPI) && ev.shootdown_ipis)
        out += fmt::format(" ipis={}", ev.shootdown_ipis);
    return out;
}

std::string ret_text(std::int64_t ret) {
    if (ret < 0)
        return fmt::format("-1 {} ({})", neg_errno_name(ret), neg_errno_text(ret));
    if (ret > 0)
        return fmt::format("{} (pages not migrated)", ret);
    return "0";
}

} // namespace

std::string result_class(std::int64_t ret) {
    if (ret < 0)
        return neg_errno_name(ret);
    return ret > 0 ? "positive" : "0";
}

std::string event_line(const mpmon_event& ev, const Clock& clock) {
    bool query = ev.mode == MPMON_MODE_QUERY;
    std::string pages = list(ev, [&](std::size_t i) { return fmt::format("{:#x}", ev.pages[i]); });
    std::string nodes =
        query ? "NULL" : list(ev, [&](std::size_t i) { return std::to_string(ev.nodes[i]); });
    std::string line = fmt::format(
        "{} cpu{} {}[{}/{}] move_pages({}, {}, {}, {}, {}) = {} <{}>", clock.format(ev.ts_ns),
        ev.cpu, printable(from_field(ev.comm)), ev.tgid, ev.pid, ev.target_pid, ev.count, pages,
        nodes, flags_name(ev.mp_flags), ret_text(ev.ret), duration(ev.latency_ns));

    if (ev.status_written || ev.pages_written) {
        line +=
            " status=" + list(ev, [&](std::size_t i) {
                return status_entry_written(ev, i) ? status_text(ev.status[i]) : std::string("-");
            });
        std::string summary;
        for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_node_pages, MPMON_EVENT_NODES);
             ++i)
            summary += fmt::format(" node{}:{}", ev.node_pages[i].node, ev.node_pages[i].pages);
        if (ev.node_overflow)
            summary += fmt::format(" other_nodes:{}", ev.node_overflow);
        for (unsigned c = 0; c < MPMON_PERR_NR; ++c)
            if (ev.page_err[c])
                summary += fmt::format(" {}:{}", page_err_name(c), ev.page_err[c]);
        line += summary;
    }
    if (ev.flush_calls)
        line += fmt::format(" flush={}/{}", ev.flush_calls, ev.flush_pages);
    if (ev.pages_not_written)
        line += fmt::format(" not_written:{}", ev.pages_not_written);
    if (ev.pages_truncated)
        line += fmt::format(" truncated:{}", ev.pages_truncated);
    if (ev.pages_unknown)
        line += fmt::format(" unknown:{}", ev.pages_unknown);
    line += anatomy_text(ev);
    for (const auto& [bit, name] : event_flag_names)
        if ((ev.flags & bit) && bit != MPMON_EV_TRUNCATED && bit != MPMON_EV_NODE_OVERFLOW)
            line += fmt::format(" [{}]", name);
    return line;
}

namespace {

// The members of an event's JSON, in the order they are printed.  Keys are
// a stable contract: scripts read them.
enum Member : std::size_t {
    m_seq,
    m_ts_ns,
    m_latency_ns,
    m_cpu,
    m_cpu_node,
    m_tgid,
    m_pid,
    m_uid,
    m_comm,
    m_target_pid,
    m_count,
    m_mp_flags,
    m_flags,
    m_mode,
    m_ret,
    m_result,
    m_pages,
    m_nodes,
    m_status,
    m_outcome,
    m_node_overflow,
    m_pages_written,
    m_pages_not_written,
    m_pages_truncated,
    m_pages_unknown,
    m_flush_calls,
    m_flush_pages,
    m_event_flags,
    m_count_of_members
};

constexpr std::array<const char*, m_count_of_members> member_keys = {"seq",
                                                                     "ts_ns",
                                                                     "latency_ns",
                                                                     "cpu",
                                                                     "cpu_node",
                                                                     "tgid",
                                                                     "pid",
                                                                     "uid",
                                                                     "comm",
                                                                     "target_pid",
                                                                     "count",
                                                                     "mp_flags",
                                                                     "flags",
                                                                     "mode",
                                                                     "ret",
                                                                     "result",
                                                                     "pages",
                                                                     "nodes",
                                                                     "status",
                                                                     "outcome",
                                                                     "node_overflow",
                                                                     "pages_written",
                                                                     "pages_not_written",
                                                                     "pages_truncated",
                                                                     "pages_unknown",
                                                                     "flush_calls",
                                                                     "flush_pages",
                                                                     "event_flags"};

using ordered_json = nlohmann::ordered_json;

// v as the string s, in the memory v's string already has.
void set_string(ordered_json& v, std::string_view s) {
    if (!v.is_string())
        v = std::string();
    v.get_ref<std::string&>().assign(s);
}

// v as an array of n elements, keeping those it has.
ordered_json::array_t& set_array(ordered_json& v, std::size_t n) {
    if (!v.is_array())
        v = ordered_json::array();
    auto& a = v.get_ref<ordered_json::array_t&>();
    a.resize(n);
    return a;
}

// "0x7fff0000", as fmt's {:#x} prints it.
std::string_view hex(std::uint64_t value, std::array<char, 24>& buf) {
    buf[0] = '0';
    buf[1] = 'x';
    auto* end = std::to_chars(buf.data() + 2, buf.data() + buf.size(), value, 16).ptr;
    return {buf.data(), static_cast<std::size_t>(end - buf.data())};
}

} // namespace

namespace {

// The move's "migration" object: keys as in stats --json, each part where
// the event has it (absent, not 0, where the module did not count it).
void assign_migration_json(ordered_json& m, const mpmon_event& ev) {
    m["moved"] = ev.pages_moved;
    m["failed"] = ev.pages_failed;
    if (ev.flags & MPMON_EV_STAYED)
        m["stayed"] = ev.pages_stayed;
    if (ev.flags & MPMON_EV_RUNS) {
        m["batches"] = ev.migrate_batches;
        m["migrate_ns"] = ev.migrate_ns;
        auto& nodes = m["moved_by_nodes"];
        nodes = ordered_json::object();
        for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_moves, MPMON_EVENT_MOVES); ++i)
            nodes[fmt::format("{}>{}", ev.moves[i].from, ev.moves[i].to)] = ev.moves[i].pages;
        m["moved_other_nodes"] = ev.moved_other;
        m["failed_by_reason"] = {
            {"busy", ev.failed_busy}, {"nomem", ev.failed_nomem}, {"other", ev.failed_other}};
    }
    if (ev.flags & MPMON_EV_THP)
        m["thp"] = {{"moved", ev.thp_moved}, {"split", ev.thp_split}, {"failed", ev.thp_failed}};
}

// The move's "mmu" object: the invalidations of the kinds it counts, with
// stats --json's keys.
void assign_mmu_json(ordered_json& m, const mpmon_event& ev) {
    if (ev.inval_sources & MPMON_INVAL_TLBIE)
        m["invalidations"] = {{"local", ev.tlbi_local}, {"global", ev.tlbi_global}};
    if (ev.inval_sources & MPMON_INVAL_HCALL) {
        auto& hcalls = m["hcalls"];
        hcalls = ordered_json::object();
        for (unsigned i = 0; i < MPMON_EVENT_HCALLS; ++i)
            hcalls[hcall_name(i)] = ev.hcalls[i];
        m["hpte"] = {{"removed", ev.hpte_removed}, {"protected", ev.hpte_protected}};
    }
    if (ev.inval_sources & MPMON_INVAL_IPI)
        m["shootdown_ipis"] = ev.shootdown_ipis;
}

} // namespace

void assign_event_json(nlohmann::ordered_json& j, const mpmon_event& ev) {
    // The members in key order, then "migration" and "mmu" where counted.
    if (!j.is_object() || j.size() < member_keys.size() || j.size() > member_keys.size() + 2) {
        j = ordered_json::object();
        for (const char* key : member_keys)
            j[key] = nullptr;
    }
    // ordered_json's members are a vector in key order: member k is
    // element k, found without comparing keys.
    auto& members = j.get_ref<ordered_json::object_t&>();
    auto at = [&members](Member k) -> ordered_json& {
        return std::next(members.begin(), static_cast<std::ptrdiff_t>(k))->second;
    };
    bool query = ev.mode == MPMON_MODE_QUERY;
    std::size_t n = forensic_entries(ev);
    at(m_seq) = ev.seq;
    at(m_ts_ns) = ev.ts_ns;
    at(m_latency_ns) = ev.latency_ns;
    at(m_cpu) = ev.cpu;
    at(m_cpu_node) = ev.cpu_node;
    at(m_tgid) = ev.tgid;
    at(m_pid) = ev.pid;
    at(m_uid) = ev.uid;
    set_string(at(m_comm), std::string_view(ev.comm, strnlen(ev.comm, sizeof(ev.comm))));
    at(m_target_pid) = ev.target_pid;
    at(m_count) = ev.count;
    at(m_mp_flags) = ev.mp_flags;
    set_string(at(m_flags), flags_name(ev.mp_flags));
    set_string(at(m_mode), mode_name(ev.mode));
    at(m_ret) = ev.ret;
    set_string(at(m_result), result_class(ev.ret));
    // Addresses as hex strings: jq's doubles would round 64-bit numbers.
    auto& pages = set_array(at(m_pages), n);
    std::array<char, 24> buf{};
    for (std::size_t i = 0; i < n; ++i)
        set_string(pages[i], hex(ev.pages[i], buf));
    if (query) {
        at(m_nodes) = nullptr;
    } else {
        auto& nodes = set_array(at(m_nodes), n);
        for (std::size_t i = 0; i < n; ++i)
            nodes[i] = ev.nodes[i];
    }
    auto& status = set_array(at(m_status), n);
    for (std::size_t i = 0; i < n; ++i) {
        if (status_entry_written(ev, i))
            status[i] = ev.status[i];
        else
            status[i] = nullptr;
    }
    // A node seen twice keeps its first place and its last count.
    auto& outcome = at(m_outcome);
    if (!outcome.is_object())
        outcome = ordered_json::object();
    outcome.get_ref<ordered_json::object_t&>().clear();
    for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_node_pages, MPMON_EVENT_NODES); ++i)
        outcome[fmt::format("node{}", ev.node_pages[i].node)] = ev.node_pages[i].pages;
    for (unsigned c = 0; c < MPMON_PERR_NR; ++c)
        if (ev.page_err[c])
            outcome[page_err_name(c)] = ev.page_err[c];
    at(m_node_overflow) = ev.node_overflow;
    at(m_pages_written) = ev.pages_written;
    at(m_pages_not_written) = ev.pages_not_written;
    at(m_pages_truncated) = ev.pages_truncated;
    at(m_pages_unknown) = ev.pages_unknown;
    at(m_flush_calls) = ev.flush_calls;
    at(m_flush_pages) = ev.flush_pages;
    auto& notes = set_array(at(m_event_flags), 0);
    for (const auto& [bit, name] : event_flag_names)
        if (ev.flags & bit)
            notes.emplace_back(name);
    // Absent, not 0, where the module did not follow the call's migrations
    // or count its invalidations; rebuilt for each event that has them.
    while (members.size() > member_keys.size())
        members.pop_back();
    if (ev.flags & MPMON_EV_MIGRATION)
        assign_migration_json(j["migration"], ev);
    if (ev.inval_sources & (MPMON_INVAL_TLBIE | MPMON_INVAL_HCALL | MPMON_INVAL_IPI))
        assign_mmu_json(j["mmu"], ev);
}

nlohmann::ordered_json event_json(const mpmon_event& ev) {
    nlohmann::ordered_json j;
    assign_event_json(j, ev);
    return j;
}

} // namespace mpctl
