// SPDX-License-Identifier: GPL-2.0
// Taking events out of the ring in batches, as mpctl events and mpctl
// record do: bounded by a limit, waiting for more while following, and
// counting what the full ring dropped meanwhile.
#pragma once

#include "device/monitor.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace mpctl {

class Interrupt;

// Events moved out of the kernel per READ_EVENTS (2 MiB): fewer ioctls and
// hand-overs leave a storm's reader less to do (design.md).
constexpr std::size_t drain_batch = 4096;

// While following: raw events read, not yet consumed, at most (MiB).
constexpr std::uint64_t default_buffer_mib = 256;

// While following, the kernel wakes the reader once this fraction of its
// ring is unread (the rest is the reader's time to be scheduled), or this
// long after the oldest unread event arrived (how late a trickle shows).
constexpr std::uint32_t follow_wakeup_fraction = 4;
constexpr std::chrono::milliseconds follow_wakeup_after(100);

// The watermark a follower sets for a ring of this many events.
mpmon_wakeup follow_wakeup(std::uint32_t ring_capacity);

struct DrainPlan {
    // Events the consumer may count (print, write) at most; no more are
    // taken out of the ring than may still be counted, so the rest stay
    // for the next reader.
    std::optional<std::uint64_t> limit;
    // Wait for more events once the ring is empty, until Ctrl-C (else stop);
    // read on a thread of its own while the calling thread consumes.
    bool follow = false;
    // While following: stop then, once the events the ring holds are read.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // While following: the most raw events (in bytes, in batches of storage)
    // read and not yet consumed; then the reader waits for the consumer,
    // and the kernel's ring fills and drops meanwhile.
    std::uint64_t buffer_bytes = default_buffer_mib << 20;
    // While following: nice levels the reader runs above the calling thread
    // (0: none; needs CAP_SYS_NICE), for a machine a storm saturates, where
    // the reader waits for the CPU longer than the ring lasts (design.md).
    int reader_boost = 0;
};

// What the consumer did with one batch.
struct Consumed {
    std::uint64_t counted = 0; // events that count toward the limit
    bool stop = false;         // end the drain now (the output went away)
};

struct DrainResult {
    std::uint64_t read = 0;    // events taken out of the ring
    std::uint64_t counted = 0; // the consumer's counts, summed
    std::uint64_t dropped = 0; // dropped by the full ring while draining
    std::uint64_t lost = 0;    // dropped since the last reset (the last read's figure)
    bool stopped = false;      // the consumer ended it
    // While following: a Ctrl-C or SIGTERM came once the reading had stopped
    // (a second one, or one after the deadline or the limit), and ended it.
    bool abandoned = false;
    std::uint64_t unconsumed = 0; // events read and never passed on
};

// Called on the calling thread, in the order of the ring, per READ_EVENTS
// (while following, those that found events).  Every event taken out of
// the ring is passed on, also at Ctrl-C or the deadline, unless the
// consumer stops it or a Ctrl-C comes once the reading stopped (abandoned).
using BatchConsumer = std::function<Consumed(std::span<const mpmon_event> batch)>;

DrainResult drain(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                  const BatchConsumer& consume);

// What READ_EVENTS said over a drain: the events, and what the ring's drop
// counter grew by from the first read (across a reset too).
class ReadTally {
public:
    void add(const ReadResult& r);
    // Sets result.read, .lost and .dropped.
    void fill(DrainResult& result) const;
    std::uint64_t dropped() const noexcept { return dropped_; }

private:
    std::uint64_t read_ = 0;
    std::optional<std::uint64_t> lost_; // the last read's figure
    std::uint64_t dropped_ = 0;
};

} // namespace mpctl
