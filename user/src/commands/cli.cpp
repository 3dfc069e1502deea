// SPDX-License-Identifier: GPL-2.0
#include "commands/cli.hpp"

#include "common/error.hpp"
#include "follow/drain.hpp"

#include <linux/mpmon.h>

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <sstream>
#include <vector>

namespace po = boost::program_options;

namespace mpctl {

namespace {

// No abbreviations: --comm must never be taken for another option.
constexpr int parse_style =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

struct CommandInfo {
    const char* name;
    Command command;
    const char* summary;
};

constexpr std::array<CommandInfo, 11> commands = {{
    {"info", Command::info, "module and ABI version, probed symbol, ring, nodes, filter"},
    {"stats", Command::stats, "the in-kernel counters and the latency histogram"},
    {"events", Command::events, "drain the event ring: one strace-like line per call"},
    {"top", Command::top, "callers and targets ranked by calls or --sort KEY (pages, moved...)"},
    {"reset", Command::reset, "zero the counters and empty the event ring"},
    {"enable", Command::enable, "record move_pages calls"},
    {"disable", Command::disable, "stop recording (the probe stays registered)"},
    {"filter", Command::filter, "show, set or --clear the in-kernel filter"},
    {"export", Command::export_textfile,
     "write the counters for node_exporter's textfile collector"},
    {"record", Command::record, "save events with the machine context to a binary file"},
    {"report", Command::report,
     "stats, top or events of a recording, on any machine (no module needed)"},
}};

po::options_description common_options() {
    po::options_description d("Options of every command");
    d.add_options()("help,h", "show this help")("json", "print JSON (events: one object per line)")(
        "device", po::value<std::string>()->value_name("PATH"), "the mpmon device (/dev/mpmon)");
    return d;
}

// --sort of top and of report's top view.
std::string sort_help() {
    return fmt::format("rank processes by KEY, highest first: {} (default calls; moved and "
                       "failed: pages their calls' migrations moved or could not move)",
                       top_sort_names());
}

TopSort parse_sort(const std::string& text) {
    if (auto key = parse_top_sort(text))
        return *key;
    throw UsageError(fmt::format("--sort: '{}' is not one of {}", text, top_sort_names()));
}

po::options_description command_options(Command c) {
    po::options_description d("Options");
    auto add = d.add_options();
    auto text = [](const char* name) { return po::value<std::string>()->value_name(name); };
    switch (c) {
    case Command::stats:
        add("format", text("FORMAT"), "text, json or prometheus (text exposition format)");
        add("watch", text("SECONDS"), "print per-interval deltas and rates");
        add("count", text("N"), "stop after N intervals (with --watch)");
        add("reset", "zero the counters as they are read (the ring is kept)");
        break;
    case Command::events:
        add("follow,f", "wait for new events (poll) until Ctrl-C");
        add("buffer", text("MIB"),
            fmt::format("with --follow: hold up to MIB MiB of events read but not yet "
                        "printed (default {})",
                        default_buffer_mib)
                .c_str());
        add("boost", text("LEVELS"),
            "with --follow: run the thread that reads the ring LEVELS nice levels above mpctl "
            "(needs CAP_SYS_NICE): for a machine that a storm of calls saturates");
        add("limit", text("N"), "stop after N printed events");
        add("tgid", text("PID"), "print only calls from this process");
        add("comm", text("NAME"), "print only calls from this command name");
        add("errors", "print only calls that returned an error or left pages behind");
        break;
    case Command::top:
        add("interval", text("SECONDS"), "refresh period (default 2)");
        add("count", text("N"), "stop after N refreshes");
        add("rows", text("N"), "rows per table (default 10)");
        add("sort", text("KEY"), sort_help().c_str());
        break;
    case Command::export_textfile:
        add("textfile-dir", text("DIR"), "write DIR/mpmon.prom (atomically: write, then rename)");
        add("interval", text("SECONDS"), "rewrite it every SECONDS until Ctrl-C (default: once)");
        add("count", text("N"), "stop after N writes (with --interval)");
        break;
    case Command::record:
        add("output,o", text("FILE"), "the recording (binary; - for standard output)");
        add("duration", text("SECONDS"), "stop after SECONDS (default: at Ctrl-C)");
        add("limit", text("N"), "stop after N events");
        add("buffer", text("MIB"),
            fmt::format("hold up to MIB MiB of events read but not yet written (default {})",
                        default_buffer_mib)
                .c_str());
        add("boost", text("LEVELS"),
            "run the thread that reads the ring LEVELS nice levels above mpctl "
            "(needs CAP_SYS_NICE): for a machine that a storm of calls saturates");
        break;
    case Command::report:
        add("view", text("VIEW"), "stats (default), top or events");
        add("events", "the events, as mpctl events prints them (--view events)");
        add("rows", text("N"), "rows per table of the top view (default 10)");
        add("sort", text("KEY"), fmt::format("top view: {}", sort_help()).c_str());
        add("format", text("FORMAT"), "text, json or prometheus (stats view)");
        add("tgid", text("PID"), "events view: only calls from this process");
        add("comm", text("NAME"), "events view: only calls from this command name");
        add("errors", "events view: only calls that returned an error or left pages behind");
        break;
    case Command::filter:
        add("tgid", text("PID"), "record only calls from this process");
        add("uid", text("UID"), "record only calls by this user");
        add("comm", text("NAME"), "record only calls from this command name (exact)");
        add("clear", "record every call again");
        break;
    default:
        break;
    }
    return d;
}

// what: "an integer", or what the number counts ("a number of MiB").
template <typename T>
T parse_integer(const std::string& option, const std::string& text, T min, T max,
                const char* what = "an integer") {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value < min ||
        value > max)
        throw UsageError(
            fmt::format("--{}: '{}' is not {} from {} to {}", option, text, what, min, max));
    return value;
}

std::optional<std::uint64_t> parse_buffer(const po::variables_map& vm) {
    if (!vm.count("buffer"))
        return std::nullopt;
    return parse_integer<std::uint64_t>("buffer", vm["buffer"].as<std::string>(), 1, max_buffer_mib,
                                        "a number of MiB");
}

int parse_boost(const po::variables_map& vm) {
    if (!vm.count("boost"))
        return 0;
    return parse_integer<int>("boost", vm["boost"].as<std::string>(), 1, max_boost,
                              "a number of nice levels");
}

double parse_seconds(const std::string& option, const std::string& text) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
        !std::isfinite(value) || value < 0.01 || value > 86400)
        throw UsageError(
            fmt::format("--{}: '{}' is not a number of seconds from 0.01 to 86400", option, text));
    return value;
}

std::string parse_comm(const std::string& option, const std::string& text) {
    if (text.empty() || text.size() >= MPMON_COMM_LEN)
        throw UsageError(fmt::format("--{}: '{}' must be 1 to {} characters (the kernel's comm)",
                                     option, text, MPMON_COMM_LEN - 1));
    return text;
}

Format parse_format(const std::string& text) {
    if (text == "text")
        return Format::text;
    if (text == "json")
        return Format::json;
    if (text == "prometheus")
        return Format::prometheus;
    throw UsageError(fmt::format("--format: '{}' is not one of text, json, prometheus", text));
}

// --format of stats and report; --json is --format json.
void take_format(const po::variables_map& vm, Options& o) {
    if (!vm.count("format"))
        return;
    Format f = parse_format(vm["format"].as<std::string>());
    if (o.json && f != Format::json)
        throw UsageError("--json and --format disagree");
    o.format = f;
    o.json = f == Format::json;
}

const CommandInfo& find_command(const std::string& name) {
    for (const auto& c : commands)
        if (name == c.name)
            return c;
    throw UsageError(fmt::format("unknown command '{}'", name));
}

std::string str(const po::variables_map& vm, const char* key) {
    return vm[key].as<std::string>();
}

void take_common(const po::variables_map& vm, Options& o) {
    if (vm.count("json")) {
        if (o.format == Format::prometheus)
            throw UsageError("--json and --format disagree");
        o.json = true;
        o.format = Format::json;
    }
    if (vm.count("device"))
        o.device = str(vm, "device");
}

void take_command(const po::variables_map& vm, Options& o) {
    constexpr auto u32max = std::numeric_limits<std::uint32_t>::max();
    constexpr auto u64max = std::numeric_limits<std::uint64_t>::max();
    // PIDs are positive and below PID_MAX_LIMIT (2^22).
    constexpr std::uint32_t pid_max = 1U << 22;
    switch (o.command) {
    case Command::stats:
        take_format(vm, o);
        if (vm.count("watch"))
            o.stats.watch_s = parse_seconds("watch", str(vm, "watch"));
        if (o.stats.watch_s && o.format == Format::prometheus)
            throw UsageError("stats: --watch prints deltas; Prometheus wants totals (use export "
                             "--interval)");
        if (vm.count("count")) {
            if (!o.stats.watch_s)
                throw UsageError("--count needs --watch");
            o.stats.count = parse_integer<std::uint64_t>("count", str(vm, "count"), 1, u64max);
        }
        o.stats.reset = vm.count("reset") > 0;
        break;
    case Command::events:
        o.events.follow = vm.count("follow") > 0;
        o.events.buffer_mib = parse_buffer(vm);
        if (o.events.buffer_mib && !o.events.follow)
            throw UsageError("--buffer needs --follow");
        o.events.boost = parse_boost(vm);
        if (o.events.boost && !o.events.follow)
            throw UsageError("--boost needs --follow");
        if (vm.count("limit"))
            o.events.limit = parse_integer<std::uint64_t>("limit", str(vm, "limit"), 1, u64max);
        if (vm.count("tgid"))
            o.events.filter.tgid =
                parse_integer<std::uint32_t>("tgid", str(vm, "tgid"), 1, pid_max);
        if (vm.count("comm"))
            o.events.filter.comm = parse_comm("comm", str(vm, "comm"));
        o.events.filter.errors_only = vm.count("errors") > 0;
        break;
    case Command::top:
        if (vm.count("interval"))
            o.top.interval_s = parse_seconds("interval", str(vm, "interval"));
        if (vm.count("count"))
            o.top.count = parse_integer<std::uint64_t>("count", str(vm, "count"), 1, u64max);
        if (vm.count("rows"))
            o.top.rows = parse_integer<std::size_t>("rows", str(vm, "rows"), 1, 1000);
        if (vm.count("sort"))
            o.top.sort = parse_sort(str(vm, "sort"));
        break;
    case Command::export_textfile:
        if (!vm.count("textfile-dir"))
            throw UsageError("export: --textfile-dir DIR is required");
        o.export_textfile.textfile_dir = str(vm, "textfile-dir");
        if (o.export_textfile.textfile_dir.empty())
            throw UsageError("--textfile-dir: empty directory name");
        if (vm.count("interval"))
            o.export_textfile.interval_s = parse_seconds("interval", str(vm, "interval"));
        if (vm.count("count")) {
            if (!o.export_textfile.interval_s)
                throw UsageError("--count needs --interval");
            o.export_textfile.count =
                parse_integer<std::uint64_t>("count", str(vm, "count"), 1, u64max);
        }
        break;
    case Command::record:
        if (!vm.count("output"))
            throw UsageError("record: -o FILE is required");
        o.record.output = str(vm, "output");
        if (o.record.output.empty())
            throw UsageError("-o: empty file name");
        if (vm.count("duration"))
            o.record.duration_s = parse_seconds("duration", str(vm, "duration"));
        if (vm.count("limit"))
            o.record.limit = parse_integer<std::uint64_t>("limit", str(vm, "limit"), 1, u64max);
        o.record.buffer_mib = parse_buffer(vm);
        o.record.boost = parse_boost(vm);
        break;
    case Command::report:
        take_format(vm, o);
        if (vm.count("view")) {
            auto view = str(vm, "view");
            if (view == "stats")
                o.report.view = ReportView::stats;
            else if (view == "top")
                o.report.view = ReportView::top;
            else if (view == "events")
                o.report.view = ReportView::events;
            else
                throw UsageError(
                    fmt::format("--view: '{}' is not one of stats, top, events", view));
        }
        if (vm.count("events")) {
            if (vm.count("view") && o.report.view != ReportView::events)
                throw UsageError("report: --events and --view disagree");
            o.report.view = ReportView::events;
        }
        if (vm.count("rows"))
            o.report.rows = parse_integer<std::size_t>("rows", str(vm, "rows"), 1, 1000);
        if (o.report.view != ReportView::stats && o.format == Format::prometheus)
            throw UsageError("report: --format prometheus is for the stats view");
        if (vm.count("tgid"))
            o.report.filter.tgid =
                parse_integer<std::uint32_t>("tgid", str(vm, "tgid"), 1, pid_max);
        if (vm.count("comm"))
            o.report.filter.comm = parse_comm("comm", str(vm, "comm"));
        o.report.filter.errors_only = vm.count("errors") > 0;
        if (o.report.view != ReportView::events &&
            (o.report.filter.tgid || o.report.filter.comm || o.report.filter.errors_only))
            throw UsageError("report: --tgid, --comm and --errors are for the events view "
                             "(--events)");
        if (o.report.view == ReportView::events && vm.count("rows"))
            throw UsageError("report: --rows is for the top view");
        if (vm.count("sort")) {
            if (o.report.view != ReportView::top)
                throw UsageError("report: --sort is for the top view (--view top)");
            o.report.sort = parse_sort(str(vm, "sort"));
        }
        break;
    case Command::filter:
        if (vm.count("tgid"))
            o.filter.tgid = parse_integer<std::uint32_t>("tgid", str(vm, "tgid"), 1, pid_max);
        if (vm.count("uid"))
            o.filter.uid = parse_integer<std::uint32_t>("uid", str(vm, "uid"), 0, u32max - 1);
        if (vm.count("comm"))
            o.filter.comm = parse_comm("comm", str(vm, "comm"));
        o.filter.clear = vm.count("clear") > 0;
        if (o.filter.clear && (o.filter.tgid || o.filter.uid || o.filter.comm))
            throw UsageError("filter: --clear cannot be combined with --tgid, --uid or --comm");
        break;
    default:
        break;
    }
}

} // namespace

std::string usage(const std::string& command) {
    std::ostringstream out;
    if (!command.empty()) {
        const auto& c = find_command(command);
        out << "usage: mpctl [--device PATH] [--json] " << c.name
            << (c.command == Command::report ? " [options] FILE\n" : " [options]\n") << c.summary
            << "\n\n"
            << command_options(c.command) << common_options();
        return out.str();
    }
    out << "usage: mpctl [--device PATH] [--json] COMMAND [options]\n\n"
           "mpctl reads what the mpmon kernel module records about move_pages(2).\n\n"
           "Commands:\n";
    for (const auto& c : commands)
        out << fmt::format("  {:<9}{}\n", c.name, c.summary);
    out << "\nmpctl COMMAND --help shows the options of a command.\n\n"
        << common_options()
        << "  --version             print mpctl's version and ABI\n\n"
           "Exit status: 0 ok, 1 failure, 2 usage, 3 mpmon not loaded,\n"
           "4 permission denied (needs root or CAP_PERFMON), 5 ABI mismatch.\n";
    return out.str();
}

std::string short_usage() {
    return "usage: mpctl [--device PATH] [--json] COMMAND [options]\n"
           "Try 'mpctl --help' or 'mpctl COMMAND --help'.\n";
}

Options parse_options(std::span<const char* const> args) {
    Options o;
    po::options_description global = common_options();
    global.add_options()("version", "");
    po::options_description hidden;
    hidden.add_options()("command",
                         po::value<std::string>())("args", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(global).add(hidden);
    po::positional_options_description positional;
    positional.add("command", 1).add("args", -1);

    try {
        auto argc = static_cast<int>(args.size());
        po::parsed_options parsed = po::command_line_parser(argc, args.data())
                                        .options(all)
                                        .positional(positional)
                                        .style(parse_style)
                                        .allow_unregistered()
                                        .run();
        // Options of a command only count after the command.
        for (const auto& opt : parsed.options) {
            if (opt.position_key == 0)
                break;
            if (opt.unregistered)
                throw UsageError(fmt::format("unknown option '{}'{}", opt.original_tokens.at(0),
                                             " (command options go after the command)"));
        }
        po::variables_map vm;
        po::store(parsed, vm);
        take_common(vm, o);
        if (vm.count("version")) {
            o.command = Command::version;
            return o;
        }
        if (!vm.count("command")) {
            if (vm.count("help"))
                return o;
            throw UsageError("no command given");
        }
        std::string name = str(vm, "command");
        if (name == "help") {
            auto rest = po::collect_unrecognized(parsed.options, po::include_positional);
            o.help_topic = rest.size() > 1 ? rest[1] : "";
            if (!o.help_topic.empty())
                find_command(o.help_topic);
            return o;
        }
        const auto& info = find_command(name);
        o.command = info.command;
        if (vm.count("help")) {
            o.help_topic = info.name;
            o.command = Command::help;
            return o;
        }

        std::vector<std::string> rest =
            po::collect_unrecognized(parsed.options, po::include_positional);
        rest.erase(rest.begin()); // the command itself
        po::options_description mine = command_options(info.command);
        mine.add(common_options());
        po::variables_map cvm;
        auto mine_parsed = po::command_line_parser(rest).options(mine).style(parse_style).run();
        std::vector<std::string> operands;
        for (const auto& opt : mine_parsed.options)
            if (opt.position_key >= 0)
                operands.push_back(opt.value.empty() ? "" : opt.value.front());
        // Only report takes an operand: the recording.
        std::size_t wanted = info.command == Command::report ? 1 : 0;
        if (operands.size() > wanted)
            throw UsageError(
                fmt::format("{}: unexpected argument '{}'", info.name, operands[wanted]));
        if (operands.size() < wanted)
            throw UsageError(fmt::format("{}: which recording? (mpctl report FILE)", info.name));
        if (wanted)
            o.report.file = operands.front();
        po::store(mine_parsed, cvm);
        if (cvm.count("help")) {
            o.help_topic = info.name;
            o.command = Command::help;
            return o;
        }
        take_common(cvm, o);
        take_command(cvm, o);
    } catch (const po::error_with_option_name& e) {
        // Boost 1.74 fills its message's placeholders ("%value%", ...) in
        // a loop that never ends when an argument itself holds one (found
        // by fuzz_cli): with a '%' in the arguments, name the option only.
        if (std::ranges::any_of(args, [](const char* a) { return std::strchr(a, '%') != nullptr; }))
            throw UsageError(fmt::format("invalid option or value for '{}' (see mpctl --help)",
                                         e.get_option_name()));
        throw UsageError(e.what());
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return o;
}

} // namespace mpctl
