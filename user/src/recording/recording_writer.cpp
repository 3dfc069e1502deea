// SPDX-License-Identifier: GPL-2.0
#include "recording/recording_writer.hpp"

#include "common/text.hpp"
#include "recording/recording_format.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <ctime>
#include <string>
#include <sys/utsname.h>

namespace mpctl {

namespace {

std::int64_t ns_of(clockid_t id) {
    timespec ts{};
    ::clock_gettime(id, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

template <std::size_t N> void copy_magic(char (&dst)[N], const std::array<char, N>& magic) {
    std::memcpy(dst, magic.data(), N);
}

} // namespace

SystemInfo this_system() {
    struct utsname u {};
    if (::uname(&u) != 0)
        return {};
    return {u.sysname, u.nodename, u.release, u.version, u.machine};
}

std::int64_t realtime_ns() {
    return ns_of(CLOCK_REALTIME);
}

std::int64_t clock_offset_ns() {
    // The monotonic reads on both sides bound when the wall clock was read.
    auto before = ns_of(CLOCK_MONOTONIC);
    auto wall = ns_of(CLOCK_REALTIME);
    auto after = ns_of(CLOCK_MONOTONIC);
    return wall - (before + (after - before) / 2);
}

void RecordingWriter::put(const void* data, std::size_t size) {
    out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    offset_ += size;
}

void RecordingWriter::header(const RecordingStart& s) {
    RecordingFileHeader h{};
    copy_magic(h.magic, recording_magic);
    h.byte_order = recording_byte_order_mark;
    h.endianness =
        std::endian::native == std::endian::big ? recording_big_endian : recording_little_endian;
    h.format_major = recording_format_major;
    h.format_minor = recording_format_minor;
    h.fixed_size = sizeof(h);
    h.abi_major = MPMON_ABI_MAJOR;
    h.abi_minor = MPMON_ABI_MINOR;
    h.arch = s.info.arch;
    h.page_size = s.info.page_size;
    h.event_size = sizeof(mpmon_event);
    h.info_size = sizeof(mpmon_info);
    h.filter_size = sizeof(mpmon_filter);
    h.uname_size = sizeof(RecordingUname);
    h.clock_offset_ns = s.clock_offset_ns;
    h.started_ns = s.started_ns;
    to_field(h.mpctl_version, MPCTL_VERSION);
    h.header_size =
        static_cast<std::uint32_t>(pad8(sizeof(h)) + pad8(sizeof(mpmon_info)) +
                                   pad8(sizeof(mpmon_filter)) + pad8(sizeof(RecordingUname)));
    RecordingUname u{};
    to_field(u.sysname, s.system.sysname);
    to_field(u.nodename, s.system.nodename);
    to_field(u.release, s.system.release);
    to_field(u.version, s.system.version);
    to_field(u.machine, s.system.machine);
    // One write for the whole header: a reader of the output (a pipe)
    // gets it at once.
    std::string bytes;
    auto add = [&bytes](const void* data, std::size_t size) {
        bytes.append(static_cast<const char*>(data), size);
        bytes.append(pad8(size) - size, '\0');
    };
    add(&h, sizeof(h));
    add(&s.info, sizeof(s.info));
    add(&s.filter, sizeof(s.filter));
    add(&u, sizeof(u));
    put(bytes.data(), bytes.size());
}

void RecordingWriter::events(std::span<const mpmon_event> batch) {
    // A batch is at most what the drain hands over at once; blocks of
    // at most 2^32 - 1 events whatever it is.
    while (!batch.empty()) {
        auto n = std::min<std::size_t>(batch.size(), UINT32_MAX);
        EventBlockHeader b{};
        copy_magic(b.tag, event_block_tag);
        b.count = static_cast<std::uint32_t>(n);
        put(&b, sizeof(b));
        put(batch.data(), n * sizeof(mpmon_event));
        batch = batch.subspan(n);
    }
}

void RecordingWriter::trailer(const RecordingTotals& t) {
    auto at = offset_;
    RecordingTrailer tr{};
    copy_magic(tr.tag, trailer_tag);
    tr.size = static_cast<std::uint32_t>(sizeof(tr) + 2 * pad8(sizeof(mpmon_stats)) +
                                         sizeof(RecordingFooter));
    tr.events = t.events;
    tr.ring_dropped = t.ring_dropped;
    tr.lost = t.lost;
    tr.duration_ns = t.duration_ns;
    tr.ended_ns = t.ended_ns;
    tr.stats_flags = (t.stats_start ? recording_stats_at_start : 0U) |
                     (t.stats_end ? recording_stats_at_end : 0U);
    tr.stats_size = sizeof(mpmon_stats);
    std::string bytes(reinterpret_cast<const char*>(&tr), sizeof(tr));
    for (const auto& st : {t.stats_start, t.stats_end}) {
        mpmon_stats block = st.value_or(mpmon_stats{});
        bytes.append(reinterpret_cast<const char*>(&block), sizeof(block));
        bytes.append(pad8(sizeof(block)) - sizeof(block), '\0');
    }
    RecordingFooter f{};
    f.trailer_offset = at;
    copy_magic(f.magic, recording_end_magic);
    bytes.append(reinterpret_cast<const char*>(&f), sizeof(f));
    put(bytes.data(), bytes.size());
}

} // namespace mpctl
