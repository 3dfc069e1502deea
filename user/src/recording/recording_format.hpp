// SPDX-License-Identifier: GPL-2.0
// The binary recording of mpctl record: an on-disk ABI, described field by
// field in docs/recording-format.md.  Every field has a fixed width and
// lies at a fixed offset (checked below); the producer writes its own byte
// order, which the byte-order mark tells, and readers convert.
//
//   file header   RecordingFileHeader, then the info, filter and uname
//                 sections, each padded to 8 bytes; header_size in all
//   event blocks  EventBlockHeader ("EVNT", count), then count events of
//                 event_size bytes each: struct mpmon_event as written
//   trailer       RecordingTrailer ("TAIL"), the kernel's counters at the
//                 start and at the end (stats_size bytes each, padded)
//   footer        RecordingFooter: the trailer's offset and "MPMONEND",
//                 the last 16 bytes, so the trailer can be found from
//                 the end of the file
#pragma once

#include <linux/mpmon.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace mpctl {

inline constexpr std::array<char, 8> recording_magic = {'M', 'P', 'M', 'O', 'N', 'R', 'E', 'C'};
inline constexpr std::array<char, 8> recording_end_magic = {'M', 'P', 'M', 'O', 'N', 'E', 'N', 'D'};
inline constexpr std::array<char, 4> event_block_tag = {'E', 'V', 'N', 'T'};
inline constexpr std::array<char, 4> trailer_tag = {'T', 'A', 'I', 'L'};

// Stored as the producer stores a 32-bit integer: a reader finds it as is
// (same byte order) or reversed (the other one).
inline constexpr std::uint32_t recording_byte_order_mark = 0x01020304;

// A new major version is not readable by an older mpctl; a new minor one
// only appends fields (fixed_size, the section sizes and event_size say how
// much to skip), so it is.
inline constexpr std::uint16_t recording_format_major = 1;
inline constexpr std::uint16_t recording_format_minor = 0;

// RecordingFileHeader::endianness
inline constexpr std::uint32_t recording_little_endian = 1;
inline constexpr std::uint32_t recording_big_endian = 2;

// RecordingTrailer::stats_flags: which stats blocks hold the kernel's counters.
inline constexpr std::uint32_t recording_stats_at_start = 1U << 0;
inline constexpr std::uint32_t recording_stats_at_end = 1U << 1;

// Bytes of each string of the uname section (Linux's utsname fields).
inline constexpr std::size_t recording_uname_len = 65;

struct RecordingFileHeader {
    char magic[8];                // "MPMONREC"
    std::uint32_t byte_order;     // recording_byte_order_mark
    std::uint32_t endianness;     // recording_little_endian or _big_endian
    std::uint16_t format_major;   // recording_format_major
    std::uint16_t format_minor;   // recording_format_minor
    std::uint32_t fixed_size;     // sizeof(RecordingFileHeader) of the producer
    std::uint32_t header_size;    // bytes before the first event block
    std::uint32_t abi_major;      // the uapi header the records follow
    std::uint32_t abi_minor;      // (the module's own ABI is in the info)
    std::uint32_t arch;           // MPMON_ARCH_* of the producer
    std::uint32_t page_size;      // base page size in bytes
    std::uint32_t event_size;     // bytes of each event record
    std::uint32_t info_size;      // bytes of the info section (struct mpmon_info)
    std::uint32_t filter_size;    // bytes of the filter section (struct mpmon_filter)
    std::uint32_t uname_size;     // bytes of the uname section (5 strings)
    std::uint32_t reserved0;      // 0
    std::int64_t clock_offset_ns; // CLOCK_REALTIME minus CLOCK_MONOTONIC at the start
    std::int64_t started_ns;      // CLOCK_REALTIME at the start, ns since the epoch
    char mpctl_version[32];       // of the producer, NUL-padded
    std::uint64_t reserved[4];    // 0
};

// The uname section: uname(2) of the producer, each string NUL-padded.
struct RecordingUname {
    char sysname[recording_uname_len];
    char nodename[recording_uname_len];
    char release[recording_uname_len];
    char version[recording_uname_len];
    char machine[recording_uname_len];
};

struct EventBlockHeader {
    char tag[4];         // "EVNT"
    std::uint32_t count; // events that follow, event_size bytes each
};

struct RecordingTrailer {
    char tag[4];                // "TAIL"
    std::uint32_t size;         // bytes of the trailer, footer included
    std::uint64_t events;       // events in the file's blocks
    std::uint64_t ring_dropped; // events the full ring dropped while recording
    std::uint64_t lost;         // the ring's drop counter since the last reset
    std::uint64_t duration_ns;  // from the start to the end of recording
    std::int64_t ended_ns;      // CLOCK_REALTIME at the end, ns since the epoch
    std::uint32_t stats_flags;  // recording_stats_at_*
    std::uint32_t stats_size;   // bytes of each stats block (struct mpmon_stats)
    // Then the stats at the start and at the end, each stats_size bytes
    // padded to 8, present or not (zero) as stats_flags says.
};

struct RecordingFooter {
    std::uint64_t trailer_offset; // from the start of the file
    char magic[8];                // "MPMONEND"
};

// The layout is the format: no field may move.
static_assert(offsetof(RecordingFileHeader, byte_order) == 8);
static_assert(offsetof(RecordingFileHeader, format_major) == 16);
static_assert(offsetof(RecordingFileHeader, fixed_size) == 20);
static_assert(offsetof(RecordingFileHeader, event_size) == 44);
static_assert(offsetof(RecordingFileHeader, reserved0) == 60);
static_assert(offsetof(RecordingFileHeader, clock_offset_ns) == 64);
static_assert(offsetof(RecordingFileHeader, mpctl_version) == 80);
static_assert(sizeof(RecordingFileHeader) == 144);
static_assert(sizeof(RecordingUname) == 325);
static_assert(sizeof(EventBlockHeader) == 8);
static_assert(offsetof(RecordingTrailer, events) == 8);
static_assert(offsetof(RecordingTrailer, ended_ns) == 40);
static_assert(offsetof(RecordingTrailer, stats_size) == 52);
static_assert(sizeof(RecordingTrailer) == 56);
static_assert(sizeof(RecordingFooter) == 16);

// Oldest sizes of the ABI's structs a recording may hold.
inline constexpr std::uint32_t recording_min_event_size = MPMON_EVENT_SIZE_VER0;
inline constexpr std::uint32_t recording_min_info_size = MPMON_INFO_SIZE_VER0;
inline constexpr std::uint32_t recording_min_filter_size = MPMON_FILTER_SIZE_VER0;
inline constexpr std::uint32_t recording_min_stats_size = MPMON_STATS_SIZE_VER0;
// Larger sizes are not plausible for these structs: a damaged file.
inline constexpr std::uint32_t recording_max_section = 1U << 20;

constexpr std::uint64_t pad8(std::uint64_t n) {
    return (n + 7) & ~std::uint64_t{7};
}

// Byte order conversion of every field, in place (recording_swap.cpp).
void swap_bytes(RecordingFileHeader& h);
void swap_bytes(EventBlockHeader& b);
void swap_bytes(RecordingTrailer& t);
void swap_bytes(RecordingFooter& f);
void swap_bytes(mpmon_info& info);
void swap_bytes(mpmon_filter& filter);
void swap_bytes(mpmon_stats& stats);
void swap_bytes(mpmon_event& ev);
// Byte strings only: nothing to convert.
inline void swap_bytes(RecordingUname&) {}

} // namespace mpctl
