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
#include <mutex>
#include <optional>
#include <vector>

namespace mpctl {

using EventBatch = std::vector<mpmon_event>;

class BatchQueue {
public:
    // Holds at most capacity events (at least 1): a batch counts from
    // push() until the consumer's done().  The storage of batches the
    // consumer is done with is kept for the reader's next reads, as long
    // as it and the events held fit in capacity; once the consumer has
    // caught up, max_spares of them at most.
    explicit BatchQueue(std::size_t capacity);

    // Reader: waits until it may take events out of the ring and returns
    // how many, at most max: the room left in the queue and, with a limit,
    // what the consumer may still count if every event handed over counts.
    // 0: read no more (the consumer stopped, or counted the limit).
    std::size_t room(std::size_t max, std::optional<std::uint64_t> limit);
    // Reader: storage for the next read, n events long: a batch the consumer
    // is done with (see done()) if one is kept, else a new one.
    EventBatch spare(std::size_t n);
    // Reader: a batch of at most the room() it was given, never empty.
    void push(EventBatch batch);
    // Reader: no more batches; its error, if any, reaches the consumer
    // after every batch pushed before it.
    void close(std::exception_ptr error = nullptr);

    // Consumer: the next batch; nullopt once the reader closed the queue
    // and every batch was taken, or after stop().
    std::optional<EventBatch> pop();
    // Consumer: finished a batch, of which `counted` events count toward
    // the limit.  Its storage is kept for the reader's spare() if the batch
    // has the size spare() last gave and no more capacity, and fits (see
    // the constructor), else freed; either before the reader is told there
    // is room.
    void done(EventBatch batch, std::uint64_t counted);
    // Consumer: wants no more (its output went away, or it failed): room()
    // returns 0 from now on and the batches still queued are dropped.
    void stop();
    // The reader's error, once pop() returned nullopt.
    std::exception_ptr error() const;

    // Events held now, and the most ever held (tests).
    std::size_t held() const;
    std::size_t peak() const;
    // Batches kept for spare() now (tests).
    std::size_t spares() const;

    // The most batches kept for spare() once the consumer has caught up
    // (the queue is empty): enough that a reader that keeps up allocates
    // nothing.
    static constexpr std::size_t max_spares = 4;

private:
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable reader_wakeup_;
    std::condition_variable consumer_wakeup_;
    std::deque<EventBatch> batches_;
    std::vector<EventBatch> spares_; // storage of done batches, for spare()
    std::size_t spare_events_ = 0;   // their sizes, summed
    std::size_t spare_size_ = 0;     // the size spare() last gave
    std::size_t held_ = 0;           // events pushed and not yet done
    std::size_t peak_ = 0;           // the most held_ ever was
    std::uint64_t counted_ = 0;      // the consumer's counts, summed
    bool closed_ = false;            // the reader is done
    bool stopped_ = false;           // the consumer is done
    std::exception_ptr error_{};     // why the reader stopped, if it failed
};

} // namespace mpctl
