// SPDX-License-Identifier: GPL-2.0
// The command line of mpctl (Boost.Program_options).
#pragma once

#include "model/event_filter.hpp"
#include "model/top_sort.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace mpctl {

enum class Command {
    help,
    version,
    info,
    stats,
    events,
    top,
    reset,
    enable,
    disable,
    filter,
    export_textfile,
    record,
    report
};

enum class Format { text, json, prometheus };

struct StatsOptions {
    std::optional<double> watch_s;      // print deltas every so many seconds
    std::optional<std::uint64_t> count; // intervals (with --watch)
    bool reset = false;                 // reset after printing
};

struct EventsOptions {
    bool follow = false;
    std::optional<std::uint64_t> buffer_mib; // --buffer (with --follow)
    int boost = 0;                           // --boost (with --follow)
    std::optional<std::uint64_t> limit;
    EventFilter filter; // --tgid, --comm, --errors
};

struct TopOptions {
    double interval_s = 2.0;
    std::optional<std::uint64_t> count; // refreshes; default until Ctrl-C
    std::size_t rows = 10;
    TopSort sort = TopSort::calls; // --sort
};

struct FilterOptions {
    std::optional<std::uint32_t> tgid;
    std::optional<std::uint32_t> uid;
    std::optional<std::string> comm;
    bool clear = false;
    bool set() const { return clear || tgid || uid || comm; }
};

struct ExportOptions {
    std::string textfile_dir;           // node_exporter's --collector.textfile.directory
    std::optional<double> interval_s;   // rewrite every so many seconds
    std::optional<std::uint64_t> count; // rewrites (with --interval)
};

struct RecordOptions {
    std::string output; // "-": standard output
    std::optional<double> duration_s;
    std::optional<std::uint64_t> limit;      // events
    std::optional<std::uint64_t> buffer_mib; // --buffer
    int boost = 0;                           // --boost
};

// events: the recording's events, as mpctl events prints them.
enum class ReportView { stats, top, events };

struct ReportOptions {
    std::string file; // "-": standard input
    ReportView view = ReportView::stats;
    std::size_t rows = 10;
    TopSort sort = TopSort::calls; // --sort, of the top view
    EventFilter filter;            // of the events view
};

struct Options {
    Command command = Command::help;
    std::string device = "/dev/mpmon";
    bool json = false; // --json, or --format json
    Format format = Format::text;
    std::string help_topic; // command named in "COMMAND --help"
    StatsOptions stats;
    EventsOptions events;
    TopOptions top;
    FilterOptions filter;
    ExportOptions export_textfile;
    RecordOptions record;
    ReportOptions report;
};

// --buffer MIB: from 1 MiB to 16 GiB of events read ahead of the output.
constexpr std::uint64_t max_buffer_mib = 16384;
// --boost LEVELS: the reader thread that many nice levels above mpctl.
constexpr int max_boost = 39;

// Throws UsageError with a message that names the bad option or value.
Options parse_options(std::span<const char* const> args);

// The help of mpctl, or of one command.
std::string usage(const std::string& command = {});
// Two lines for stderr after a usage error.
std::string short_usage();

} // namespace mpctl
