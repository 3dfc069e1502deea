// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: any command line gives Options or a UsageError, never a
// crash, another exception or undefined behaviour.
#include "commands/cli.hpp"
#include "common/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NUL-separated arguments.
    std::vector<std::string> args{"mpctl"};
    std::string cur;
    for (std::size_t i = 0; i < size && args.size() < 32; ++i) {
        if (data[i] == 0) {
            args.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(static_cast<char>(data[i]));
        }
    }
    if (!cur.empty())
        args.push_back(cur);
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    try {
        auto options = mpctl::parse_options(argv);
        (void)mpctl::usage(options.help_topic);
    } catch (const mpctl::UsageError&) {
    }
    return 0;
}
