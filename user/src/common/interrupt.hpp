// SPDX-License-Identifier: GPL-2.0
// Ctrl-C and SIGTERM as a file descriptor (signalfd), so the loops that wait
// for events wait for them too, without a signal handler or a global flag.
#pragma once

#include "common/unique_fd.hpp"

#include <atomic>
#include <chrono>
#include <csignal>

namespace mpctl {

class Interrupt {
public:
    // Blocks SIGINT, SIGTERM and SIGHUP for the lifetime of the object.
    Interrupt();
    // An interrupt source that never fires (commands that do not wait, tests).
    struct Never {};
    explicit Interrupt(Never) {}
    ~Interrupt();
    Interrupt(const Interrupt&) = delete;
    Interrupt& operator=(const Interrupt&) = delete;

    int fd() const noexcept { return fd_.get(); }
    // True once a blocked signal is pending (consumes it).
    bool fired() const;
    // Whether fired() ever returned true: whoever took that one has
    // stopped waiting, and the next one is a second interrupt.
    bool seen() const noexcept { return seen_.load(); }

private:
    UniqueFd fd_;
    sigset_t old_{};
    bool blocked_ = false;
    mutable std::atomic<bool> seen_{false};
};

} // namespace mpctl

namespace mpctl {
// Sleeps up to timeout; true if the interrupt fired meanwhile.
bool wait_interrupt(const Interrupt& intr, std::chrono::milliseconds timeout);
// Sleeps for the whole time (by the steady clock, in whole milliseconds)
// unless the interrupt fires first; false if it did.
bool sleep_unless_interrupted(const Interrupt& intr, std::chrono::steady_clock::duration time);
} // namespace mpctl
