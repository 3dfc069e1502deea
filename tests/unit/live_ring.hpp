// SPDX-License-Identifier: GPL-2.0
// A Monitor whose ring the reader thread of a following drain reads while
// the test looks on or adds events: thread-safe, events numbered (seq) from
// 0, a full ring drops new events and counts them like the kernel (a
// dropped event still takes its number, so a gap in seq is a drop).
#pragma once

#include "common/interrupt.hpp"
#include "device/monitor.hpp"
#include "events_fixture.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

namespace mpctl::testing {

// The parts of a Monitor that the drain tests do not look at.
class RingOnlyMonitor : public Monitor {
public:
    mpmon_info info() override { return {}; }
    mpmon_stats stats() override { return {}; }
    mpmon_stats stats_and_reset() override { return {}; }
    void reset() override {}
    void set_enabled(bool) override {}
    void set_filter(const mpmon_filter&) override {}
    mpmon_filter filter() override { return {}; }
};

class LiveRing final : public RingOnlyMonitor {
public:
    // What wait_events does, given its timeout and whether events are there.
    using WaitHook = std::function<Wait(std::chrono::milliseconds timeout, bool readable)>;

    explicit LiveRing(std::size_t capacity = 4096) : capacity_(capacity) {}

    mpmon_info info() override {
        mpmon_info info{};
        info.ring_capacity = static_cast<std::uint32_t>(capacity_);
        return info;
    }
    // Kept, with the number of reads done before it was set.
    void set_wakeup(const mpmon_wakeup& wakeup) override {
        std::lock_guard lock(mutex_);
        wakeups_.emplace_back(wakeup, reads_);
    }

    // Adds n events; those that do not fit are dropped.
    void produce(std::uint64_t n) {
        std::lock_guard lock(mutex_);
        produce_locked(n);
    }
    // Each of the next `reads` reads first adds `per_read` events (a storm).
    void supply(std::uint64_t per_read,
                std::uint64_t reads = std::numeric_limits<std::uint64_t>::max()) {
        std::lock_guard lock(mutex_);
        per_read_ = per_read;
        supply_reads_ = reads;
    }
    // Default: readable while events remain, else the end of the replay
    // (interrupted), like ReplayMonitor.
    void on_wait(WaitHook hook) {
        std::lock_guard lock(mutex_);
        wait_hook_ = std::move(hook);
    }

    ReadResult read_events(std::span<mpmon_event> buf) override {
        std::lock_guard lock(mutex_);
        ++reads_;
        if (supply_reads_ > 0) {
            --supply_reads_;
            produce_locked(per_read_);
        }
        std::size_t n = std::min(buf.size(), ring_.size());
        std::copy_n(ring_.begin(), n, buf.begin());
        ring_.erase(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(n));
        taken_ += n;
        return {n, lost_};
    }
    Wait wait_events(std::chrono::milliseconds timeout, const Interrupt&) override {
        WaitHook hook;
        bool readable = false;
        {
            std::lock_guard lock(mutex_);
            ++waits_;
            wait_times_.push_back(timeout);
            hook = wait_hook_;
            readable = !ring_.empty();
        }
        if (hook)
            return hook(timeout, readable);
        return readable ? Wait::readable : Wait::interrupted;
    }

    std::uint64_t produced() const { return locked(produced_); }
    std::uint64_t taken() const { return locked(taken_); }
    std::uint64_t lost() const { return locked(lost_); }
    std::uint64_t reads() const { return locked(reads_); }
    std::uint64_t waits() const { return locked(waits_); }
    std::size_t left() const {
        std::lock_guard lock(mutex_);
        return ring_.size();
    }
    std::vector<std::chrono::milliseconds> wait_times() const {
        std::lock_guard lock(mutex_);
        return wait_times_;
    }
    std::vector<std::pair<mpmon_wakeup, std::uint64_t>> wakeups() const {
        std::lock_guard lock(mutex_);
        return wakeups_;
    }

private:
    void produce_locked(std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; ++i, ++produced_) {
            if (ring_.size() >= capacity_) {
                ++lost_;
                continue;
            }
            ring_.push_back(move_event(100, "w", 1, 0));
            ring_.back().seq = produced_;
        }
    }
    std::uint64_t locked(const std::uint64_t& field) const {
        std::lock_guard lock(mutex_);
        return field;
    }

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::deque<mpmon_event> ring_;
    std::uint64_t produced_ = 0, taken_ = 0, lost_ = 0, reads_ = 0, waits_ = 0;
    std::uint64_t per_read_ = 0, supply_reads_ = 0;
    WaitHook wait_hook_;
    std::vector<std::chrono::milliseconds> wait_times_;
    std::vector<std::pair<mpmon_wakeup, std::uint64_t>> wakeups_;
};

} // namespace mpctl::testing
