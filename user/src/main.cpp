// SPDX-License-Identifier: GPL-2.0
// mpctl: the control utility of the mpmon kernel module.
#include "commands/cli.hpp"
#include "commands/commands.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "device/device.hpp"
#include "output/fd_output.hpp"

#include <linux/mpmon.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <optional>
#include <span>
#include <unistd.h>

namespace {

// A recording can be read anywhere: no device, no module.
mpctl::Exit report(const mpctl::Options& options, std::ostream& out) {
    using namespace mpctl;
    const auto& path = options.report.file;
    if (path == "-")
        return run_report(options, std::cin, out, std::cerr);
    std::ifstream in(path);
    if (!in)
        throw Error(Exit::failure, fmt::format("{}: {}", path, std::strerror(errno)));
    return run_report(options, in, out, std::cerr);
}

// mpctl's command line, its results on out.
mpctl::Exit run(std::span<const char* const> args, std::ostream& out) {
    using namespace mpctl;
    std::optional<Options> options;
    try {
        options = parse_options(args);
        if (options->command == Command::help) {
            out << usage(options->help_topic);
            return Exit::ok;
        }
        if (options->command == Command::version) {
            out << "mpctl " << MPCTL_VERSION << " (mpmon ABI " << MPMON_ABI_MAJOR << '.'
                << MPMON_ABI_MINOR << ")\n";
            return Exit::ok;
        }
        if (options->command == Command::report)
            return report(*options, out);
        Device device(options->device);
        auto clock = Clock::system();
        std::optional<Interrupt> interrupt;
        if (command_waits(*options))
            interrupt.emplace();
        else
            interrupt.emplace(Interrupt::Never{});
        Context ctx{device, out, std::cerr, clock, *interrupt};
        return run_command(*options, ctx);
    } catch (const UsageError& e) {
        out.flush();
        std::cerr << "mpctl: " << e.what() << '\n' << short_usage();
        return e.code();
    } catch (const Error& e) {
        out.flush();
        std::cerr << "mpctl: " << e.what() << '\n';
        return e.code();
    } catch (const std::exception& e) {
        out.flush();
        std::cerr << "mpctl: " << e.what() << '\n';
        return Exit::failure;
    }
}

} // namespace

int main(int argc, char** argv) {
    using namespace mpctl;
    // A closed pipe shows up as a failed write (EPIPE), which ends mpctl
    // quietly; any other failed write on standard output is an error.
    std::signal(SIGPIPE, SIG_IGN);
    FdOutput stdout_buf(STDOUT_FILENO);
    std::ostream out(&stdout_buf);
    auto status = run(std::span<const char* const>(argv, static_cast<std::size_t>(argc)), out);
    return static_cast<int>(close_stdout(stdout_buf, std::cerr, status));
}
