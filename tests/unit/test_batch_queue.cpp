// SPDX-License-Identifier: GPL-2.0
// The queue between the reader thread and the consumer of a following drain.
#include "batch_queue.hpp"

#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <stdexcept>
#include <thread>

using namespace mpctl;
using namespace std::chrono_literals;

namespace {

EventBatch batch(std::size_t n, std::uint64_t first_seq = 0) {
    EventBatch b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i].seq = first_seq + i;
    return b;
}

// True if the future is still waiting after a while (the call blocks).
template <typename T> bool blocks(std::future<T>& f) {
    return f.wait_for(100ms) == std::future_status::timeout;
}

} // namespace

TEST(BatchQueue, InOrderAndBoundedByTheEventsItHolds) {
    BatchQueue q(600);
    EXPECT_EQ(q.room(256, std::nullopt), 256u);
    q.push(batch(256, 0));
    q.push(batch(256, 256));
    EXPECT_EQ(q.held(), 512u);
    // Only what still fits.
    EXPECT_EQ(q.room(256, std::nullopt), 88u);
    q.push(batch(88, 512));
    auto a = q.pop();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->front().seq, 0u);
    // Popped is still held until the consumer is done with it.
    EXPECT_EQ(q.held(), 600u);
    auto full = std::async(std::launch::async, [&q] { return q.room(256, std::nullopt); });
    EXPECT_TRUE(blocks(full));
    q.done(std::move(*a), 256);
    EXPECT_EQ(full.get(), 256u);
    EXPECT_EQ(q.pop()->front().seq, 256u);
    EXPECT_EQ(q.pop()->front().seq, 512u);
    EXPECT_EQ(q.peak(), 600u);
}

TEST(BatchQueue, ClosedAndEmptyEndsTheConsumer) {
    BatchQueue q(10);
    q.push(batch(3));
    auto waiting = std::async(std::launch::async, [&q] {
        auto first = q.pop();
        auto second = q.pop(); // waits for more, or the end
        return first.has_value() && !second.has_value();
    });
    EXPECT_TRUE(blocks(waiting));
    q.close();
    EXPECT_TRUE(waiting.get());
    EXPECT_FALSE(q.error());
}

TEST(BatchQueue, TheReadersErrorComesAfterItsBatches) {
    BatchQueue q(10);
    q.push(batch(2));
    q.close(std::make_exception_ptr(std::runtime_error("READ_EVENTS failed")));
    EXPECT_TRUE(q.pop());
    EXPECT_FALSE(q.pop());
    EXPECT_THROW(std::rethrow_exception(q.error()), std::runtime_error);
}

TEST(BatchQueue, TheLimitCountsWhatIsHeldAsCounted) {
    BatchQueue q(1000);
    std::optional<std::uint64_t> limit = 100;
    EXPECT_EQ(q.room(256, limit), 100u);
    q.push(batch(100));
    // All 100 may count: the reader waits for the consumer's counts.
    auto waiting = std::async(std::launch::async, [&] { return q.room(256, limit); });
    EXPECT_TRUE(blocks(waiting));
    q.done(*q.pop(), 40); // 40 counted: room for 60 more
    EXPECT_EQ(waiting.get(), 60u);
    q.push(batch(60));
    q.done(*q.pop(), 60);
    // Counted to the limit, nothing held: read no more.
    EXPECT_EQ(q.room(256, limit), 0u);
}

TEST(BatchQueue, StopReleasesBothSides) {
    BatchQueue q(5);
    q.push(batch(5));
    auto reader = std::async(std::launch::async, [&q] { return q.room(256, std::nullopt); });
    EXPECT_TRUE(blocks(reader));
    q.stop();
    EXPECT_EQ(reader.get(), 0u);
    EXPECT_FALSE(q.pop()); // queued batches are dropped
    EXPECT_EQ(q.held(), 0u);
    q.push(batch(1)); // a read that raced the stop goes nowhere
    EXPECT_FALSE(q.pop());
    EXPECT_EQ(q.room(1, std::nullopt), 0u);
}

TEST(BatchQueue, HoldsAtLeastOneEvent) {
    BatchQueue q(0);
    EXPECT_EQ(q.room(256, std::nullopt), 1u);
}

// The storage of full batches goes back to the reader instead of being
// freed and allocated anew, within the buffer's bound.
TEST(BatchQueue, DoneFullBatchesAreTheReadersSpares) {
    BatchQueue q(1000);
    EventBatch first = q.spare(256);
    EXPECT_EQ(first.size(), 256u);
    const auto* storage = first.data();
    q.push(std::move(first));
    q.push(batch(256, 256));
    auto a = q.pop();
    ASSERT_TRUE(a);
    q.done(std::move(*a), 256);
    EXPECT_EQ(q.spares(), 1u);
    EventBatch again = q.spare(256);
    EXPECT_EQ(again.data(), storage);
    EXPECT_EQ(q.spares(), 0u);
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 1u);
    // A short batch is freed: kept, it would hold more memory than events.
    q.push(batch(10));
    q.done(*q.pop(), 10);
    EXPECT_EQ(q.spares(), 1u);
    EXPECT_EQ(q.held(), 0u);
    // A new one when none is kept.
    EXPECT_EQ(q.spare(256).size(), 256u);
    EXPECT_EQ(q.spare(256).size(), 256u);
    EXPECT_EQ(q.spares(), 0u);
}

TEST(BatchQueue, SparesAndHeldEventsStayWithinTheBuffer) {
    BatchQueue q(600);
    EXPECT_EQ(q.spare(256).size(), 256u); // the reader reads 256 at a time
    q.push(batch(256, 0));
    q.push(batch(256, 256));
    q.push(batch(88, 512));
    // 344 held and 256 kept: 600, what fits.
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 1u);
    EXPECT_EQ(q.held(), 344u);
    // (A reader takes its spare before it allocates; a test need not.)
    q.push(batch(256, 600));
    // 600 held less 256 done, 256 kept: another 256 would pass 600.
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 1u);
    EXPECT_EQ(q.held(), 344u);
}

TEST(BatchQueue, ACaughtUpConsumerKeepsAFewSpares) {
    BatchQueue q(100000);
    EXPECT_EQ(q.spare(256).size(), 256u);
    constexpr std::size_t n = BatchQueue::max_spares + 5;
    for (std::size_t i = 0; i < n; ++i)
        q.push(batch(256, i * 256));
    for (std::size_t i = 0; i + 1 < n; ++i)
        q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), n - 1);
    // The last one: the queue is empty, the reader ahead of the ring.
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), BatchQueue::max_spares);
    q.stop();
    EXPECT_EQ(q.spares(), 0u);
}
