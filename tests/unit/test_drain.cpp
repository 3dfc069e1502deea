// SPDX-License-Identifier: GPL-2.0
// The drain loop of mpctl events without --follow, against a replayed ring
// (test_drain_follow.cpp: the following drain, on a reader thread).
#include "command_fixture.hpp"
#include "common/interrupt.hpp"
#include "events_fixture.hpp"
#include "follow/drain.hpp"
#include "replay.hpp"

#include <gtest/gtest.h>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

std::vector<mpmon_event> numbered(std::uint32_t n) {
    std::vector<mpmon_event> evs;
    for (std::uint32_t i = 0; i < n; ++i) {
        evs.push_back(move_event(100, "w", 1, 0));
        evs.back().seq = i;
    }
    return evs;
}

// A replayed ring that remembers how long each wait was asked to last.
class WaitLog final : public Monitor {
public:
    explicit WaitLog(std::vector<mpmon_event> evs) : ring_(test_info(), {}, std::move(evs)) {}

    mpmon_info info() override { return ring_.info(); }
    mpmon_stats stats() override { return ring_.stats(); }
    mpmon_stats stats_and_reset() override { return ring_.stats_and_reset(); }
    ReadResult read_events(std::span<mpmon_event> buf) override {
        ++reads;
        return ring_.read_events(buf);
    }
    Wait wait_events(milliseconds timeout, const Interrupt& intr) override {
        waits.push_back(timeout);
        return waits.size() < max_waits ? Wait::timeout : ring_.wait_events(timeout, intr);
    }
    void reset() override { ring_.reset(); }
    void set_enabled(bool on) override { ring_.set_enabled(on); }
    void set_filter(const mpmon_filter& filter) override { ring_.set_filter(filter); }
    mpmon_filter filter() override { return ring_.filter(); }

    ReplayMonitor ring_;
    std::vector<milliseconds> waits;
    std::size_t max_waits = 1; // the first wait that ends the replay
    int reads = 0;
};

const Interrupt never{Interrupt::Never{}};

// Takes every event and keeps them.
struct Keep {
    std::vector<mpmon_event> seen;
    std::vector<std::size_t> batches;
    Consumed operator()(std::span<const mpmon_event> batch) {
        seen.insert(seen.end(), batch.begin(), batch.end());
        batches.push_back(batch.size());
        return {batch.size(), false};
    }
};

} // namespace

TEST(Drain, EmptiesTheRingInOrderInBatches) {
    const std::size_t n = 2 * drain_batch + 88;
    ReplayMonitor m(test_info(), {}, numbered(n));
    Keep keep;
    auto d = drain(m, never, {}, std::ref(keep));
    EXPECT_EQ(d.read, n);
    EXPECT_EQ(d.counted, n);
    EXPECT_FALSE(d.stopped);
    ASSERT_EQ(keep.seen.size(), n);
    for (std::size_t i = 0; i < keep.seen.size(); ++i)
        ASSERT_EQ(keep.seen[i].seq, i);
    // Full batches, then the short one that says the ring is empty.
    EXPECT_EQ(keep.batches, (std::vector<std::size_t>{drain_batch, drain_batch, 88}));
}

TEST(Drain, AnEmptyRingStillCallsTheConsumerOnce) {
    ReplayMonitor m(test_info(), {}, {});
    Keep keep;
    auto d = drain(m, never, {}, std::ref(keep));
    EXPECT_EQ(d.read, 0u);
    EXPECT_EQ(keep.batches, (std::vector<std::size_t>{0}));
}

TEST(Drain, TakesNoMoreThanTheLimitLeavesRoomFor) {
    const std::size_t limit = drain_batch + 44, n = 2 * limit;
    ReplayMonitor m(test_info(), {}, numbered(n));
    Keep keep;
    DrainPlan plan;
    plan.limit = limit;
    auto d = drain(m, never, plan, std::ref(keep));
    EXPECT_EQ(d.read, limit);
    EXPECT_EQ(d.counted, limit);
    EXPECT_EQ(keep.batches, (std::vector<std::size_t>{drain_batch, 44}));
    std::vector<mpmon_event> rest(n);
    auto r = m.read_events(rest);
    ASSERT_EQ(r.count, n - limit);
    EXPECT_EQ(rest[0].seq, limit);
}

TEST(Drain, TheLimitCountsWhatTheConsumerCounts) {
    // Only even sequence numbers count (like mpctl events --tgid): the
    // limit is on those, and each batch is what the limit still allows.
    ReplayMonitor m(test_info(), {}, numbered(600));
    std::vector<std::size_t> batches;
    DrainPlan plan;
    plan.limit = 100;
    auto d = drain(m, never, plan, [&](std::span<const mpmon_event> batch) {
        batches.push_back(batch.size());
        Consumed c;
        for (const auto& ev : batch)
            c.counted += ev.seq % 2 == 0 ? 1 : 0;
        return c;
    });
    EXPECT_EQ(d.counted, 100u);
    EXPECT_EQ(d.read, 199u);
    EXPECT_EQ(batches.front(), 100u);
    EXPECT_EQ(batches.back(), 1u);
}

TEST(Drain, CountsWhatTheRingDroppedWhileDraining) {
    ReplayMonitor m(test_info(), {}, numbered(3 * drain_batch));
    m.set_lost(12); // before the drain started
    int calls = 0;
    auto d = drain(m, never, {}, [&](std::span<const mpmon_event> batch) {
        if (++calls == 2)
            m.set_lost(20); // 8 more while draining
        return Consumed{batch.size(), false};
    });
    EXPECT_EQ(d.lost, 20u);
    EXPECT_EQ(d.dropped, 8u);
}

TEST(Drain, TheConsumerCanStopIt) {
    const std::size_t n = 2 * drain_batch + 88;
    ReplayMonitor m(test_info(), {}, numbered(n));
    auto d = drain(m, never, {}, [](std::span<const mpmon_event> batch) {
        return Consumed{batch.size(), true};
    });
    EXPECT_TRUE(d.stopped);
    EXPECT_EQ(d.read, drain_batch);
    std::vector<mpmon_event> rest(n);
    EXPECT_EQ(m.read_events(rest).count, n - drain_batch);
}

TEST(Drain, WithoutFollowItNeverWaits) {
    WaitLog m(numbered(10));
    Keep keep;
    drain(m, never, {}, std::ref(keep));
    EXPECT_TRUE(m.waits.empty());
    EXPECT_EQ(m.reads, 1);
}
