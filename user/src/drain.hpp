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

struct DrainPlan {
    // Events the consumer may count (print, write) at most; no more are
    // taken out of the ring than may still be counted, so the rest stay
    // for the next reader.
    std::optional<std::uint64_t> limit;
    // Wait for more events once the ring is empty, until Ctrl-C (else stop).
    bool follow = false;
    // While following: stop once the ring is empty at or after this time.
    std::optional<std::chrono::steady_clock::time_point> deadline;
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
};

// Called once per READ_EVENTS, also with an empty batch.  A batch never
// holds more events than the limit leaves room for.
using BatchConsumer = std::function<Consumed(std::span<const mpmon_event> batch)>;

// Events moved out of the kernel per READ_EVENTS.
constexpr std::size_t drain_batch = 256;

DrainResult drain(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                  const BatchConsumer& consume);

} // namespace mpctl
