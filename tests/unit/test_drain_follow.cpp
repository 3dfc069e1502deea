// SPDX-License-Identifier: GPL-2.0
// The following drain of mpctl events --follow and mpctl record, against a
// live ring whose events are numbered (a gap in seq is a drop): events in
// order, none lost or passed on twice, the limit, the deadline, Ctrl-C once
// and twice, the buffer's bound, the consumer's stop, errors, and the
// kernel's watermark.
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "eventually.hpp"
#include "follow/drain.hpp"
#include "live_ring.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

const Interrupt never{Interrupt::Never{}};

DrainPlan following(std::uint64_t buffer_events = 4 * drain_batch) {
    DrainPlan plan;
    plan.follow = true;
    plan.buffer_bytes = buffer_events * sizeof(mpmon_event);
    return plan;
}

// Takes every event and checks them against the ring's numbering.
struct Keep {
    std::uint64_t events = 0;
    std::uint64_t gaps = 0; // events missing between those seen
    std::uint64_t next_seq = 0;
    std::vector<std::size_t> batches;
    bool in_order = true;             // also: none seen twice
    std::function<void(Keep&)> after; // after each batch

    Consumed operator()(std::span<const mpmon_event> batch) {
        for (const auto& ev : batch) {
            if (ev.seq < next_seq)
                in_order = false;
            gaps += ev.seq - std::min<std::uint64_t>(ev.seq, next_seq);
            next_seq = ev.seq + 1;
        }
        events += batch.size();
        batches.push_back(batch.size());
        if (after)
            after(*this);
        return {batch.size(), false};
    }
};

bool sigint_pending() {
    sigset_t set;
    sigemptyset(&set);
    sigpending(&set);
    return sigismember(&set, SIGINT) == 1;
}

} // namespace

TEST(DrainFollow, EveryEventOnceInOrder) {
    for (std::uint64_t buffer :
         {std::uint64_t{1}, std::uint64_t{300}, (default_buffer_mib << 20) / sizeof(mpmon_event)}) {
        LiveRing ring(200000);
        ring.produce(30000);
        ring.supply(100, 300); // and up to 30,000 more while it reads
        Keep keep;
        auto d = drain(ring, never, following(buffer), std::ref(keep));
        EXPECT_GT(ring.produced(), 30000u) << buffer;
        EXPECT_EQ(ring.left(), 0u) << buffer;
        EXPECT_EQ(keep.events, ring.produced()) << buffer;
        EXPECT_TRUE(keep.in_order) << buffer;
        EXPECT_EQ(keep.gaps, 0u) << buffer;
        EXPECT_EQ(d.read, keep.events) << buffer;
        EXPECT_EQ(d.counted, keep.events) << buffer;
        EXPECT_EQ(d.dropped, 0u) << buffer;
        EXPECT_EQ(d.unconsumed, 0u) << buffer;
        EXPECT_FALSE(d.stopped || d.abandoned) << buffer;
    }
}

// The kernel wakes the follower by its watermark, set before the first
// read (with events=auto that attaches the reader): fewer events than the
// ring holds, so that it is woken before the ring is full, and a timeout,
// so that a trickle is not held back for ever.
TEST(DrainFollow, SetsTheWatermarkFirst) {
    LiveRing ring(49152);
    ring.produce(10);
    Keep keep;
    drain(ring, never, following(), std::ref(keep));
    auto wakeups = ring.wakeups();
    ASSERT_EQ(wakeups.size(), 1u);
    auto [wakeup, reads_before] = wakeups.front();
    EXPECT_EQ(reads_before, 0u);
    EXPECT_GE(wakeup.events, 1u);
    EXPECT_LT(wakeup.events, 49152u);
    EXPECT_GT(wakeup.timeout_ms, 0u);
    EXPECT_LE(wakeup.timeout_ms, static_cast<std::uint32_t>(MPMON_WAKEUP_MAX_MS));
    EXPECT_EQ(keep.events, 10u);
}

// What the reader took out of the ring and did not pass on yet never
// exceeds the buffer, however slow the consumer.
TEST(DrainFollow, TheBufferBoundsWhatIsReadAhead) {
    LiveRing ring(200000);
    ring.produce(50000);
    constexpr std::uint64_t buffer = 4 * drain_batch;
    Keep keep;
    bool bounded = true, filled = false;
    keep.after = [&](Keep& k) {
        // This batch is not consumed until the call returns.
        std::uint64_t consumed = k.events - k.batches.back();
        if (k.batches.size() == 1)
            filled = eventually([&] { return ring.taken() == consumed + buffer; });
        if (ring.taken() > consumed + buffer)
            bounded = false;
    };
    auto d = drain(ring, never, following(buffer), std::ref(keep));
    EXPECT_TRUE(filled);
    EXPECT_TRUE(bounded);
    EXPECT_EQ(d.read, 50000u);
    EXPECT_TRUE(keep.in_order);
    EXPECT_EQ(keep.gaps, 0u);
}

// While the buffer is full the kernel's ring fills and drops: the drain
// reports exactly what it dropped, counted from its first read.
TEST(DrainFollow, ReportsWhatTheRingDropped) {
    LiveRing ring(4096);
    ring.produce(5000); // 904 dropped before the drain
    std::atomic<bool> storm_over{false};
    ring.on_wait([&](milliseconds, bool readable) {
        if (readable)
            return Wait::readable;
        if (storm_over)
            return Wait::interrupted;
        std::this_thread::sleep_for(1ms);
        return Wait::timeout;
    });
    Keep keep;
    keep.after = [&](Keep& k) {
        if (k.batches.size() <= 100)
            ring.produce(2000); // calls made while this batch was written
        else
            storm_over = true;
    };
    auto d = drain(ring, never, following(1000), std::ref(keep));
    EXPECT_GT(d.dropped, 0u);
    EXPECT_EQ(d.lost, ring.lost());
    EXPECT_EQ(d.dropped, ring.lost() - 904);
    EXPECT_EQ(d.read, keep.events);
    EXPECT_EQ(d.read + ring.lost(), ring.produced());
    EXPECT_TRUE(keep.in_order);
    // The gaps in seq are drops of the ring, before the drain or during it.
    EXPECT_EQ(keep.gaps + (ring.produced() - keep.next_seq), ring.lost());
}

TEST(DrainFollow, TheLimitTakesNoMoreOutOfTheRing) {
    LiveRing ring(10000);
    ring.produce(5000);
    Keep keep;
    auto plan = following(300);
    plan.limit = 1000;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.counted, 1000u);
    EXPECT_EQ(keep.events, 1000u);
    EXPECT_EQ(ring.left(), 4000u);
}

// Only even seq numbers count (like --tgid): the reader never takes out
// more than may still count if every event handed over counts, so the
// ring's next event is the one after the limit's last counted one.
TEST(DrainFollow, TheLimitIsOnWhatTheConsumerCounts) {
    LiveRing ring(10000);
    ring.produce(5000);
    std::uint64_t seen = 0;
    auto plan = following(300);
    plan.limit = 1000;
    auto d = drain(ring, never, plan, [&](std::span<const mpmon_event> batch) {
        Consumed c;
        for (const auto& ev : batch)
            c.counted += ev.seq % 2 == 0 ? 1 : 0;
        seen += batch.size();
        return c;
    });
    EXPECT_EQ(d.counted, 1000u);
    EXPECT_EQ(seen, 1999u); // seq 0 to 1998
    EXPECT_EQ(d.read, seen);
    EXPECT_EQ(ring.left(), 5000u - 1999u);
}

// At the deadline the events then in the ring are read, also those below
// the watermark (the kernel did not wake the reader for them), and no more
// waiting.
TEST(DrainFollow, TheDeadlineReadsWhatTheRingHoldsThenStops) {
    LiveRing ring(10000);
    ring.produce(10);
    ring.on_wait([&](milliseconds timeout, bool) {
        std::this_thread::sleep_for(std::min(timeout, milliseconds(5)));
        ring.produce(3); // below the watermark: no wake-up
        return Wait::timeout;
    });
    auto plan = following();
    plan.deadline = steady_clock::now() + 50ms;
    Keep keep;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(ring.left(), 0u);
    EXPECT_EQ(keep.events, ring.produced());
    EXPECT_EQ(d.read, keep.events);
    EXPECT_TRUE(keep.in_order);
}

// A storm that never lets the ring empty does not keep it past the
// deadline.
TEST(DrainFollow, TheDeadlineEndsAStorm) {
    LiveRing ring(10000);
    ring.supply(drain_batch); // every read is full
    auto plan = following();
    plan.deadline = steady_clock::now() + 20ms;
    Keep keep;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, keep.events);
    EXPECT_EQ(d.read, ring.taken());
    EXPECT_TRUE(keep.in_order);
}

// Ctrl-C (a real signal, through the signalfd) in a storm that never lets
// the ring empty: the reader stops, everything it read is passed on, and
// the rest stays in the ring.
TEST(DrainFollow, CtrlCStopsReadingAndPassesOnWhatWasRead) {
    Interrupt interrupt;
    LiveRing ring(100000);
    ring.supply(drain_batch);
    Keep keep;
    keep.after = [](Keep& k) {
        if (k.batches.size() == 20)
            ::kill(::getpid(), SIGINT);
    };
    auto d = drain(ring, interrupt, following(8 * drain_batch), std::ref(keep));
    EXPECT_FALSE(interrupt.fired()); // the drain took the signal
    EXPECT_FALSE(d.abandoned);
    EXPECT_GE(keep.events, 20 * drain_batch);
    EXPECT_EQ(keep.events, ring.taken());
    EXPECT_EQ(d.read, keep.events);
    EXPECT_EQ(d.unconsumed, 0u);
    EXPECT_TRUE(keep.in_order);
    EXPECT_EQ(keep.gaps, 0u);
}

// A second Ctrl-C while what was read is still being passed on ends the
// drain at once, and says how many events read were not passed on.
TEST(DrainFollow, ASecondCtrlCAbandonsWhatIsLeft) {
    Interrupt interrupt;
    LiveRing ring(100000);
    ring.produce(10000);
    std::atomic<bool> first_sent{false};
    ring.on_wait([&](milliseconds, bool readable) {
        if (readable)
            return Wait::readable;
        // Marked once pending, not before: two pending SIGINTs are one.
        if (!first_sent) {
            ::kill(::getpid(), SIGINT);
            first_sent = true;
        }
        return wait_interrupt(interrupt, 10s) ? Wait::interrupted : Wait::timeout;
    });
    Keep keep;
    keep.after = [&](Keep& k) {
        if (k.batches.size() != 1)
            return;
        // The reader has read everything and taken the first one.
        EXPECT_TRUE(eventually([&] { return first_sent && !sigint_pending(); }));
        EXPECT_TRUE(interrupt.seen());
        ::kill(::getpid(), SIGINT);
    };
    auto d = drain(ring, interrupt, following(20000), std::ref(keep));
    EXPECT_TRUE(d.abandoned);
    EXPECT_EQ(d.read, 10000u);
    EXPECT_EQ(keep.events, keep.batches.front());
    EXPECT_EQ(d.unconsumed, d.read - keep.events);
    EXPECT_GT(d.unconsumed, 0u);
    EXPECT_FALSE(interrupt.fired());
}

// The consumer's stop (its output went away) ends the reader too, in a
// storm that never lets the ring empty.
TEST(DrainFollow, TheConsumerCanStopIt) {
    LiveRing ring(100000);
    ring.supply(drain_batch);
    int batches = 0;
    auto d =
        drain(ring, never, following(4 * drain_batch), [&](std::span<const mpmon_event> batch) {
            return Consumed{batch.size(), ++batches == 3};
        });
    EXPECT_TRUE(d.stopped);
    EXPECT_EQ(batches, 3);
    EXPECT_EQ(d.read, ring.taken());
    EXPECT_EQ(d.unconsumed, d.read - 3 * drain_batch);
}

// A failing READ_EVENTS ends the drain with its error once what was read
// before it was passed on; a failing consumer ends it with its own.
TEST(DrainFollow, ErrorsOfEitherSideEndIt) {
    LiveRing ring(100000);
    ring.produce(2 * drain_batch + drain_batch / 2);
    struct FailOnThirdRead final : RingOnlyMonitor {
        LiveRing& ring;
        int reads = 0;
        explicit FailOnThirdRead(LiveRing& r) : ring(r) {}
        ReadResult read_events(std::span<mpmon_event> buf) override {
            if (++reads == 3)
                throw Error(Exit::failure, "/dev/mpmon: READ_EVENTS: Input/output error");
            return ring.read_events(buf);
        }
        Wait wait_events(milliseconds t, const Interrupt& i) override {
            return ring.wait_events(t, i);
        }
    } failing(ring);
    Keep keep;
    EXPECT_THROW(drain(failing, never, following(), std::ref(keep)), Error);
    EXPECT_EQ(keep.events, 2 * drain_batch);
    EXPECT_TRUE(keep.in_order);

    LiveRing storm(100000);
    storm.supply(drain_batch);
    EXPECT_THROW(drain(storm, never, following(),
                       [](std::span<const mpmon_event>) -> Consumed {
                           throw Error(Exit::failure, "r.jsonl: write failed");
                       }),
                 Error);
}

// The reader runs at the calling thread's priority unless asked to run
// above it (an opt-in: it needs CAP_SYS_NICE).
TEST(DrainFollow, TheReaderBoostIsOptIn) {
    struct NiceOfReader final : RingOnlyMonitor {
        LiveRing ring{100};
        std::atomic<int> nice{100};
        ReadResult read_events(std::span<mpmon_event> buf) override {
            nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
            return ring.read_events(buf);
        }
        Wait wait_events(milliseconds t, const Interrupt& i) override {
            return ring.wait_events(t, i);
        }
    };
    const int base = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    NiceOfReader level;
    Keep keep;
    drain(level, never, following(), std::ref(keep));
    EXPECT_EQ(level.nice, base);

    NiceOfReader boosted;
    auto plan = following();
    plan.reader_boost = 5;
    try {
        drain(boosted, never, plan, std::ref(keep));
    } catch (const Error& e) {
        ASSERT_EQ(e.code(), Exit::permission) << e.what();
        GTEST_SKIP() << "not permitted to raise a thread's priority: " << e.what();
    }
    EXPECT_EQ(boosted.nice, std::max(base - 5, -20));
    EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())), base);
}
