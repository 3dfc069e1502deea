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

// While following: storage for this much raw events (in MiB) is kept
// allocated, its pages written to, within --buffer, for the reader's next
// reads, by a helper thread at the reader's priority that tops it up
// once half of it is used: a reader that allocates and faults pages in
// stalls, and in a storm the ring lasts only tens of milliseconds.  8 MiB
// is about 140 ms of reads at 150,000 events/s.
constexpr std::uint64_t follow_reserve_mib = 8;

// While following, after a read that found some events but not a full
// batch: the reader's pause before it reads again, so that while events
// flow it is not asleep in poll() and the kernel need not wake it per event.
constexpr std::chrono::milliseconds follow_nap(1);

// While following: events read that do not fill a batch yet are handed
// over to the consumer once a read finds the ring empty, or once the
// first of them was read this long ago, whichever comes first.  In a
// storm the reader fills whole batches (no short batch to copy on its
// thread); at a trickle the output lags by this much at most.
constexpr std::chrono::milliseconds follow_hand_over(100);

// While following: how many nice levels the reader thread, and the
// thread that keeps its reserve, ask to run above the calling thread (it
// needs CAP_SYS_NICE; without, they stay level).  In a storm the reader
// reads back to back and competes for the CPU with the formatting thread
// and the traced callers, and a reader left waiting longer than the ring
// lasts (4,096 events: 20-30 ms at 150,000-200,000 calls/s) loses events;
// the formatting thread has the buffer.
constexpr int follow_reader_boost = 10;

// Sleeps for the given time unless interrupted; false if interrupted.
using Nap = std::function<bool(std::chrono::milliseconds)>;

struct DrainPlan {
    // Events the consumer may count (print, write) at most; no more are
    // taken out of the ring than may still be counted, so the rest stay
    // for the next reader.
    std::optional<std::uint64_t> limit;
    // Wait for more events once the ring is empty, until Ctrl-C (else stop).
    // A following drain reads on a thread of its own, and the consumer
    // formats on the calling thread meanwhile.
    bool follow = false;
    // While following: stop once the ring is empty at or after this time.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // While following: the most raw events (in bytes, at least one event)
    // read and not yet consumed; when that much is queued the reader waits
    // for the consumer, and the kernel's ring fills and drops meanwhile.
    std::uint64_t buffer_bytes = default_buffer_mib << 20;
    // While following: the pause after a short read (follow_nap); empty for
    // a sleep on the steady clock that Ctrl-C ends.  Tests replace it.
    Nap nap;
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

// Called on the calling thread, in the order of the ring; a batch never
// holds more events than the limit leaves room for.  Without follow, once
// per READ_EVENTS, also with an empty batch; while following, once per
// batch the reader hands over (the events of one or more READ_EVENTS, see
// follow_hand_over).  Every event taken out of the ring is
// passed on (also at Ctrl-C, SIGTERM or the deadline: the queued batches
// first, then the drain returns), unless the consumer stops it, or,
// while following, a Ctrl-C or SIGTERM comes once the reading has stopped
// (DrainResult::abandoned).
using BatchConsumer = std::function<Consumed(std::span<const mpmon_event> batch)>;

DrainResult drain(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                  const BatchConsumer& consume);

// What READ_EVENTS said over a drain: the events, and the ring's drop
// counter at the first and at the last read.
class ReadTally {
public:
    void add(const ReadResult& r);
    // Sets result.read, .lost and .dropped.
    void fill(DrainResult& result) const;

private:
    std::uint64_t read_ = 0;
    std::optional<std::uint64_t> first_lost_;
    std::uint64_t lost_ = 0;
};

} // namespace mpctl
