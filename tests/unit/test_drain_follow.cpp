// SPDX-License-Identifier: GPL-2.0
// The following drain of mpctl events --follow and mpctl record: a reader
// thread takes events out of a live ring into a bounded queue, the calling
// thread consumes them.  Order, nothing read left unconsumed (also at
// Ctrl-C), the buffer bound, the ring's drops, the limit, the deadline,
// the nap while events flow and the blocking wait while none do.
#include "drain.hpp"
#include "error.hpp"
#include "eventually.hpp"
#include "interrupt.hpp"
#include "live_ring.hpp"
#include "local_memory.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <gtest/gtest.h>
#include <stdexcept>
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

DrainPlan following(std::size_t buffer_events = 1000) {
    DrainPlan plan;
    plan.follow = true;
    plan.buffer_bytes = buffer_events * sizeof(mpmon_event);
    return plan;
}

// Takes every event, checks that they come in order (seq increasing; a
// gap is a drop of the ring) and keeps what the tests look at.
struct Keep {
    std::uint64_t events = 0;
    std::uint64_t gaps = 0; // events missing between the ones seen
    std::uint64_t next_seq = 0;
    std::vector<std::size_t> batches;
    bool in_order = true;
    std::function<void(Keep&)> after; // called after each batch

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

// A nap that only counts (events are there at once in these rings).
struct CountNaps {
    std::atomic<int> naps{0};
    Nap nap() {
        return [this](milliseconds d) {
            EXPECT_EQ(d, follow_nap);
            ++naps;
            return true;
        };
    }
};

} // namespace

TEST(DrainFollow, InOrderAcrossManyBatches) {
    LiveRing ring(200000);
    ring.produce(100000);
    Keep keep;
    auto d = drain(ring, never, following(1000), std::ref(keep));
    EXPECT_EQ(d.read, 100000u);
    EXPECT_EQ(d.counted, 100000u);
    EXPECT_EQ(keep.events, 100000u);
    EXPECT_TRUE(keep.in_order);
    EXPECT_EQ(keep.gaps, 0u);
    EXPECT_GE(keep.batches.size(), 100000u / drain_batch);
    for (auto n : keep.batches)
        ASSERT_LE(n, drain_batch);
    EXPECT_FALSE(d.stopped);
    EXPECT_EQ(d.dropped, 0u);
}

// The default buffer, with the reserve of mapped batches the consumer
// keeps for the reader, and buffers smaller than the reserve or than one
// batch: the same events in the same order.
TEST(DrainFollow, InOrderWithAnyBuffer) {
    for (std::uint64_t buffer : {std::uint64_t{1}, std::uint64_t{300}, std::uint64_t{3000},
                                 (default_buffer_mib << 20) / sizeof(mpmon_event)}) {
        LiveRing ring(200000);
        ring.produce(60000);
        Keep keep;
        auto d = drain(ring, never, following(static_cast<std::size_t>(buffer)), std::ref(keep));
        EXPECT_EQ(d.read, 60000u) << buffer;
        EXPECT_EQ(keep.events, 60000u) << buffer;
        EXPECT_TRUE(keep.in_order) << buffer;
        EXPECT_EQ(keep.gaps, 0u) << buffer;
        for (auto n : keep.batches)
            ASSERT_LE(n, std::min<std::uint64_t>(buffer, drain_batch)) << buffer;
    }
}

// The reader stops reading while the queue holds the buffer's worth; what
// it took out never runs more than that ahead of what was consumed.
TEST(DrainFollow, TheReaderPausesWhenTheBufferIsFull) {
    LiveRing ring(200000);
    ring.produce(50000);
    constexpr std::size_t capacity = 1000;
    Keep keep;
    bool held_back = false, bounded = true;
    keep.after = [&](Keep& k) {
        // k.events includes this batch, which is still held.
        if (ring.taken() > k.events - k.batches.back() + capacity)
            bounded = false;
        if (k.batches.size() == 1) {
            // Consume nothing more for now: the reader fills the queue and
            // stops at exactly the buffer's worth.
            held_back = eventually([&] { return ring.taken() == capacity; });
            std::this_thread::sleep_for(50ms);
            held_back = held_back && ring.taken() == capacity;
        }
    };
    auto d = drain(ring, never, following(capacity), std::ref(keep));
    EXPECT_TRUE(held_back) << ring.taken() << " taken";
    EXPECT_TRUE(bounded);
    EXPECT_EQ(d.read, 50000u);
    EXPECT_EQ(keep.events, 50000u);
    EXPECT_TRUE(keep.in_order);
}

// A storm into the kernel's ring while the consumer is slow and the buffer
// full: the ring drops, and the drain reports exactly what it dropped.
TEST(DrainFollow, TheRingsDropsWhileTheBufferIsFullAreReported) {
    LiveRing ring(4096);
    ring.produce(300);
    const auto lost_before = ring.lost(); // 0, and the drain counts from its first read
    std::atomic<bool> storm_over{false};
    // The replay ends once the storm is over and the ring empty.
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
            ring.produce(2000); // calls made while this batch was formatted
        else
            storm_over = true;
    };
    auto d = drain(ring, never, following(1000), std::ref(keep));
    EXPECT_GT(d.dropped, 0u);
    EXPECT_EQ(d.dropped, ring.lost() - lost_before);
    EXPECT_EQ(d.lost, ring.lost());
    EXPECT_EQ(d.read, keep.events);
    EXPECT_EQ(d.read + d.dropped, ring.produced());
    EXPECT_TRUE(keep.in_order);
    // The dropped events' seq numbers: the gaps, and those after the last
    // event kept (dropped once the ring had filled for the last time).
    EXPECT_EQ(keep.gaps + (ring.produced() - keep.next_seq), d.dropped);
    EXPECT_EQ(ring.left(), 0u);
}

TEST(DrainFollow, ALimitTakesNoMoreOutOfTheRing) {
    LiveRing ring(10000);
    ring.produce(5000);
    Keep keep;
    auto plan = following(300);
    plan.limit = 1000;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, 1000u);
    EXPECT_EQ(d.counted, 1000u);
    EXPECT_EQ(ring.taken(), 1000u);
    EXPECT_EQ(ring.left(), 4000u);
    EXPECT_TRUE(keep.in_order);
}

// Only even seq numbers count (like --tgid): the reader never takes out more
// than may still count if every event it handed over counts, so it stops at
// the limit's last counted event, however slow the consumer.
TEST(DrainFollow, ALimitOfWhatTheConsumerCountsIsExact) {
    for (auto slow : {0us, 200us}) {
        LiveRing ring(10000);
        ring.produce(5000);
        std::uint64_t seen = 0;
        auto plan = following(300);
        plan.limit = 1000;
        auto d = drain(ring, never, plan, [&](std::span<const mpmon_event> batch) {
            std::this_thread::sleep_for(slow);
            Consumed c;
            for (const auto& ev : batch)
                c.counted += ev.seq % 2 == 0 ? 1 : 0;
            seen += batch.size();
            return c;
        });
        EXPECT_EQ(d.counted, 1000u);
        EXPECT_EQ(d.read, 1999u); // seq 0 to 1998
        EXPECT_EQ(seen, 1999u);
        EXPECT_EQ(ring.left(), 5000u - 1999u);
    }
}

// While events flow in small numbers the reader naps between reads instead
// of waiting in poll(); it waits only once the ring is empty.
TEST(DrainFollow, NapsWhileEventsFlowAndWaitsOnlyWhenTheRingIsEmpty) {
    LiveRing ring;
    ring.supply(3, 50); // 50 reads find 3 new events each
    CountNaps naps;
    auto plan = following();
    plan.nap = naps.nap();
    Keep keep;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, 150u);
    EXPECT_EQ(naps.naps, 50);
    EXPECT_EQ(ring.reads(), 51u); // the 51st found the ring empty
    EXPECT_EQ(ring.waits(), 1u);  // then the replay ended
    EXPECT_TRUE(keep.in_order);
}

// While events flow, short reads fill one batch (none is copied on the
// reader's thread): the consumer gets whole batches, and the rest once a
// read finds the ring empty.
TEST(DrainFollow, ShortReadsFillWholeBatches) {
    LiveRing ring;
    ring.supply(100, 20); // 20 reads find 100 new events each
    CountNaps naps;
    auto plan = following(drain_batch * 64);
    plan.nap = naps.nap();
    Keep keep;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, 2000u);
    EXPECT_TRUE(keep.in_order);
    ASSERT_EQ(keep.batches.size(), 2000 / drain_batch + 1);
    for (std::size_t i = 0; i + 1 < keep.batches.size(); ++i)
        EXPECT_EQ(keep.batches[i], drain_batch) << i;
    EXPECT_EQ(keep.batches.back(), 2000 % drain_batch);
}

// At a trickle that never empties the ring, what was read reaches the
// consumer no later than follow_hand_over after the first of it.
TEST(DrainFollow, ATrickleIsHandedOverWithinTheHandOverTime) {
    LiveRing ring;
    constexpr std::uint64_t reads = 150;
    ring.supply(1, reads); // 1 new event per read, 1 ms apart at least
    auto plan = following();
    plan.nap = [](milliseconds d) {
        std::this_thread::sleep_for(d);
        return true;
    };
    std::vector<steady_clock::time_point> arrivals;
    Keep keep;
    keep.after = [&](Keep&) { arrivals.push_back(steady_clock::now()); };
    auto start = steady_clock::now();
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, reads);
    EXPECT_TRUE(keep.in_order);
    // The reads take 150 ms at least: the first batch went before the end.
    ASSERT_GE(keep.batches.size(), 2u);
    EXPECT_LT(keep.batches.front(), reads);
    EXPECT_GE(arrivals.front() - start, follow_hand_over);
}

// Full batches neither nap nor wait.
TEST(DrainFollow, FullBatchesAreReadBackToBack) {
    LiveRing ring;
    ring.produce(drain_batch * 8);
    CountNaps naps;
    auto plan = following(drain_batch * 16);
    plan.nap = naps.nap();
    Keep keep;
    drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(naps.naps, 0);
    EXPECT_EQ(ring.reads(), 9u);
    EXPECT_EQ(ring.waits(), 1u);
}

TEST(DrainFollow, WaitsASecondAtATimeUntilInterrupted) {
    LiveRing ring;
    ring.produce(10);
    int timeouts = 2;
    ring.on_wait([&](milliseconds, bool) { // two timeouts, then Ctrl-C
        return timeouts-- > 0 ? Wait::timeout : Wait::interrupted;
    });
    CountNaps naps;
    auto plan = following();
    plan.nap = naps.nap();
    Keep keep;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, 10u);
    EXPECT_EQ(naps.naps, 1); // after the short read of 10
    EXPECT_EQ(ring.wait_times(), std::vector<milliseconds>(3, milliseconds(1000)));
    EXPECT_EQ(ring.reads(), 4u);
}

TEST(DrainFollow, WaitsNoLongerThanTheDeadline) {
    LiveRing ring;
    ring.produce(10);
    ring.on_wait([](milliseconds timeout, bool) {
        std::this_thread::sleep_for(timeout);
        return Wait::timeout;
    });
    auto plan = following();
    plan.deadline = steady_clock::now() + 300ms;
    Keep keep;
    auto start = steady_clock::now();
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, 10u);
    EXPECT_GE(steady_clock::now() - start, 300ms);
    auto waits = ring.wait_times();
    ASSERT_FALSE(waits.empty());
    EXPECT_LE(waits.front(), milliseconds(301));
    EXPECT_GT(waits.front(), milliseconds(0));

    // A deadline already passed: the ring is emptied once, without a wait.
    LiveRing late;
    late.produce(600);
    plan.deadline = steady_clock::now();
    Keep all;
    d = drain(late, never, plan, std::ref(all));
    EXPECT_EQ(d.read, 600u);
    EXPECT_EQ(late.waits(), 0u);
}

// A storm that fills every read (the ring never empties) still ends, at
// most one wait (1 s) after the deadline (record --duration under a storm
// mpctl cannot keep up with).
TEST(DrainFollow, TheDeadlineEndsAStormThatNeverEmptiesTheRing) {
    LiveRing ring;
    ring.supply(drain_batch); // every read finds a full batch
    auto plan = following(drain_batch * 4);
    plan.deadline = steady_clock::now() + 200ms;
    Keep keep;
    keep.after = [](Keep&) { std::this_thread::sleep_for(1ms); };
    auto start = steady_clock::now();
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_GE(steady_clock::now() - start, 1200ms);
    EXPECT_LT(steady_clock::now() - start, 5s);
    EXPECT_GT(d.read, 0u);
    EXPECT_EQ(keep.events, d.read); // everything read was consumed
    EXPECT_EQ(ring.waits(), 0u);
}

// An idle ring: the reader sleeps in the wait (poll), it does not spin.
TEST(DrainFollow, AnIdleFollowBlocks) {
    LiveRing ring;
    auto window_end = steady_clock::now() + 300ms;
    ring.on_wait([&](milliseconds timeout, bool) {
        auto now = steady_clock::now();
        if (now >= window_end)
            return Wait::interrupted;
        std::this_thread::sleep_for(std::min<steady_clock::duration>(timeout, window_end - now));
        return Wait::timeout;
    });
    CountNaps naps;
    auto plan = following();
    plan.nap = naps.nap();
    Keep keep;
    auto d = drain(ring, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, 0u);
    EXPECT_TRUE(keep.batches.empty()); // empty reads are not passed on
    EXPECT_EQ(naps.naps, 0);
    // 300 ms: one read, one wait that took all of it, one read, the end.
    EXPECT_LE(ring.reads(), 3u);
    EXPECT_LE(ring.waits(), 3u);
}

// Every thread of the drain allocates under an explicit memory policy
// while it runs (the kernel's NUMA balancing leaves such memory alone),
// and the caller's default policy is back afterwards.
TEST(DrainFollow, RunsOutsideNumaBalancing) {
    ASSERT_TRUE(LocalMemory::thread_has_default_policy());
    LiveRing ring;
    ring.produce(3 * drain_batch);
    std::atomic<int> reader_default{-1};
    ring.on_wait([&](milliseconds, bool readable) {
        reader_default = LocalMemory::thread_has_default_policy() ? 1 : 0;
        return readable ? Wait::readable : Wait::interrupted;
    });
    std::vector<bool> consumer_default;
    Keep keep;
    keep.after = [&](Keep&) {
        consumer_default.push_back(LocalMemory::thread_has_default_policy());
    };
    auto d = drain(ring, never, following(), std::ref(keep));
    EXPECT_EQ(d.read, 3 * drain_batch);
    EXPECT_EQ(reader_default, 0);
    ASSERT_FALSE(consumer_default.empty());
    for (bool b : consumer_default)
        EXPECT_FALSE(b);
    EXPECT_TRUE(LocalMemory::thread_has_default_policy());
}

// Ctrl-C (a real signal, through the signalfd the reader thread polls)
// while the ring never empties and the buffer is full: the reader stops,
// and every event it took out is consumed before the drain returns.
TEST(DrainFollow, EverythingReadIsConsumedAtCtrlC) {
    Interrupt interrupt;
    LiveRing ring(100000);
    ring.supply(drain_batch); // an endless storm: every read is full
    Keep keep;
    std::uint64_t at_signal = 0;
    bool full = false;
    keep.after = [&](Keep& k) {
        std::this_thread::sleep_for(100us); // a slow consumer
        if (k.batches.size() == 20) {
            // Ctrl-C once the queue holds the buffer's 2000 events (this
            // batch is one of them).
            auto consumed = k.events - k.batches.back();
            full = eventually([&] { return ring.taken() == consumed + 2000; });
            at_signal = k.events;
            ::kill(::getpid(), SIGINT);
        }
    };
    auto d = drain(ring, interrupt, following(2000), std::ref(keep));
    EXPECT_FALSE(interrupt.fired()); // the reader took the signal
    EXPECT_TRUE(full);
    EXPECT_EQ(d.read, ring.taken());
    EXPECT_EQ(keep.events, d.read);
    // What was queued at Ctrl-C was consumed after it.
    EXPECT_GE(d.read, at_signal + 2000 - drain_batch);
    EXPECT_TRUE(keep.in_order);
}

// Ctrl-C ends the nap between short reads (the events keep flowing, the
// ring never empties, so the reader never waits in poll()).
TEST(DrainFollow, CtrlCEndsTheNap) {
    Interrupt interrupt;
    LiveRing ring;
    ring.supply(3);
    Keep keep;
    keep.after = [](Keep& k) {
        if (k.batches.size() == 10)
            ::kill(::getpid(), SIGINT);
    };
    auto d = drain(ring, interrupt, following(), std::ref(keep));
    EXPECT_FALSE(interrupt.fired());
    EXPECT_EQ(ring.waits(), 0u);
    EXPECT_GE(keep.batches.size(), 10u);
    EXPECT_EQ(keep.events, d.read);
    EXPECT_EQ(d.read, ring.taken());
}

// The consumer's stop (its output went away) ends the reader too, which
// then takes nothing more out of the ring than the buffer's worth beyond
// what was consumed.
TEST(DrainFollow, TheConsumerCanStopIt) {
    LiveRing ring(100000);
    ring.produce(20000);
    auto d = drain(ring, never, following(1000), [](std::span<const mpmon_event> batch) {
        return Consumed{batch.size(), true};
    });
    EXPECT_TRUE(d.stopped);
    EXPECT_LE(d.read, 1000u + drain_batch);
    EXPECT_EQ(d.read, ring.taken());
    EXPECT_EQ(ring.left(), 20000u - d.read);
}

// A failing READ_EVENTS ends the drain with its error, after the batches
// read before it were consumed; a failing consumer ends it with its own.
TEST(DrainFollow, ErrorsOfEitherSideEndIt) {
    LiveRing ring(100000);
    ring.produce(1000);
    int reads = 0;
    struct FailOnThirdRead final : RingOnlyMonitor {
        LiveRing& ring;
        int& reads;
        FailOnThirdRead(LiveRing& r, int& n) : ring(r), reads(n) {}
        ReadResult read_events(std::span<mpmon_event> buf) override {
            if (++reads == 3)
                throw Error(Exit::failure, "/dev/mpmon: READ_EVENTS: Input/output error");
            return ring.read_events(buf);
        }
        Wait wait_events(milliseconds t, const Interrupt& i) override {
            return ring.wait_events(t, i);
        }
    } failing(ring, reads);
    Keep keep;
    EXPECT_THROW(drain(failing, never, following(), std::ref(keep)), Error);
    EXPECT_EQ(keep.events, 2 * drain_batch);

    // Short reads not handed over yet reach the consumer before the error.
    LiveRing trickle(100000);
    trickle.supply(100);
    reads = 0;
    FailOnThirdRead failing_short(trickle, reads);
    auto plan = following();
    CountNaps naps;
    plan.nap = naps.nap();
    Keep short_keep;
    EXPECT_THROW(drain(failing_short, never, plan, std::ref(short_keep)), Error);
    EXPECT_EQ(short_keep.events, 200u);
    EXPECT_TRUE(short_keep.in_order);

    LiveRing storm(100000);
    storm.supply(drain_batch);
    EXPECT_THROW(drain(storm, never, following(),
                       [](std::span<const mpmon_event>) -> Consumed {
                           throw Error(Exit::failure, "r.jsonl: write failed");
                       }),
                 Error);
}
