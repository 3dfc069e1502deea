// SPDX-License-Identifier: GPL-2.0
#include "model/top.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <tuple>

namespace mpctl {

namespace {

// The key's value of a row; an absent moved or failed ranks below any
// present one, 0 included.
std::optional<std::uint64_t> key_of(const TopRow& r, TopSort key) {
    switch (key) {
    case TopSort::calls:
        return r.calls;
    case TopSort::pages:
        return r.pages;
    case TopSort::moved:
        return r.moved;
    case TopSort::failed:
        return r.failed;
    case TopSort::errors:
        return r.errors;
    case TopSort::time:
        return r.time_ns;
    }
    return r.calls;
}

std::vector<TopRow> ranked(const std::map<std::uint32_t, TopRow>& rows, std::size_t limit,
                           TopSort key) {
    std::vector<TopRow> out;
    out.reserve(rows.size());
    for (const auto& [pid, row] : rows)
        out.push_back(row);
    // Stable: rows equal on every key stay in pid order.
    std::stable_sort(out.begin(), out.end(), [key](const TopRow& a, const TopRow& b) {
        auto ka = key_of(a, key), kb = key_of(b, key);
        if (ka != kb)
            return ka > kb; // std::nullopt is below every value
        return std::tie(a.calls, a.pages, a.time_ns) > std::tie(b.calls, b.pages, b.time_ns);
    });
    if (out.size() > limit)
        out.resize(limit);
    return out;
}

} // namespace

void TopTable::account(TopRow& row, const mpmon_event& ev) {
    ++row.calls;
    row.pages += ev.count;
    row.errors += ev.ret < 0 ? 1 : 0;
    row.time_ns += ev.latency_ns;
    if (ev.flags & MPMON_EV_MIGRATION) {
        row.moved = row.moved.value_or(0) + ev.pages_moved;
        row.failed = row.failed.value_or(0) + ev.pages_failed;
    }
}

void TopTable::add(const mpmon_event& ev) {
    ++events_;
    std::string comm = from_field(ev.comm);
    TopRow& caller = callers_[ev.tgid];
    caller.pid = ev.tgid;
    caller.comm = comm;
    account(caller, ev);

    // target_pid 0 means the caller itself.
    auto target_pid = ev.target_pid > 0 ? static_cast<std::uint32_t>(ev.target_pid) : ev.tgid;
    TopRow& target = targets_[target_pid];
    target.pid = target_pid;
    account(target, ev);
}

std::vector<TopRow> TopTable::callers(std::size_t limit, TopSort key) const {
    return ranked(callers_, limit, key);
}

std::vector<TopRow> TopTable::targets(std::size_t limit, TopSort key) const {
    auto rows = ranked(targets_, limit, key);
    for (auto& r : rows)
        if (auto it = callers_.find(r.pid); it != callers_.end())
            r.comm = it->second.comm;
    return rows;
}

} // namespace mpctl
