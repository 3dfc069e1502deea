// SPDX-License-Identifier: GPL-2.0
#include "batch_queue.hpp"

#include <algorithm>
#include <unistd.h>

namespace mpctl {

namespace {

std::size_t page_size() {
    static const std::size_t size = [] {
        long n = ::sysconf(_SC_PAGESIZE);
        return n > 0 ? static_cast<std::size_t>(n) : std::size_t{4096};
    }();
    return size;
}

// Storage for n events whose pages are all mapped: a write to each page
// faults it in here, on the caller's thread, instead of in the read.
EventBatch touched_batch(std::size_t n) {
    EventBatch batch(n);
    auto* bytes = reinterpret_cast<volatile unsigned char*>(batch.data());
    std::size_t size = n * sizeof(mpmon_event);
    for (std::size_t at = 0; at < size; at += page_size())
        bytes[at] = 0;
    if (size > 0)
        bytes[size - 1] = 0;
    return batch;
}

} // namespace

BatchQueue::BatchQueue(std::size_t capacity, std::size_t batch, std::size_t reserve)
    : capacity_(std::max<std::size_t>(capacity, 1)), batch_(std::max<std::size_t>(batch, 1)),
      reserve_(reserve) {}

std::size_t BatchQueue::stored() const {
    return held_ + pool_.size() * batch_;
}

bool BatchQueue::pool_fits() const {
    // The new batch and the reader's own: the reader takes from the pool
    // before it knows there is room, and reads into it meanwhile.
    std::size_t batches = pool_.size() + 2;
    return batches <= capacity_ / batch_ && held_ <= capacity_ - batches * batch_;
}

bool BatchQueue::wants_refill() const {
    return !stopped_ && pool_.size() < reserve_ && pool_fits();
}

bool BatchQueue::low() const {
    return pool_.size() <= reserve_ / 2 && wants_refill();
}

std::size_t BatchQueue::room(std::size_t max, std::optional<std::uint64_t> limit,
                             std::size_t pending) {
    std::unique_lock lock(mutex_);
    while (true) {
        if (stopped_)
            return 0;
        // The pool is storage for events to come: room for the events it
        // can hold is taken by it (the reader reads into it, it shrinks).
        std::size_t used = stored() + pending;
        std::size_t n = std::min(max, capacity_ - std::min(used, capacity_));
        if (limit) {
            // Every event handed over may still count: the limit leaves room
            // for what is neither counted nor held.
            std::uint64_t promised = counted_ + events_ + pending;
            std::uint64_t left = *limit > promised ? *limit - promised : 0;
            n = static_cast<std::size_t>(std::min<std::uint64_t>(n, left));
            if (n == 0 && held_ == 0)
                return 0; // the limit is counted
        }
        // What the reader holds is pushed before it waits for room.
        if (n > 0 || max == 0 || pending > 0)
            return n;
        // Full, or the limit waits for the consumer's counts.
        reader_wakeup_.wait(lock);
    }
}

EventBatch BatchQueue::spare() {
    {
        std::unique_lock lock(mutex_);
        if (!pool_.empty()) {
            EventBatch batch = std::move(pool_.back());
            pool_.pop_back();
            bool wake = low();
            lock.unlock();
            if (wake)
                refill_wakeup_.notify_one();
            return batch;
        }
        ++fallbacks_;
    }
    // Not zero-filled: the read writes it, faulting its pages in.
    return EventBatch(batch_);
}

void BatchQueue::push(EventBatch batch) {
    {
        std::lock_guard lock(mutex_);
        if (stopped_)
            return;
        // A batch in storage for more events holds all of it.  Counted
        // once queued: a push_back() that throws leaves the counts alone.
        std::size_t storage = batch.capacity();
        std::size_t events = batch.size();
        batches_.push_back(std::move(batch));
        held_ += storage;
        events_ += events;
        peak_ = std::max(peak_, held_);
    }
    consumer_wakeup_.notify_one();
}

bool BatchQueue::roomy() const {
    std::lock_guard lock(mutex_);
    return stored() <= capacity_ / 2;
}

void BatchQueue::close(std::exception_ptr error) {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        error_ = std::move(error);
    }
    consumer_wakeup_.notify_one();
}

bool BatchQueue::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

std::optional<EventBatch> BatchQueue::pop() {
    std::unique_lock lock(mutex_);
    consumer_wakeup_.wait(lock, [this] { return stopped_ || closed_ || !batches_.empty(); });
    if (stopped_ || batches_.empty())
        return std::nullopt;
    EventBatch batch = std::move(batches_.front());
    batches_.pop_front();
    return batch;
}

void BatchQueue::done(EventBatch batch, std::uint64_t counted) {
    std::vector<EventBatch> unused;
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        held_ -= std::min(batch.capacity(), held_);
        events_ -= std::min(batch.size(), events_);
        counted_ += counted;
        // Only storage of batch events (spare()'s), and no more than the
        // buffer holds besides the events held.
        if (!stopped_ && batch.capacity() == batch_ && pool_fits()) {
            batch.resize(batch_); // within its storage: neither written nor moved
            pool_.push_back(std::move(batch));
        }
        // Caught up: the reader is ahead of the ring, keep the reserve only.
        std::size_t keep = std::max(reserve_, max_spares);
        while (batches_.empty() && pool_.size() > keep) {
            unused.push_back(std::move(pool_.back()));
            pool_.pop_back();
        }
        wake = low(); // room for the pool may have grown
    }
    // What is not kept is freed before the reader is told there is room.
    EventBatch().swap(batch);
    unused.clear();
    reader_wakeup_.notify_one();
    if (wake)
        refill_wakeup_.notify_one();
}

void BatchQueue::refill() {
    // What is missing now, no more: a reader that takes batches as fast as
    // they come must not keep the caller here for ever.
    std::size_t missing = 0;
    {
        std::lock_guard lock(mutex_);
        missing = reserve_ - std::min(reserve_, pool_.size());
    }
    for (; missing > 0; --missing) {
        {
            std::lock_guard lock(mutex_);
            if (!wants_refill())
                return;
        }
        EventBatch batch;
        try {
            batch = touched_batch(batch_);
        } catch (const std::bad_alloc&) {
            return;
        }
        std::lock_guard lock(mutex_);
        // The reader may have filled the room meanwhile: then the batch is
        // freed (on return, outside the lock: declared first).
        if (stopped_ || !pool_fits())
            return;
        pool_.push_back(std::move(batch));
        // A reader waiting for room waits for held events to be done, not
        // for the pool: it needs no wakeup.
    }
}

void BatchQueue::keep_reserve() {
    while (true) {
        {
            std::unique_lock lock(mutex_);
            // Down to half the reserve: batches come in runs, not one
            // wakeup per read (woken per read, the helper took the storm's
            // time: POWER9 guest, 90,000-100,000 calls/s instead of
            // 112,000-125,000).
            refill_wakeup_.wait(lock, [this] { return stopped_ || low(); });
            if (stopped_)
                return;
        }
        refill();
    }
}

void BatchQueue::stop() {
    std::vector<EventBatch> unused;
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        batches_.clear();
        unused.swap(pool_);
        held_ = 0;
        events_ = 0;
    }
    reader_wakeup_.notify_one();
    consumer_wakeup_.notify_one();
    refill_wakeup_.notify_one();
}

std::exception_ptr BatchQueue::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

std::size_t BatchQueue::held() const {
    std::lock_guard lock(mutex_);
    return held_;
}

std::size_t BatchQueue::peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
}

std::size_t BatchQueue::spares() const {
    std::lock_guard lock(mutex_);
    return pool_.size();
}

std::uint64_t BatchQueue::fallbacks() const {
    std::lock_guard lock(mutex_);
    return fallbacks_;
}

} // namespace mpctl
