// SPDX-License-Identifier: GPL-2.0
#include "follow/drain.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace mpctl {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using Storage = std::unique_ptr<mpmon_event[]>;

// The longest single wait in poll(): how soon the reader sees that the
// consumer stopped (a closed pipe) while no events come.
constexpr milliseconds max_wait(500);

// Events read by one READ_EVENTS, in storage for a whole batch.
struct Batch {
    Storage events;
    std::size_t count = 0;
};

// The batches the reader hands to the consumer, in order.  Their storage
// takes the buffer (--buffer) in whole batches and is reused once consumed:
// the reader neither allocates nor faults pages in (x86_64 guest: 1.1 us
// per event instead of 5.5).  With a limit, the reader takes no more events
// than the consumer may still count.
class Queue {
public:
    explicit Queue(std::uint64_t buffer_bytes) {
        std::uint64_t events = std::max<std::uint64_t>(buffer_bytes / sizeof(mpmon_event), 1);
        batch_ = static_cast<std::size_t>(std::min<std::uint64_t>(events, drain_batch));
        max_ = events / batch_;
    }

    // Reader: storage for its next read and how many events it may read
    // into it; waits for room.  Empty: read no more (the consumer stopped,
    // or counted the limit).
    Storage take(std::optional<std::uint64_t> limit, std::size_t& want) {
        std::unique_lock lock(mutex_);
        while (!stopped_ && !(limit && counted_ >= *limit)) {
            std::uint64_t n = taken_ < max_ ? batch_ : 0;
            if (limit)
                n = std::min(n, *limit - std::min(*limit, counted_ + events_));
            if (n == 0) {
                reader_wakeup_.wait(lock);
                continue;
            }
            ++taken_;
            want = static_cast<std::size_t>(n);
            if (pool_.empty())
                return std::make_unique_for_overwrite<mpmon_event[]>(batch_);
            Storage storage = std::move(pool_.back());
            pool_.pop_back();
            return storage;
        }
        return nullptr;
    }
    // Reader: the events read into storage from take(), if any.
    void push(Storage storage, std::size_t count) {
        if (count == 0)
            return done({std::move(storage), 0}, 0);
        {
            std::lock_guard lock(mutex_);
            if (stopped_)
                return;
            events_ += count;
            batches_.push_back({std::move(storage), count});
        }
        consumer_wakeup_.notify_one();
    }
    // Reader: no more batches; its error reaches the consumer after them.
    void close(std::exception_ptr error) {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
            error_ = std::move(error);
        }
        consumer_wakeup_.notify_one();
    }

    // Consumer: the next batch; nullopt once the reader closed the queue
    // and every batch was taken, or after stop().
    std::optional<Batch> pop() {
        std::unique_lock lock(mutex_);
        consumer_wakeup_.wait(lock, [this] { return stopped_ || closed_ || !batches_.empty(); });
        if (stopped_ || batches_.empty())
            return std::nullopt;
        Batch batch = std::move(batches_.front());
        batches_.pop_front();
        return batch;
    }
    // Consumer: done with a batch, `counted` of whose events count.
    void done(Batch batch, std::uint64_t counted) {
        {
            std::lock_guard lock(mutex_);
            --taken_;
            events_ -= batch.count;
            counted_ += counted;
            pool_.push_back(std::move(batch.events));
        }
        reader_wakeup_.notify_one();
    }
    // Consumer: wants no more; the reader reads no more.
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
            batches_.clear();
        }
        reader_wakeup_.notify_one();
        consumer_wakeup_.notify_one();
    }
    bool closed() const {
        std::lock_guard lock(mutex_);
        return closed_;
    }
    std::exception_ptr error() const {
        std::lock_guard lock(mutex_);
        return error_;
    }

private:
    std::size_t batch_ = 0; // events per storage
    std::uint64_t max_ = 0; // storages the buffer holds
    mutable std::mutex mutex_;
    std::condition_variable reader_wakeup_, consumer_wakeup_;
    std::deque<Batch> batches_;
    std::vector<Storage> pool_; // consumed, for the next reads
    std::uint64_t taken_ = 0;   // storages out of the pool
    std::uint64_t events_ = 0;  // events pushed and not yet done
    std::uint64_t counted_ = 0; // the consumer's counts, summed
    bool closed_ = false, stopped_ = false;
    std::exception_ptr error_;
};

void boost_this_thread(int levels) {
    auto tid = static_cast<id_t>(::gettid());
    errno = 0;
    int nice = ::getpriority(PRIO_PROCESS, tid);
    if ((nice == -1 && errno != 0) ||
        ::setpriority(PRIO_PROCESS, tid, std::max(nice - levels, -20)) != 0)
        throw Error(Exit::permission,
                    fmt::format("cannot raise the reader's priority by {}: {} (needs CAP_SYS_NICE)",
                                levels, std::strerror(errno)));
}

// The reader thread: READ_EVENTS into the queue while events come, poll()
// until the kernel's watermark says there are more, until Ctrl-C, the
// deadline, the limit or the consumer's stop.  After the deadline it reads
// what the ring held then (sweep events at most: a storm must not keep it).
void follow(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan, Queue& queue,
            std::uint64_t sweep, ReadTally& tally) {
    if (plan.reader_boost > 0)
        boost_this_thread(plan.reader_boost);
    std::uint64_t swept = 0;
    // A ring that never empties must not hide Ctrl-C: looked at per read.
    while (!interrupt.fired()) {
        std::size_t want = 0;
        Storage storage = queue.take(plan.limit, want);
        if (!storage)
            return;
        auto r = monitor.read_events(std::span(storage.get(), want));
        tally.add(r);
        queue.push(std::move(storage), r.count);
        auto wait = max_wait;
        if (plan.deadline) {
            auto left = std::chrono::ceil<milliseconds>(*plan.deadline - steady_clock::now());
            wait = std::clamp(left, milliseconds(0), max_wait);
        }
        if (r.count == want) { // more may be there
            if (wait.count() == 0 && (swept += r.count) >= sweep)
                return;
            continue;
        }
        if (wait.count() == 0 || monitor.wait_events(wait, interrupt) == Wait::interrupted)
            return;
    }
}

// A reader thread, and the consumer on the calling thread: formatting costs
// more per event than a storm's calls (guests: 8-10 us CPU per event at
// 80,000-240,000 calls/s), and output may block; the buffer takes that.
DrainResult drain_following(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                            const BatchConsumer& consume) {
    auto ring = monitor.info().ring_capacity;
    // Before the first read: with events=auto, it also attaches this file
    // as a reader, so that calls become events from now on.
    monitor.set_wakeup(follow_wakeup(ring));
    Queue queue(plan.buffer_bytes);
    ReadTally tally;
    DrainResult result;
    std::uint64_t passed = 0; // events handed to the consumer
    {
        // Stops the queue (the reader returns at its next look) and joins.
        struct Joined {
            Queue& queue;
            std::thread thread;
            ~Joined() {
                queue.stop();
                thread.join();
            }
        } reading{queue, std::thread([&] {
                      try {
                          follow(monitor, interrupt, plan, queue,
                                 std::max<std::uint64_t>(ring, drain_batch), tally);
                          queue.close(nullptr);
                      } catch (...) {
                          queue.close(std::current_exception());
                      }
                  })};
        // Until the reader stops, an interrupt is the reader's: it stops
        // reading, and what it read is consumed.  One that comes after
        // (the second, or one after the deadline or the limit) ends it now.
        while (auto batch = queue.pop()) {
            if ((interrupt.seen() || queue.closed()) && interrupt.fired()) {
                result.abandoned = true;
                break;
            }
            passed += batch->count;
            auto done = consume(std::span<const mpmon_event>(batch->events.get(), batch->count));
            result.counted += done.counted;
            queue.done(std::move(*batch), done.counted);
            if (done.stop) {
                result.stopped = true;
                break;
            }
        }
    }
    tally.fill(result);
    result.unconsumed = result.read - passed;
    if (auto error = queue.error(); error && !result.stopped && !result.abandoned)
        std::rethrow_exception(error);
    return result;
}

} // namespace

mpmon_wakeup follow_wakeup(std::uint32_t ring_capacity) {
    mpmon_wakeup w{};
    w.events = std::max<std::uint32_t>(ring_capacity / follow_wakeup_fraction, 1);
    w.timeout_ms = static_cast<std::uint32_t>(follow_wakeup_after.count());
    return w;
}

void ReadTally::add(const ReadResult& r) {
    if (lost_)
        dropped_ += r.lost >= *lost_ ? r.lost - *lost_ : r.lost;
    lost_ = r.lost;
    read_ += r.count;
}

void ReadTally::fill(DrainResult& result) const {
    result.read = read_;
    result.lost = lost_.value_or(0);
    result.dropped = dropped_;
}

DrainResult drain(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                  const BatchConsumer& consume) {
    if (plan.follow)
        return drain_following(monitor, interrupt, plan, consume);
    // Once through the ring, reading and consuming in turn.
    DrainResult result;
    ReadTally tally;
    std::vector<mpmon_event> buf(drain_batch);
    while (!plan.limit || result.counted < *plan.limit) {
        std::size_t want = buf.size();
        if (plan.limit)
            want = static_cast<std::size_t>(
                std::min<std::uint64_t>(want, *plan.limit - result.counted));
        auto r = monitor.read_events(std::span(buf.data(), want));
        tally.add(r);
        auto done = consume(std::span<const mpmon_event>(buf.data(), r.count));
        result.counted += done.counted;
        if (done.stop) {
            result.stopped = true;
            break;
        }
        if (r.count < want)
            break;
    }
    tally.fill(result);
    return result;
}

} // namespace mpctl
