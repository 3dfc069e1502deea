// SPDX-License-Identifier: GPL-2.0
// Running mpctl commands against a replayed module, shared by the tests.
#pragma once

#include "commands/cli.hpp"
#include "commands/commands.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"

#include <linux/mpmon.h>

#include <cstring>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

namespace mpctl::testing {

// The info of a little-endian POWER guest with an ABI 1.0-style context
// (no MMU fields) and ABI 1.3's ring and events: events=always, so that
// the events a test gives are in the ring with no reader attached.
inline mpmon_info test_info() {
    mpmon_info i{};
    i.size = sizeof(i);
    i.abi_major = MPMON_ABI_MAJOR;
    i.abi_minor = MPMON_ABI_MINOR;
    i.enabled = 1;
    std::strcpy(i.module_version, "1.0.0");
    std::strcpy(i.symbol, "sys_move_pages");
    i.ring_capacity = 4096;
    i.event_size = sizeof(mpmon_event);
    i.page_size = 65536;
    i.nr_node_ids = 2;
    i.nr_online_nodes = 2;
    i.nr_cpu_ids = 2;
    i.maxactive = 64;
    i.max_status = 4096;
    i.status_source = MPMON_STATUS_STORE_PROBE;
    i.arch = MPMON_ARCH_PPC64LE;
    i.ring_bytes = std::uint64_t{4096} * sizeof(mpmon_event);
    i.wakeup_events = 1;
    i.events_mode = MPMON_EVENTS_ALWAYS;
    std::strcpy(i.status_probe, "store_status");
    return i;
}

struct Run {
    std::ostringstream out, diag;
    Exit exit = Exit::failure;
};

inline Options parse(std::vector<const char*> args) {
    args.insert(args.begin(), "mpctl");
    return parse_options(args);
}

// The message of the UsageError that parsing args throws.
inline std::string usage_error(std::vector<const char*> args) {
    try {
        parse(std::move(args));
    } catch (const UsageError& e) {
        EXPECT_EQ(e.code(), Exit::usage);
        return e.what();
    }
    ADD_FAILURE() << "no usage error";
    return {};
}

// mpctl ARGS against m, with a clock fixed at the epoch and no Ctrl-C.
inline Run run(Monitor& m, std::vector<const char*> args) {
    auto options = parse(std::move(args));
    Run r;
    auto clock = Clock::fixed(0);
    Interrupt never{Interrupt::Never{}};
    Context ctx{m, r.out, r.diag, clock, never};
    r.exit = run_command(options, ctx);
    return r;
}

// mpctl report ARGS rec.jsonl, where rec.jsonl holds recording.
inline Run run_report(const std::string& recording, std::vector<const char*> args) {
    args.insert(args.begin(), "report");
    args.push_back("rec.jsonl");
    auto options = parse(std::move(args));
    std::istringstream in(recording);
    Run r;
    r.exit = mpctl::run_report(options, in, r.out, r.diag);
    return r;
}

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

} // namespace mpctl::testing
