// SPDX-License-Identifier: GPL-2.0
// mpctl's recordings, as the rest of mpctl sees them, whatever their
// format: the binary one mpctl record writes (recording_format.hpp,
// docs/recording-format.md), or the JSON Lines of mpctl 1.2 and before
// (recording_jsonl.cpp), read so that those recordings are not lost.
#pragma once

#include <linux/mpmon.h>

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mpctl {

enum class RecordingKind { binary, json_lines };

// uname(2) of the machine that recorded; "" where not known.
struct SystemInfo {
    std::string sysname, nodename, release, version, machine;
};

struct RecordingHeader {
    RecordingKind kind = RecordingKind::binary;
    std::uint32_t format_major = 0, format_minor = 0;
    bool big_endian = false; // the producer's byte order (binary)
    std::uint32_t event_size = 0;
    mpmon_info info{};
    mpmon_filter filter{};
    SystemInfo system;
    std::string mpctl_version;
    std::string started; // UTC, ISO 8601 ("" if not known)
    // CLOCK_REALTIME minus CLOCK_MONOTONIC when recording started: the
    // events' ts_ns plus this is wall-clock time.  Not in JSON Lines.
    std::optional<std::int64_t> clock_offset_ns;
};

// What the end of a recording says: the trailer (binary) or the end line.
struct RecordingEnd {
    std::uint64_t events = 0;       // events written
    std::uint64_t ring_dropped = 0; // lost by the full ring while recording
    double seconds = 0;
    std::string ended; // UTC, ISO 8601
    // The kernel's counters when recording started and ended (binary).
    std::optional<mpmon_stats> stats_start, stats_end;
};

// Reads a recording front to back, holding one event at a time: memory
// stays bounded whatever the length of the file.  Errors (a damaged or
// unreadable file) are Error (Exit::failure) naming where: "byte N: ..."
// or "line N: ...".  A recording cut short (mpctl killed, disk full) reads
// up to where it ends, with a warning.
class RecordingReader {
public:
    virtual ~RecordingReader() = default;

    const RecordingHeader& header() const noexcept { return header_; }
    // Up to buf.size() events into buf, in the file's order; 0 once no
    // event is left.
    virtual std::size_t read(std::span<mpmon_event> buf) = 0;
    // Once read() returned 0: the end, nullopt if the file was cut short.
    const std::optional<RecordingEnd>& end() const noexcept { return end_; }
    // Once read() returned 0: what is wrong but not fatal, one sentence
    // each (cut short, a half-written last record, a count that differs).
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }

protected:
    RecordingHeader header_;
    std::optional<RecordingEnd> end_;
    std::vector<std::string> warnings_;
};

// Opens either format, by its first bytes; reads the header.
std::unique_ptr<RecordingReader> open_recording(std::istream& in);

// The readers of each format, given a stream at the start of the file.
std::unique_ptr<RecordingReader> open_binary_recording(std::istream& in);
std::unique_ptr<RecordingReader> open_json_lines_recording(std::istream& in);

// A CLOCK_REALTIME time in ns, as "2026-11-24T01:02:03Z".
std::string utc_time(std::int64_t realtime_ns);

} // namespace mpctl
