// SPDX-License-Identifier: GPL-2.0
// What each mpctl command does, given a Monitor and where to print.
#pragma once

#include "commands/cli.hpp"
#include "common/error.hpp"
#include "device/monitor.hpp"
#include "output/clock.hpp"

#include <istream>
#include <ostream>

namespace mpctl {

class Interrupt;

struct Context {
    Monitor& monitor;
    std::ostream& out;  // results
    std::ostream& diag; // summaries and notes (stderr)
    const Clock& clock;
    const Interrupt& interrupt;
};

// Runs a command that needs the device; returns the exit status.
Exit run_command(const Options& options, Context& ctx);

// Whether a command waits (and so should stop on Ctrl-C).
bool command_waits(const Options& options);

// mpctl report: the stats or top view of a recording read from in.
Exit run_report(const Options& options, std::istream& in, std::ostream& out, std::ostream& diag);

} // namespace mpctl
