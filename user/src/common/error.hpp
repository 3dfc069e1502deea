// SPDX-License-Identifier: GPL-2.0
// Errors that end mpctl, each with its own exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace mpctl {

// Exit statuses, documented in the README and mpctl --help.
enum class Exit : int {
    ok = 0,
    failure = 1,    // an ioctl or write failed
    usage = 2,      // bad command line
    not_loaded = 3, // /dev/mpmon missing: the module is not loaded
    permission = 4, // needs root or CAP_PERFMON
    abi = 5,        // module and mpctl speak different ABI majors
};

class Error : public std::runtime_error {
public:
    Error(Exit code, const std::string& what) : std::runtime_error(what), code_(code) {}
    Exit code() const noexcept { return code_; }

private:
    Exit code_;
};

// An error of the command line: main() prints the usage after it.
class UsageError : public Error {
public:
    explicit UsageError(const std::string& what) : Error(Exit::usage, what) {}
};

} // namespace mpctl
