// SPDX-License-Identifier: GPL-2.0
// Writing the binary recording (recording_format.hpp) to a stream, in this
// machine's byte order: the header, a block per batch of events, and the
// trailer with the footer.  The caller checks the stream after each call.
#pragma once

#include "recording/recording.hpp"

#include <linux/mpmon.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <span>

namespace mpctl {

struct RecordingStart {
    mpmon_info info{};
    mpmon_filter filter{};
    std::int64_t clock_offset_ns = 0; // CLOCK_REALTIME - CLOCK_MONOTONIC
    std::int64_t started_ns = 0;      // CLOCK_REALTIME
    SystemInfo system;
};

struct RecordingTotals {
    std::uint64_t events = 0;
    std::uint64_t ring_dropped = 0; // while recording
    std::uint64_t lost = 0;         // the ring's counter since the last reset
    std::uint64_t duration_ns = 0;
    std::int64_t ended_ns = 0; // CLOCK_REALTIME
    std::optional<mpmon_stats> stats_start, stats_end;
};

// This machine now: uname(2) and the clocks.
SystemInfo this_system();
std::int64_t realtime_ns();
// CLOCK_REALTIME minus CLOCK_MONOTONIC, sampled now.
std::int64_t clock_offset_ns();

class RecordingWriter {
public:
    explicit RecordingWriter(std::ostream& out) : out_(out) {}

    void header(const RecordingStart& start);
    // One block; nothing for an empty batch.
    void events(std::span<const mpmon_event> batch);
    void trailer(const RecordingTotals& totals);

    std::uint64_t offset() const noexcept { return offset_; }

private:
    void put(const void* data, std::size_t size);

    std::ostream& out_;
    std::uint64_t offset_ = 0;
};

} // namespace mpctl
