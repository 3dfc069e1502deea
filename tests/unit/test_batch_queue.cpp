// SPDX-License-Identifier: GPL-2.0
// The queue between the reader thread and the consumer of a following drain.
#include "batch_queue.hpp"
#include "eventually.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;
using namespace std::chrono_literals;

namespace {

EventBatch batch(std::size_t n, std::uint64_t first_seq = 0) {
    EventBatch b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i].seq = first_seq + i;
    return b;
}

// The reader pushes n full batches, the consumer finishes all but the last.
void push_and_consume_all_but_one(BatchQueue& q, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        q.push(batch(256, i * 256));
    for (std::size_t i = 0; i + 1 < n; ++i)
        q.done(*q.pop(), 256);
}

// True if the future is still waiting after a while (the call blocks).
template <typename T> bool blocks(std::future<T>& f) {
    return f.wait_for(100ms) == std::future_status::timeout;
}

} // namespace

TEST(BatchQueue, InOrderAndBoundedByTheEventsItHolds) {
    BatchQueue q(600, 256, 0);
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
    BatchQueue q(10, 256, 0);
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
    BatchQueue q(10, 256, 0);
    q.push(batch(2));
    q.close(std::make_exception_ptr(std::runtime_error("READ_EVENTS failed")));
    EXPECT_TRUE(q.pop());
    EXPECT_FALSE(q.pop());
    EXPECT_THROW(std::rethrow_exception(q.error()), std::runtime_error);
}

TEST(BatchQueue, TheLimitCountsWhatIsHeldAsCounted) {
    BatchQueue q(1000, 256, 0);
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

// Events the reader read and has not pushed yet take room and count
// toward the limit; where they fill either, room() returns 0 at once
// instead of waiting for the consumer: they are to be pushed first.
TEST(BatchQueue, TheReadersPendingEventsTakeRoomAndCount) {
    BatchQueue q(600, 256, 0);
    q.push(batch(256));
    EXPECT_EQ(q.room(256, std::nullopt, 200), 144u);
    EXPECT_EQ(q.room(256, std::nullopt, 344), 0u); // full: no wait
    std::optional<std::uint64_t> limit = 300;
    EXPECT_EQ(q.room(256, limit, 30), 14u);
    EXPECT_EQ(q.room(256, limit, 44), 0u); // the limit: no wait
    // Without pending events, a full buffer still waits.
    q.push(batch(344));
    auto full = std::async(std::launch::async, [&q] { return q.room(256, std::nullopt); });
    EXPECT_TRUE(blocks(full));
    q.done(*q.pop(), 256);
    EXPECT_EQ(full.get(), 256u);
}

TEST(BatchQueue, StopReleasesBothSides) {
    BatchQueue q(5, 256, 0);
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
    BatchQueue q(0, 256, 0);
    EXPECT_EQ(q.room(256, std::nullopt), 1u);
}

// The storage of full batches goes back to the reader instead of being
// freed and allocated anew, within the buffer's bound.
TEST(BatchQueue, DoneFullBatchesAreTheReadersSpares) {
    BatchQueue q(1000, 256, 0);
    EventBatch first = q.spare();
    EXPECT_EQ(first.size(), 256u);
    const auto* storage = first.data();
    q.push(std::move(first));
    q.push(batch(256, 256));
    auto a = q.pop();
    ASSERT_TRUE(a);
    q.done(std::move(*a), 256);
    EXPECT_EQ(q.spares(), 1u);
    EventBatch again = q.spare();
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
    EXPECT_EQ(q.spare().size(), 256u);
    EXPECT_EQ(q.spare().size(), 256u);
    EXPECT_EQ(q.spares(), 0u);
}

// A batch that is not full, in storage for more, holds all of its storage
// (the buffer bounds memory), and the storage is reused whole.
TEST(BatchQueue, ABatchHoldsItsStorage) {
    BatchQueue q(1000, 256, 0);
    EventBatch b = q.spare();
    const auto* storage = b.data();
    b.resize(128);
    q.push(std::move(b));
    EXPECT_EQ(q.held(), 256u);
    EXPECT_TRUE(q.roomy()); // 256 of 1000
    EXPECT_EQ(q.room(1000, std::nullopt), 744u);
    q.push(batch(300));
    EXPECT_FALSE(q.roomy()); // 556 of 1000
    q.done(*q.pop(), 128);   // the storage of 256 events: kept
    q.done(*q.pop(), 300);
    EXPECT_TRUE(q.roomy()); // 256 kept
    b = q.spare();
    EXPECT_EQ(b.data(), storage);
    b.resize(128);
    q.push(std::move(b));
    // The limit counts its events only: 428 counted, 128 held.
    EXPECT_EQ(q.room(1000, 700), 144u);
    auto popped = q.pop();
    ASSERT_TRUE(popped);
    EXPECT_EQ(popped->size(), 128u);
    q.done(std::move(*popped), 128);
    EXPECT_EQ(q.held(), 0u);
    EXPECT_EQ(q.spares(), 1u);
    EventBatch again = q.spare();
    EXPECT_EQ(again.data(), storage);
    EXPECT_EQ(again.size(), 256u);
    EXPECT_EQ(q.room(1000, 600), 44u); // 556 counted
}

// The events held and the pool stay within the buffer, less the batch
// the reader is reading into.
TEST(BatchQueue, SparesAndHeldEventsStayWithinTheBuffer) {
    BatchQueue q(1024, 256, 0);
    EXPECT_EQ(q.spare().size(), 256u); // the reader reads 256 at a time
    q.push(batch(256, 0));
    q.push(batch(256, 256));
    q.push(batch(256, 512));
    q.push(batch(88, 768));
    // 600 held, 256 kept, and the reader's: 1112, more than fits.
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 0u);
    EXPECT_EQ(q.held(), 600u);
    // 344 held, 256 kept and the reader's: 856.
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 1u);
    // 88 held, 512 kept and the reader's: 856.
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 2u);
    EXPECT_EQ(q.held(), 88u);
    // The room counts the pool: 1024 - 88 held - 512 kept.
    EXPECT_EQ(q.room(1024, std::nullopt), 424u);
}

// The room the pool takes is given back as the reader reads into it: the
// reader reads as much as before, from the pool first.
TEST(BatchQueue, ThePoolIsReadIntoBeforeTheReaderAllocates) {
    BatchQueue q(1024, 256, 8);
    q.refill();
    // Three fit, with the reader's own batch: 1024.
    EXPECT_EQ(q.spares(), 3u);
    std::size_t read = 0;
    while (true) {
        EventBatch b = q.spare();
        auto n = q.room(256, std::nullopt);
        ASSERT_EQ(n, 256u);
        b.resize(n);
        q.push(std::move(b));
        read += n;
        if (read == 1024)
            break;
    }
    EXPECT_EQ(q.fallbacks(), 1u); // the last one, once the pool was empty
    EXPECT_EQ(q.spares(), 0u);
    auto full = std::async(std::launch::async, [&q] { return q.room(256, std::nullopt); });
    EXPECT_TRUE(blocks(full));
    // Done with one: it does not fit in the pool (768 held, the reader's),
    // and the room is the reader's.
    q.done(*q.pop(), 256);
    EXPECT_EQ(full.get(), 256u);
    EXPECT_EQ(q.spares(), 0u);
}

// refill() tops the pool up to the reserve with storage the reader gets
// back from spare(), without allocating itself.
TEST(BatchQueue, TheReserveIsRefilledAndReused) {
    BatchQueue q(100000, 256, 8);
    EXPECT_EQ(q.spares(), 0u);
    q.refill();
    EXPECT_EQ(q.spares(), 8u);
    q.refill(); // full: nothing more
    EXPECT_EQ(q.spares(), 8u);
    std::vector<const mpmon_event*> storage;
    for (int i = 0; i < 8; ++i) {
        EventBatch b = q.spare();
        ASSERT_EQ(b.size(), 256u);
        ASSERT_EQ(b.capacity(), 256u);
        // Mapped and writable, every event of it.
        for (auto& ev : b)
            ev.seq = 7;
        storage.push_back(b.data());
        q.push(std::move(b));
    }
    EXPECT_EQ(q.fallbacks(), 0u);
    EXPECT_EQ(q.spares(), 0u);
    // Empty: the reader allocates for itself.
    EXPECT_EQ(q.spare().size(), 256u);
    EXPECT_EQ(q.fallbacks(), 1u);
    // The consumer's done batches go back to the pool, and refill() adds
    // only what is missing.
    for (int i = 0; i < 5; ++i)
        q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 5u);
    EventBatch again = q.spare();
    EXPECT_NE(std::find(storage.begin(), storage.end(), again.data()), storage.end());
    EXPECT_EQ(q.spares(), 4u);
    q.refill();
    EXPECT_EQ(q.spares(), 8u);
    EXPECT_EQ(q.fallbacks(), 1u);
}

// The helper thread fills the reserve, refills it once it is down to
// half, and ends at stop().
TEST(BatchQueue, AHelperKeepsTheReserve) {
    BatchQueue q(100000, 256, 8);
    std::thread helper([&q] { q.keep_reserve(); });
    EXPECT_TRUE(eventually([&q] { return q.spares() == 8u; }));
    std::vector<EventBatch> taken;
    for (int i = 0; i < 3; ++i)
        taken.push_back(q.spare());
    // 5 left, more than half: no refill yet.
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(q.spares(), 5u);
    taken.push_back(q.spare()); // 4: half
    EXPECT_TRUE(eventually([&q] { return q.spares() == 8u; }));
    EXPECT_EQ(q.fallbacks(), 0u);
    q.stop();
    helper.join();
    EXPECT_EQ(q.spares(), 0u);
}

// The helper adds nothing that does not fit, and adds once room comes.
TEST(BatchQueue, AHelperStaysWithinTheBuffer) {
    BatchQueue q(1024, 256, 8);
    q.push(batch(256));
    q.push(batch(256));
    std::thread helper([&q] { q.keep_reserve(); });
    // 512 held and the reader's own batch: room for one.
    EXPECT_TRUE(eventually([&q] { return q.spares() == 1u; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(q.spares(), 1u);
    q.done(*q.pop(), 256); // its storage goes to the pool: 256 held, 2 kept
    EXPECT_EQ(q.spares(), 2u);
    q.done(*q.pop(), 256); // kept as well: 3, what fits
    EXPECT_TRUE(eventually([&q] { return q.spares() == 3u; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(q.spares(), 3u);
    q.stop();
    helper.join();
}

// While the consumer is behind the pool holds what the buffer allows;
// caught up, it keeps the reserve.
TEST(BatchQueue, ACaughtUpConsumerKeepsTheReserve) {
    BatchQueue q(100000, 256, 6);
    constexpr std::size_t n = 10;
    push_and_consume_all_but_one(q, n);
    EXPECT_EQ(q.spares(), n - 1);
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), 6u);
    q.stop();
    EXPECT_EQ(q.spares(), 0u);
    q.refill(); // stopped: nothing
    EXPECT_EQ(q.spares(), 0u);
}

// A buffer smaller than the reserve keeps what fits, down to nothing; the
// reader allocates and reads as before.
TEST(BatchQueue, ASmallBufferKeepsWhatFits) {
    for (std::size_t capacity : {1u, 100u, 511u, 767u, 768u, 2000u}) {
        BatchQueue q(capacity, 256, 8);
        q.refill();
        std::size_t fit = capacity / 256 >= 2 ? capacity / 256 - 1 : 0;
        EXPECT_EQ(q.spares(), fit) << capacity;
        // The reader's loop: all the buffer is read into before it must
        // wait, from the pool first.
        EventBatch buf = q.spare();
        EXPECT_EQ(q.fallbacks(), fit == 0 ? 1u : 0u) << capacity;
        std::size_t read = 0;
        while (read < capacity) {
            auto n = q.room(buf.size(), std::nullopt);
            ASSERT_GT(n, 0u) << capacity;
            if (n == buf.size()) {
                q.push(std::move(buf));
                buf = q.spare();
            } else {
                q.push(batch(n, read));
            }
            read += n;
        }
        EXPECT_EQ(buf.size(), 256u);
        EXPECT_EQ(read, capacity);
        EXPECT_EQ(q.held(), capacity);
        EXPECT_LE(q.held() + q.spares() * 256, capacity);
    }
}

TEST(BatchQueue, ACaughtUpConsumerKeepsAFewSpares) {
    BatchQueue q(100000, 256, 0);
    EXPECT_EQ(q.spare().size(), 256u);
    constexpr std::size_t n = BatchQueue::max_spares + 5;
    push_and_consume_all_but_one(q, n);
    EXPECT_EQ(q.spares(), n - 1);
    // The last one: the queue is empty, the reader ahead of the ring.
    q.done(*q.pop(), 256);
    EXPECT_EQ(q.spares(), BatchQueue::max_spares);
    q.stop();
    EXPECT_EQ(q.spares(), 0u);
}
