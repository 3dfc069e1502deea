// SPDX-License-Identifier: GPL-2.0
// Calls of several processes with known migration outcomes, and what they
// add up to, worked out here from the calls rather than by mpctl: shared by
// the tests of mpctl top and mpctl report.
#pragma once

#include "events_fixture.hpp"

#include <linux/mpmon.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mpctl::testing {

struct Call {
    std::uint32_t tgid;
    std::string comm;
    std::uint32_t target; // 0: the caller's own pages
    std::uint64_t count;
    // moved and failed, where the event says (MPMON_EV_MIGRATION).
    std::optional<std::pair<std::uint32_t, std::uint32_t>> migration;
    std::uint32_t stray_moved = 0; // in pages_moved with no flag: not counted
};

inline mpmon_event event_of(const Call& c) {
    auto ev = move_event(c.tgid, c.comm, c.count, 1);
    ev.target_pid = static_cast<std::int32_t>(c.target);
    if (c.migration) {
        ev.flags |= MPMON_EV_MIGRATION;
        ev.pages_moved = c.migration->first;
        ev.pages_failed = c.migration->second;
    } else {
        ev.pages_moved = c.stray_moved;
    }
    return ev;
}

// beta moves most, gamma fails most; beta and eps tie on failed (0) and
// calls (1), beta has more pages; delta's calls carry no migration (one
// with a stray pages_moved); eps's carries 0 and 0; mover moves beta's pages.
inline std::vector<Call> migration_calls() {
    return {
        {101, "alpha", 0, 8, std::pair{10u, 1u}},    {102, "beta", 0, 16, std::pair{30u, 0u}},
        {104, "delta", 0, 1, std::nullopt, 1000},    {101, "alpha", 0, 8, std::pair{5u, 0u}},
        {103, "gamma", 0, 32, std::pair{4u, 9u}},    {104, "delta", 0, 1, std::nullopt},
        {105, "eps", 0, 4, std::pair{0u, 0u}},       {101, "alpha", 0, 8, std::pair{7u, 2u}},
        {103, "gamma", 0, 32, std::pair{4u, 9u}},    {104, "delta", 0, 1, std::nullopt},
        {106, "mover", 102, 64, std::pair{50u, 5u}}, {104, "delta", 0, 1, std::nullopt},
    };
}

inline std::vector<mpmon_event> events_of(const std::vector<Call>& calls) {
    std::vector<mpmon_event> out;
    for (const auto& c : calls)
        out.push_back(event_of(c));
    return out;
}

struct Expected {
    std::uint64_t calls = 0, pages = 0;
    std::optional<std::uint64_t> moved, failed;
};

// Per caller (by_target false) or per target process.
inline std::map<std::uint32_t, Expected> expected_rows(const std::vector<Call>& calls,
                                                       bool by_target) {
    std::map<std::uint32_t, Expected> rows;
    for (const auto& c : calls) {
        auto& r = rows[by_target && c.target ? c.target : c.tgid];
        ++r.calls;
        r.pages += c.count;
        if (c.migration) {
            r.moved = r.moved.value_or(0) + c.migration->first;
            r.failed = r.failed.value_or(0) + c.migration->second;
        }
    }
    return rows;
}

// Totals over every call that says.
inline std::optional<std::pair<std::uint64_t, std::uint64_t>>
expected_totals(const std::vector<Call>& calls) {
    std::optional<std::pair<std::uint64_t, std::uint64_t>> t;
    for (const auto& c : calls)
        if (c.migration) {
            if (!t)
                t.emplace(0, 0);
            t->first += c.migration->first;
            t->second += c.migration->second;
        }
    return t;
}

} // namespace mpctl::testing
