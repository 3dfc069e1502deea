// SPDX-License-Identifier: GPL-2.0
// The batches of raw events that the reader thread of a following drain
// (mpctl events --follow, mpctl record) hands to the thread that formats
// them: in order, bounded by the events it holds, and keeping the
// consumer's counts, so that the reader takes no more events out of the
// ring than a limit may still count.
#pragma once

#include <linux/mpmon.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace mpctl {

// std::allocator, except that a vector's new elements are default-
// initialised: raw events are not zero-filled before a read overwrites them.
template <typename T> class ReadAllocator : public std::allocator<T> {
public:
    template <typename U> struct rebind { using other = ReadAllocator<U>; };
    ReadAllocator() noexcept = default;
    template <typename U> ReadAllocator(const ReadAllocator<U>&) noexcept {}
    template <typename U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args> void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

using EventBatch = std::vector<mpmon_event, ReadAllocator<mpmon_event>>;

class BatchQueue {
public:
    // Holds at most capacity events (at least 1): a batch counts from
    // push() until the consumer's done(), with all the events its storage
    // has room for (its capacity()).  The reader reads batch events at
    // a time (spare()); full-size storage is kept for it (the pool): that of
    // batches the consumer is done with, and what refill() adds, reserve
    // batches at least.  The events held and the pool together stay within
    // capacity, less one batch for the storage the reader is reading into;
    // once the consumer has caught up, the pool keeps max(reserve,
    // max_spares) batches at most.
    BatchQueue(std::size_t capacity, std::size_t batch, std::size_t reserve);

    // Reader: waits until it may take events out of the ring and returns
    // how many, at most max: the room left in the queue and, with a limit,
    // what the consumer may still count if every event handed over counts.
    // `pending`: events the reader read and has not pushed yet; they take
    // room and count toward the limit like events held, and with pending
    // events it returns 0 instead of waiting: push them first.  Without
    // pending events, 0: read no more (the consumer stopped, or counted
    // the limit).
    std::size_t room(std::size_t max, std::optional<std::uint64_t> limit, std::size_t pending = 0);
    // Reader: storage for the next read, batch events long: from the pool
    // if it has any (mapped, written to), else newly allocated (its pages
    // are faulted in by the read).
    EventBatch spare();
    // Reader: a batch of at most the room() it was given, never empty,
    // storage included (a batch of spare() that is not full only if room()
    // gave at least batch events).
    void push(EventBatch batch);
    // Reader: whether the events held and the pool take half the capacity
    // at most, so that a batch far from full may still be handed over in
    // its storage (no allocation on the reader) without taking much of the
    // room events need.
    bool roomy() const;
    // Reader: no more batches; its error, if any, reaches the consumer
    // after every batch pushed before it.
    void close(std::exception_ptr error = nullptr);

    // Consumer: the next batch; nullopt once the reader closed the queue
    // and every batch was taken, or after stop().
    std::optional<EventBatch> pop();
    // Consumer: finished a batch, of which `counted` events count toward
    // the limit.  Its storage goes to the pool if it has room for batch
    // events, no more and no less, and fits (see the constructor), else it
    // is freed; either before the reader is told there is room.
    void done(EventBatch batch, std::uint64_t counted);
    // Tops the pool up to reserve batches, as far as they fit, adding no
    // more than were missing when called (the reader may take them as they
    // come): allocates each outside the lock and writes to every page of
    // it, so that the reader's spare() finds storage whose pages are mapped
    // (the reader must not wait for page faults: the ring lasts only tens
    // of milliseconds in a storm).  A failed allocation ends the refill.
    void refill();
    // Helper thread: refill() whenever the pool is down to half the
    // reserve (batches come in runs, not one wakeup per read) and one more
    // batch fits, until stop().
    void keep_reserve();
    // Consumer: wants no more (its output went away, or it failed): room()
    // returns 0 from now on and the batches still queued are dropped.
    void stop();
    // Whether the reader closed the queue (it reads no more).
    bool closed() const;
    // The reader's error, once pop() returned nullopt.
    std::exception_ptr error() const;

    // Events held now, their storage included, and the most ever held
    // (tests).
    std::size_t held() const;
    std::size_t peak() const;
    // Batches in the pool now (tests).
    std::size_t spares() const;
    // spare() calls that found the pool empty and allocated (tests).
    std::uint64_t fallbacks() const;

    // The fewest batches the pool keeps once the consumer has caught up
    // (the queue is empty), whatever the reserve: enough that a reader that
    // keeps up allocates nothing.
    static constexpr std::size_t max_spares = 4;

private:
    const std::size_t capacity_;
    const std::size_t batch_;   // events per spare()
    const std::size_t reserve_; // batches refill() keeps in the pool
    mutable std::mutex mutex_;
    std::condition_variable reader_wakeup_;
    std::condition_variable consumer_wakeup_;
    std::condition_variable refill_wakeup_; // the pool shrank, or room for it grew
    std::deque<EventBatch> batches_;
    std::vector<EventBatch> pool_; // full-size storage for spare()
    std::size_t held_ = 0;         // storage of batches pushed and not yet done
    std::size_t events_ = 0;       // events in them
    std::size_t peak_ = 0;         // the most held_ ever was
    std::uint64_t counted_ = 0;    // the consumer's counts, summed
    std::uint64_t fallbacks_ = 0;  // spare() found the pool empty
    bool closed_ = false;          // the reader is done
    bool stopped_ = false;         // the consumer is done

    std::exception_ptr error_{}; // why the reader stopped, if it failed

    // Events the buffer holds: the storage of batches held and of the pool
    // (mutex_ held).
    std::size_t stored() const;
    // Whether one more batch fits in the pool (mutex_ held).
    bool pool_fits() const;
    // Whether refill() has something to do, and whether keep_reserve()
    // should (mutex_ held).
    bool wants_refill() const;
    bool low() const;
};

} // namespace mpctl
