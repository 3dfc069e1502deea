// SPDX-License-Identifier: GPL-2.0
// mpctl: the control utility of the mpmon kernel module.
#include "cli.hpp"
#include "commands.hpp"
#include "device.hpp"
#include "error.hpp"
#include "interrupt.hpp"

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

namespace {

// A recording can be read anywhere: no device, no module.
mpctl::Exit report(const mpctl::Options& options) {
    using namespace mpctl;
    const auto& path = options.report.file;
    if (path == "-")
        return run_report(options, std::cin, std::cout, std::cerr);
    std::ifstream in(path);
    if (!in)
        throw Error(Exit::failure, fmt::format("{}: {}", path, std::strerror(errno)));
    return run_report(options, in, std::cout, std::cerr);
}

} // namespace

int main(int argc, char** argv) {
    using namespace mpctl;
    // A closed pipe shows up as a failed write, which ends mpctl quietly.
    std::signal(SIGPIPE, SIG_IGN);
    std::optional<Options> options;
    try {
        options = parse_options(std::span<const char* const>(argv, static_cast<std::size_t>(argc)));
        if (options->command == Command::help) {
            std::cout << usage(options->help_topic);
            return 0;
        }
        if (options->command == Command::version) {
            std::cout << "mpctl " << MPCTL_VERSION << " (mpmon ABI " << MPMON_ABI_MAJOR << '.'
                      << MPMON_ABI_MINOR << ")\n";
            return 0;
        }
        if (options->command == Command::report)
            return static_cast<int>(report(*options));
        Device device(options->device);
        auto clock = Clock::system();
        std::optional<Interrupt> interrupt;
        if (command_waits(*options))
            interrupt.emplace();
        else
            interrupt.emplace(Interrupt::Never{});
        Context ctx{device, std::cout, std::cerr, clock, *interrupt};
        return static_cast<int>(run_command(*options, ctx));
    } catch (const UsageError& e) {
        std::cerr << "mpctl: " << e.what() << '\n' << short_usage();
        return static_cast<int>(e.code());
    } catch (const Error& e) {
        std::cerr << "mpctl: " << e.what() << '\n';
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "mpctl: " << e.what() << '\n';
        return static_cast<int>(Exit::failure);
    }
}
