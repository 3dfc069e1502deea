// SPDX-License-Identifier: GPL-2.0
#include "drain_follow.hpp"

#include "batch_queue.hpp"
#include "interrupt.hpp"
#include "local_memory.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <limits>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace mpctl {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The longest single wait in poll(): the reader looks up at least this often.
constexpr milliseconds max_wait(1000);

std::size_t capacity(std::uint64_t buffer_bytes) {
    std::uint64_t events = buffer_bytes / sizeof(mpmon_event);
    return static_cast<std::size_t>(
        std::clamp<std::uint64_t>(events, 1, std::numeric_limits<std::size_t>::max()));
}

// Batches of drain_batch events in follow_reserve_mib (the queue keeps no
// more than --buffer allows).
constexpr std::size_t reserve_batches =
    (follow_reserve_mib << 20) / (drain_batch * sizeof(mpmon_event));

// Raises the calling thread's priority by follow_reader_boost nice levels
// if allowed (Linux: a thread's own nice value); else leaves it.
void boost_this_thread() {
    auto tid = static_cast<id_t>(::gettid());
    errno = 0;
    int nice = ::getpriority(PRIO_PROCESS, tid);
    if (nice == -1 && errno != 0)
        return;
    (void)::setpriority(PRIO_PROCESS, tid, std::max(nice - follow_reader_boost, -20));
}

// The reader thread: READ_EVENTS into the queue until Ctrl-C, the
// deadline, the limit or the consumer's stop.
class Reader {
public:
    Reader(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan, BatchQueue& queue)
        : monitor_(monitor), interrupt_(interrupt), plan_(plan), queue_(queue) {}

    void run() {
        boost_this_thread();
        // Each read goes straight into a batch's storage, from the queue's
        // pool (batches the consumer is done with, and the reserve it keeps
        // mapped): in a storm every read is full, and a copy into new
        // memory per read (a fresh allocation, its pages faulted in) was as
        // dear as the read itself, on the thread that must keep the ring
        // from filling.
        buf_ = queue_.spare();
        try {
            follow();
        } catch (...) {
            // What was read reaches the consumer before the error.
            try {
                hand_over();
            } catch (...) {
            }
            throw;
        }
        hand_over();
    }

    const ReadTally& tally() const { return tally_; }

private:
    // Reads until Ctrl-C, the deadline, the limit or the consumer's stop;
    // what it read and did not hand over is in buf_.
    void follow() {
        while (true) {
            std::size_t space = buf_.size() - filled_;
            std::size_t want = queue_.room(space, plan_.limit, filled_);
            if (want == 0) {
                if (filled_ == 0)
                    return;
                hand_over(); // first, then room again
                continue;
            }
            // Whether the whole storage fits in the buffer, so that a batch
            // far from full may be handed over in it.
            whole_fits_ = want == space;
            auto r = monitor_.read_events(std::span(buf_.data() + filled_, want));
            tally_.add(r);
            if (r.count > 0 && filled_ == 0)
                first_read_ = steady_clock::now();
            filled_ += r.count;
            if (filled_ == buf_.size())
                hand_over();
            if (r.count == want) {
                // More may be there.  A ring that never empties must not
                // hide Ctrl-C or the deadline: look between full reads too,
                // with a grace of one wait for what the ring held then.
                if (interrupt_.fired() || past_deadline(max_wait))
                    return;
                continue;
            }
            // The ring is empty.  While events flow, the batch fills over
            // several reads (a short batch handed over was copied to its
            // size, and that allocation, on this thread, stalled it for
            // tens of milliseconds in a storm); it waits no longer than
            // follow_hand_over for the rest.
            if (r.count == 0 || steady_clock::now() - first_read_ >= follow_hand_over)
                hand_over();
            if (past_deadline(milliseconds(0)))
                return;
            if (r.count) {
                // Events are flowing: let some gather instead of sleeping
                // in poll(), where the kernel would wake us for each one.
                if (!nap())
                    return;
                continue;
            }
            if (monitor_.wait_events(wait_time(), interrupt_) == Wait::interrupted)
                return;
        }
    }

    // Pushes the events read into buf_, if any.
    void hand_over() {
        // Zeroed first: a push or spare() that throws leaves nothing to
        // hand over twice (buf_ may have been moved from).
        auto n = std::exchange(filled_, 0);
        if (n == 0)
            return;
        if (n == buf_.size() || (whole_fits_ && (n >= buf_.size() / 2 || queue_.roomy()))) {
            // Full; or, where the buffer has room for all of its storage, at
            // least half full or the buffer at most half used: handed over
            // as it is (the queue counts its storage), no memory allocated
            // here (an allocation on this thread may wait for page faults,
            // or for another thread holding malloc's lock).
            buf_.resize(n);
            queue_.push(std::move(buf_));
            buf_ = queue_.spare();
        } else {
            // A short batch holds what was read, no more: memory as needed,
            // so that a nearly full buffer holds events, not storage for
            // them.
            queue_.push(EventBatch(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n)));
        }
    }

    bool past_deadline(milliseconds grace) const {
        return plan_.deadline && steady_clock::now() >= *plan_.deadline + grace;
    }

    bool nap() {
        if (plan_.nap)
            return plan_.nap(follow_nap);
        return sleep_unless_interrupted(interrupt_, follow_nap);
    }

    milliseconds wait_time() const {
        if (!plan_.deadline)
            return max_wait;
        auto left = std::chrono::duration_cast<milliseconds>(*plan_.deadline - steady_clock::now());
        return std::min(max_wait, left + milliseconds(1));
    }

    Monitor& monitor_;
    const Interrupt& interrupt_;
    const DrainPlan& plan_;
    BatchQueue& queue_;
    ReadTally tally_;
    EventBatch buf_;                        // storage the reader reads into
    std::size_t filled_ = 0;                // events in it, not handed over yet
    bool whole_fits_ = false;               // the last room() had room for all of buf_
    steady_clock::time_point first_read_{}; // when the first of them was read
};

// Runs one of the queue's workers (the reader, the reserve) on a thread of
// its own; the destructor stops the queue (the worker returns at its next
// wait) and joins it.
class QueueThread {
public:
    template <typename Work>
    QueueThread(BatchQueue& queue, Work work) : queue_(queue), thread_(std::move(work)) {}
    ~QueueThread() {
        queue_.stop();
        thread_.join();
    }
    QueueThread(const QueueThread&) = delete;
    QueueThread& operator=(const QueueThread&) = delete;

private:
    BatchQueue& queue_;
    std::thread thread_;
};

} // namespace

DrainResult drain_following(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                            const BatchConsumer& consume) {
    // Before the queue's storage is allocated and its threads start.
    LocalMemory local_memory;
    BatchQueue queue(capacity(plan.buffer_bytes), drain_batch, reserve_batches);
    Reader reader(monitor, interrupt, plan, queue);
    DrainResult result;
    std::uint64_t passed = 0; // events handed to the consumer
    {
        // The reserve, on a thread of its own: the page faults of new
        // storage (most of the memory of a queue that grows in a storm)
        // neither delay the reader nor take the formatting thread's time.
        // It runs at the reader's level: its work is what the reader takes
        // beyond what the formatting thread gives back, and at the normal
        // level, sharing the CPU with the storm, it fell behind (first
        // storm after mpctl started, x86_64 guest: the reader found the
        // pool empty and allocated 478-525 times, up to 10 ms each; boosted,
        // never, at the same call rate).
        QueueThread reserve(queue, [&queue] {
            try {
                boost_this_thread();
                queue.keep_reserve();
            } catch (...) {
                // The reserve is an optimisation: the reader allocates.
            }
        });
        QueueThread reading(queue, [&reader, &queue] {
            try {
                reader.run();
                queue.close();
            } catch (...) {
                queue.close(std::current_exception());
            }
        });
        // Until the reader closes the queue and it is empty: everything it
        // read is consumed, also after Ctrl-C; but a Ctrl-C or SIGTERM once
        // the reader has stopped (the second, or one after the deadline or
        // the limit) ends it at once.  Only then: until the reader stops,
        // an interrupt is the reader's.
        while (auto batch = queue.pop()) {
            if ((interrupt.seen() || queue.closed()) && interrupt.fired()) {
                result.abandoned = true;
                queue.stop();
                break;
            }
            passed += batch->size();
            auto done = consume(*batch);
            result.counted += done.counted;
            queue.done(std::move(*batch), done.counted);
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

} // namespace mpctl
