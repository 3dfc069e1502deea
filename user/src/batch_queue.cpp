// SPDX-License-Identifier: GPL-2.0
#include "batch_queue.hpp"

#include <algorithm>
#include <utility>

namespace mpctl {

BatchQueue::BatchQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::size_t BatchQueue::room(std::size_t max, std::optional<std::uint64_t> limit) {
    std::unique_lock lock(mutex_);
    while (true) {
        if (stopped_)
            return 0;
        std::size_t n = std::min(max, capacity_ - held_);
        if (limit) {
            // Every event handed over may still count: the limit leaves room
            // for what is neither counted nor held.
            std::uint64_t promised = counted_ + held_;
            std::uint64_t left = *limit > promised ? *limit - promised : 0;
            n = static_cast<std::size_t>(std::min<std::uint64_t>(n, left));
            if (n == 0 && held_ == 0)
                return 0; // the limit is counted
        }
        if (n > 0 || max == 0)
            return n;
        // Full, or the limit waits for the consumer's counts.
        reader_wakeup_.wait(lock);
    }
}

EventBatch BatchQueue::spare(std::size_t n) {
    EventBatch batch;
    {
        std::lock_guard lock(mutex_);
        spare_size_ = n;
        if (!spares_.empty()) {
            spare_events_ -= spares_.back().size();
            batch = std::move(spares_.back());
            spares_.pop_back();
        }
    }
    batch.resize(n);
    return batch;
}

void BatchQueue::push(EventBatch batch) {
    {
        std::lock_guard lock(mutex_);
        if (stopped_)
            return;
        held_ += batch.size();
        peak_ = std::max(peak_, held_);
        batches_.push_back(std::move(batch));
    }
    consumer_wakeup_.notify_one();
}

void BatchQueue::close(std::exception_ptr error) {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        error_ = std::move(error);
    }
    consumer_wakeup_.notify_one();
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
    {
        std::lock_guard lock(mutex_);
        held_ -= std::min(batch.size(), held_);
        counted_ += counted;
        // Only batches as spare() gives them, full (no memory beyond their
        // events), and no more than the buffer holds besides the events held.
        if (!stopped_ && spare_size_ > 0 && batch.size() == spare_size_ &&
            batch.capacity() == spare_size_ && held_ + spare_events_ + batch.size() <= capacity_) {
            spare_events_ += batch.size();
            spares_.push_back(std::move(batch));
        }
        // Caught up: the reader is ahead of the ring, keep a few only.
        while (batches_.empty() && spares_.size() > max_spares) {
            spare_events_ -= spares_.back().size();
            unused.push_back(std::move(spares_.back()));
            spares_.pop_back();
        }
    }
    // What is not kept is freed before the reader is told there is room.
    EventBatch().swap(batch);
    unused.clear();
    reader_wakeup_.notify_one();
}

void BatchQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        batches_.clear();
        spares_.clear();
        spare_events_ = 0;
        held_ = 0;
    }
    reader_wakeup_.notify_one();
    consumer_wakeup_.notify_one();
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
    return spares_.size();
}

} // namespace mpctl
