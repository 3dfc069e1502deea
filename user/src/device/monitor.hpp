// SPDX-License-Identifier: GPL-2.0
// What mpctl needs from mpmon: the real device implements it, and so does a
// replay of recorded or synthetic data for the tests.
#pragma once

#include <linux/mpmon.h>

#include <chrono>
#include <cstdint>
#include <span>

namespace mpctl {

class Interrupt;

struct ReadResult {
    std::size_t count = 0;  // events stored at the front of the buffer
    std::uint64_t lost = 0; // events dropped by the ring since the last reset
};

enum class Wait { readable, timeout, interrupted };

class Monitor {
public:
    virtual ~Monitor() = default;

    virtual mpmon_info info() = 0;
    virtual mpmon_stats stats() = 0;
    // The counters, zeroed in the same step (nothing falls in between).
    virtual mpmon_stats stats_and_reset() = 0;
    // Moves up to buf.size() events out of the ring; never blocks.
    virtual ReadResult read_events(std::span<mpmon_event> buf) = 0;
    // Waits until events are readable, the timeout passes or the user
    // interrupts (Ctrl-C, SIGTERM, or the end of a replay).
    virtual Wait wait_events(std::chrono::milliseconds timeout, const Interrupt& intr) = 0;
    // The ring's wake-up watermark (SET_WAKEUP, ABI 1.3): from now on
    // wait_events says readable once wakeup.events are unread, or
    // wakeup.timeout_ms after the oldest unread one arrived.  A monitor
    // without one (a module before ABI 1.3, a replay) ignores it: readable
    // as soon as any event is.
    virtual void set_wakeup(const mpmon_wakeup& wakeup) { (void)wakeup; }
    virtual void reset() = 0;
    virtual void set_enabled(bool on) = 0;
    virtual void set_filter(const mpmon_filter& filter) = 0;
    virtual mpmon_filter filter() = 0;
};

} // namespace mpctl
