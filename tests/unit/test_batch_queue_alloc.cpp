// SPDX-License-Identifier: GPL-2.0
// The queue when an allocation fails: its own executable, because it
// replaces the global operator new and delete with ones that can be told
// to throw std::bad_alloc at the next allocation of the calling thread.
#include "batch_queue.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <new>

using namespace mpctl;

namespace {

thread_local bool fail_next_allocation = false;

void* allocate(std::size_t n) {
    if (fail_next_allocation) {
        fail_next_allocation = false;
        throw std::bad_alloc();
    }
    if (void* p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}

} // namespace

// Every form the program may call, so that nothing allocated here is freed
// by another allocator's delete (AddressSanitizer checks that they match).
void* operator new(std::size_t n) {
    return allocate(n);
}
void* operator new[](std::size_t n) {
    return allocate(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return allocate(n);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept {
    return operator new(n, tag);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

// A push() that cannot queue its batch throws and counts nothing of it:
// the queue holds, and lets the consumer take, exactly the batches queued.
TEST(BatchQueueAllocation, APushThatThrowsCountsNothing) {
    BatchQueue q(1'000'000, 4, 0);
    std::size_t queued = 0;
    bool thrown = false;
    // The queue's list allocates a block now and then, not on every push:
    // fail the first push that allocates.
    for (__u64 i = 0; i < 10'000 && !thrown; ++i) {
        EventBatch b(4);
        b[0].seq = i;
        fail_next_allocation = true;
        try {
            q.push(std::move(b));
            ++queued;
        } catch (const std::bad_alloc&) {
            thrown = true;
        }
        fail_next_allocation = false;
    }
    ASSERT_TRUE(thrown) << "no push allocated in 10,000";
    ASSERT_GT(queued, 0u);
    EXPECT_EQ(q.held(), queued * 4);
    EXPECT_EQ(q.peak(), queued * 4);
    // What is queued comes out, in order, and no batch that was not.
    q.close();
    std::size_t popped = 0;
    while (auto b = q.pop()) {
        EXPECT_EQ((*b)[0].seq, popped);
        ++popped;
        std::size_t n = b->size();
        q.done(std::move(*b), n);
    }
    EXPECT_EQ(popped, queued);
    EXPECT_EQ(q.held(), 0u);
}
