// SPDX-License-Identifier: GPL-2.0
// Taking events out of the ring in batches, as mpctl events and mpctl
// record do: bounded by a limit, waiting for more while following, and
// counting what the full ring dropped meanwhile.
#pragma once

#include "monitor.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace mpctl {

class Interrupt;

// Events moved out of the kernel per READ_EVENTS.
constexpr std::size_t drain_batch = 256;

// While following: raw events read but not yet consumed, at most (mpctl
// --buffer), in MiB.
constexpr std::uint64_t default_buffer_mib = 256;

// While following, the kernel wakes the reader once this fraction of its
// ring is unread (a quarter of the default 49,152 events: about 80 ms of
// a 150,000 calls/s storm, leaving three quarters of the ring for the
// reader to be scheduled), or follow_wakeup_after the oldest unread event
// arrived, which bounds how late a trickle of events is printed.
constexpr std::uint32_t follow_wakeup_fraction = 4;
constexpr std::chrono::milliseconds follow_wakeup_after(100);

// The watermark a follower sets for a ring of this many events (1 event
// for an unknown capacity).
mpmon_wakeup follow_wakeup(std::uint32_t ring_capacity);

struct DrainPlan {
    // Events the consumer may count (print, write) at most; no more are
    // taken out of the ring than may still be counted, so the rest stay
    // for the next reader.
    std::optional<std::uint64_t> limit;
    // Wait for more events once the ring is empty, until Ctrl-C (else stop).
    // A following drain reads on a thread of its own, and the consumer
    // formats on the calling thread meanwhile.
    bool follow = false;
    // While following: stop at this time, once the events then in the ring
    // are read.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // While following: the most raw events (in bytes, at least one event)
    // read and not yet consumed; when that much is queued the reader waits
    // for the consumer, and the kernel's ring fills and drops meanwhile.
    std::uint64_t buffer_bytes = default_buffer_mib << 20;
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
    // While following: a Ctrl-C or SIGTERM came once the reading had
    // stopped (a second one, or one after the deadline or the limit), and
    // ended the drain before the events read were all consumed.
    bool abandoned = false;
    std::uint64_t unconsumed = 0; // events read and never passed on
};

// Called on the calling thread, in the order of the ring, once per
// READ_EVENTS that found events (without follow, also once with an empty
// batch at the end); a batch never holds more events than the limit leaves
// room for.  Every event taken out of the ring is passed on (also at
// Ctrl-C, SIGTERM or the deadline: the queued batches first, then the
// drain returns), unless the consumer stops it, or, while following, a
// Ctrl-C or SIGTERM comes once the reading has stopped
// (DrainResult::abandoned).
using BatchConsumer = std::function<Consumed(std::span<const mpmon_event> batch)>;

DrainResult drain(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                  const BatchConsumer& consume);

// What READ_EVENTS said over a drain: the events, and what the ring's drop
// counter grew by from the first read (a reset in between starts it again
// from 0: what it counts after the reset is added).
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
