// SPDX-License-Identifier: GPL-2.0
#include "drain.hpp"

#include "interrupt.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mpctl {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using Batch = std::vector<mpmon_event>;

// The longest single wait in poll(): how soon the reader sees that the
// consumer stopped (a closed pipe) while no events come.
constexpr milliseconds max_wait(500);

// The batches the reader hands to the consumer, in order: at most
// `capacity` events read and not yet consumed, and, with a limit, no more
// than the consumer may still count if every one of them counts.
class Queue {
public:
    explicit Queue(std::uint64_t buffer_bytes)
        : capacity_(std::max<std::uint64_t>(buffer_bytes / sizeof(mpmon_event), 1)) {}

    // Reader: how many events it may read now, at most max; waits while
    // the buffer is full or the limit waits for the consumer's counts.
    // 0: read no more (the consumer stopped, or counted the limit).
    std::size_t room(std::size_t max, std::optional<std::uint64_t> limit) {
        std::unique_lock lock(mutex_);
        while (!stopped_) {
            std::uint64_t n = std::min<std::uint64_t>(max, capacity_ - held_);
            if (limit) {
                std::uint64_t promised = counted_ + held_;
                n = std::min(n, *limit > promised ? *limit - promised : 0);
                if (n == 0 && held_ == 0)
                    return 0;
            }
            if (n > 0)
                return static_cast<std::size_t>(n);
            reader_wakeup_.wait(lock);
        }
        return 0;
    }
    void push(Batch batch) {
        {
            std::lock_guard lock(mutex_);
            if (stopped_)
                return;
            held_ += batch.size();
            batches_.push_back(std::move(batch));
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
    // Consumer: done with a batch of n events, `counted` of which count.
    void done(std::size_t n, std::uint64_t counted) {
        {
            std::lock_guard lock(mutex_);
            held_ -= n;
            counted_ += counted;
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
    const std::uint64_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable reader_wakeup_, consumer_wakeup_;
    std::deque<Batch> batches_;
    std::uint64_t held_ = 0;    // events pushed and not yet done
    std::uint64_t counted_ = 0; // the consumer's counts, summed
    bool closed_ = false, stopped_ = false;
    std::exception_ptr error_;
};

// The reader thread: READ_EVENTS into the queue while events come, poll()
// until the kernel's watermark says there are more, until Ctrl-C, the
// deadline, the limit or the consumer's stop.
class Reader {
public:
    Reader(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan, Queue& queue,
           std::uint32_t ring_capacity)
        : monitor_(monitor), interrupt_(interrupt), plan_(plan), queue_(queue),
          // After the deadline: what the ring held then, no more (a storm
          // must not keep it reading).
          sweep_(std::max<std::uint64_t>(ring_capacity, drain_batch)) {}

    void run() {
        Batch buf(drain_batch);
        std::uint64_t swept = 0;
        // A ring that never empties must not hide Ctrl-C: looked at per read.
        while (!interrupt_.fired()) {
            std::size_t want = queue_.room(buf.size(), plan_.limit);
            if (want == 0)
                return;
            auto r = monitor_.read_events(std::span(buf.data(), want));
            tally_.add(r);
            if (r.count > 0)
                queue_.push(Batch(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.count)));
            bool late = plan_.deadline && steady_clock::now() >= *plan_.deadline;
            if (r.count == want) { // more may be there
                if (late && (swept += r.count) >= sweep_)
                    return;
                continue;
            }
            if (late || monitor_.wait_events(wait_time(), interrupt_) == Wait::interrupted)
                return;
        }
    }

    const ReadTally& tally() const { return tally_; }

private:
    milliseconds wait_time() const {
        if (!plan_.deadline)
            return max_wait;
        auto left = std::chrono::ceil<milliseconds>(*plan_.deadline - steady_clock::now());
        return std::clamp(left, milliseconds(0), max_wait);
    }

    Monitor& monitor_;
    const Interrupt& interrupt_;
    const DrainPlan& plan_;
    Queue& queue_;
    const std::uint64_t sweep_;
    ReadTally tally_;
};

// Runs the reader on a thread of its own; the destructor stops the queue
// (the reader returns at its next look) and joins it.
class ReaderThread {
public:
    ReaderThread(Reader& reader, Queue& queue)
        : queue_(queue), thread_([&reader, &queue] {
              try {
                  reader.run();
                  queue.close(nullptr);
              } catch (...) {
                  queue.close(std::current_exception());
              }
          }) {}
    ~ReaderThread() {
        queue_.stop();
        thread_.join();
    }
    ReaderThread(const ReaderThread&) = delete;
    ReaderThread& operator=(const ReaderThread&) = delete;

private:
    Queue& queue_;
    std::thread thread_;
};

// One reader thread and the consumer on the calling thread: the consumer's
// formatting costs more per event than the storms' calls in the guests (8.7
// to 11.3 us CPU per event against 124,000 to 145,000 calls/s), and its
// output may block; meanwhile the buffer, not the ring, takes the events.
DrainResult drain_following(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                            const BatchConsumer& consume) {
    auto ring = monitor.info().ring_capacity;
    // Before the first read: with events=auto, it also attaches this file
    // as a reader, so that calls become events from now on.
    monitor.set_wakeup(follow_wakeup(ring));
    Queue queue(plan.buffer_bytes);
    Reader reader(monitor, interrupt, plan, queue, ring);
    DrainResult result;
    std::uint64_t passed = 0; // events handed to the consumer
    {
        ReaderThread thread(reader, queue);
        // Until the reader stops, an interrupt is the reader's: it stops
        // reading, and what it read is consumed.  One that comes after
        // (the second, or one after the deadline or the limit) ends it now.
        while (auto batch = queue.pop()) {
            if ((interrupt.seen() || queue.closed()) && interrupt.fired()) {
                result.abandoned = true;
                break;
            }
            passed += batch->size();
            auto done = consume(*batch);
            result.counted += done.counted;
            queue.done(batch->size(), done.counted);
            if (done.stop) {
                result.stopped = true;
                break;
            }
        }
    }
    reader.tally().fill(result);
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
