// SPDX-License-Identifier: GPL-2.0
// The binary recording: what mpctl record writes reads back the same, in
// either byte order and from a later format with larger records; a file
// cut short or damaged anywhere gives the reader's message (the byte and
// what was expected), never a crash; report --events prints what mpctl
// events prints.
#include "command_fixture.hpp"
#include "common/error.hpp"
#include "events_fixture.hpp"
#include "model/aggregate.hpp"
#include "model/stats_view.hpp"
#include "output/event_json_line.hpp"
#include "output/format_info.hpp"
#include "output/format_stats.hpp"
#include "read_recording.hpp"
#include "recording/recording.hpp"
#include "recording/recording_format.hpp"
#include "replay.hpp"

#include <array>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

std::vector<mpmon_event> three_events() {
    auto failed = move_event(6, "p7", 2, 0, -ENODEV);
    auto query = move_event(7, "q", 4, 1);
    query.mode = MPMON_MODE_QUERY;
    query.mp_flags = 0;
    query.page_err[MPMON_PERR_EFAULT] = 1;
    return {move_event(5, "p7", 16, 1), failed, query};
}

std::string recording_of(const std::vector<mpmon_event>& events,
                         std::vector<mpmon_stats> stats = {}) {
    ReplayMonitor m(test_info(), std::move(stats), events);
    auto r = run(m, {"record", "-o", "-"});
    EXPECT_EQ(r.exit, Exit::ok);
    return r.out.str();
}

Recording read(const std::string& bytes) {
    std::istringstream in(bytes);
    return read_recording(in);
}

std::string error_of(const std::string& bytes) {
    try {
        read(bytes);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Exit::failure);
        return e.what();
    }
    return "(no error)";
}

template <typename T> T at(const std::string& bytes, std::size_t offset) {
    T v{};
    std::memcpy(&v, bytes.data() + offset, sizeof(v));
    return v;
}

template <typename T> void put(std::string& bytes, std::size_t offset, const T& v) {
    std::memcpy(bytes.data() + offset, &v, sizeof(v));
}

// Offsets in a recording of n events made by this mpctl.
struct Layout {
    std::size_t header, trailer;
};

Layout layout_of(const std::string& bytes) {
    return {at<std::uint32_t>(bytes, offsetof(RecordingFileHeader, header_size)),
            static_cast<std::size_t>(at<std::uint64_t>(bytes, bytes.size() - 16))};
}

// The byte ranges of an ABI struct that are strings: left as they are.
using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

// Every byte outside the strings belongs to an integer of 2 to 8 bytes,
// so with all bytes distinct within 8, a conversion that forgets a field
// leaves bytes where they were.
template <typename T> void expect_every_integer_converted(const Ranges& strings) {
    std::array<unsigned char, sizeof(T)> before{};
    for (std::size_t i = 0; i < before.size(); ++i)
        before[i] = static_cast<unsigned char>(i * 7 + 1);
    T v{};
    std::memcpy(&v, before.data(), sizeof(v));
    swap_bytes(v);
    std::array<unsigned char, sizeof(T)> after{};
    std::memcpy(after.data(), &v, sizeof(v));
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        bool in_string = false;
        for (auto [from, size] : strings)
            in_string = in_string || (i >= from && i < from + size);
        if (in_string)
            EXPECT_EQ(after[i], before[i]) << "string byte " << i << " of " << sizeof(T);
        else
            EXPECT_NE(after[i], before[i])
                << "byte " << i << " of " << sizeof(T) << " not converted";
    }
    swap_bytes(v);
    EXPECT_EQ(std::memcmp(&v, before.data(), sizeof(v)), 0) << "not its own inverse";
}

// The recording as a machine of the other byte order writes it: every
// record converted with the format's own layout.
std::string other_byte_order(const std::string& bytes) {
    std::string out = bytes;
    auto h = at<RecordingFileHeader>(bytes, 0);
    auto hs = h;
    hs.endianness =
        h.endianness == recording_little_endian ? recording_big_endian : recording_little_endian;
    swap_bytes(hs);
    put(out, 0, hs);
    std::size_t off = sizeof(h);
    auto info = at<mpmon_info>(bytes, off);
    swap_bytes(info);
    put(out, off, info);
    off += sizeof(info);
    auto filter = at<mpmon_filter>(bytes, off);
    swap_bytes(filter);
    put(out, off, filter);
    off = h.header_size;
    while (std::memcmp(bytes.data() + off, "EVNT", 4) == 0) {
        auto b = at<EventBlockHeader>(bytes, off);
        auto bs = b;
        swap_bytes(bs);
        put(out, off, bs);
        off += sizeof(b);
        for (std::uint32_t i = 0; i < b.count; ++i, off += sizeof(mpmon_event)) {
            auto ev = at<mpmon_event>(bytes, off);
            swap_bytes(ev);
            put(out, off, ev);
        }
    }
    auto t = at<RecordingTrailer>(bytes, off);
    auto ts = t;
    swap_bytes(ts);
    put(out, off, ts);
    for (std::size_t k = 0; k < 2; ++k) {
        auto pos = off + sizeof(t) + k * pad8(sizeof(mpmon_stats));
        auto s = at<mpmon_stats>(bytes, pos);
        swap_bytes(s);
        put(out, pos, s);
    }
    auto f = at<RecordingFooter>(bytes, bytes.size() - sizeof(RecordingFooter));
    swap_bytes(f);
    put(out, bytes.size() - sizeof(RecordingFooter), f);
    return out;
}

} // namespace

TEST(RecordingFormat, EveryIntegerFieldIsConverted) {
    expect_every_integer_converted<mpmon_event>({{offsetof(mpmon_event, comm), MPMON_COMM_LEN}});
    expect_every_integer_converted<mpmon_info>(
        {{offsetof(mpmon_info, module_version), 32 + MPMON_NAME_LEN},
         {offsetof(mpmon_info, cpu_name), 64 + 32 * MPMON_FLUSH_PROBES + 32}});
    expect_every_integer_converted<mpmon_stats>({});
    expect_every_integer_converted<mpmon_filter>({{offsetof(mpmon_filter, comm), MPMON_COMM_LEN}});
    expect_every_integer_converted<RecordingFileHeader>(
        {{0, 8}, {offsetof(RecordingFileHeader, mpctl_version), 32}});
    expect_every_integer_converted<RecordingTrailer>({{0, 4}});
    expect_every_integer_converted<RecordingFooter>({{8, 8}});
}

TEST(RecordingFormat, WhatRecordWritesReadsBack) {
    auto events = three_events();
    mpmon_stats before{}, after{};
    before.size = after.size = sizeof(mpmon_stats);
    before.calls = 100;
    after.calls = 105;
    after.events_read = 3;
    after.ring_dropped = 2;
    auto bytes = recording_of(events, {before, after});
    auto r = read(bytes);
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(r.header.format_major, 1u);
    EXPECT_EQ(r.header.event_size, sizeof(mpmon_event));
    auto info = test_info();
    EXPECT_EQ(std::memcmp(&r.info, &info, sizeof(mpmon_info)), 0);
    ASSERT_TRUE(r.header.clock_offset_ns);
    ASSERT_EQ(r.events.size(), events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        EXPECT_EQ(std::memcmp(&r.events[i], &events[i], sizeof(mpmon_event)), 0) << i;
    ASSERT_TRUE(r.end);
    EXPECT_EQ(r.end->events, 3u);
    ASSERT_TRUE(r.end->stats_start && r.end->stats_end);
    EXPECT_EQ(r.end->stats_start->calls, 100u);
    EXPECT_EQ(std::memcmp(&*r.end->stats_end, &after, sizeof(after)), 0);

    // The report says what the kernel counted meanwhile.
    auto j = nlohmann::json::parse(run_report(bytes, {"--json"}).out.str());
    EXPECT_EQ(j["recording"]["kernel"]["calls"], 5);
    EXPECT_EQ(j["recording"]["kernel"]["ring_dropped"], 2);
    auto text = run_report(bytes, {}).out.str();
    EXPECT_NE(text.find("\nthe kernel counted meanwhile: 5 calls, 3 events read, 2 dropped by "
                        "the full ring, 0 with events off\n"),
              std::string::npos)
        << text;
}

// A big-endian POWER machine's recording, read here: the same events.
TEST(RecordingFormat, TheOtherByteOrderReadsTheSame) {
    auto events = three_events();
    auto bytes = recording_of(events);
    auto swapped = other_byte_order(bytes);
    ASSERT_NE(swapped, bytes);
    auto mine = read(bytes);
    auto theirs = read(swapped);
    EXPECT_TRUE(theirs.warnings.empty());
    EXPECT_NE(theirs.header.big_endian, mine.header.big_endian);
    EXPECT_EQ(std::memcmp(&theirs.info, &mine.info, sizeof(mpmon_info)), 0);
    EXPECT_EQ(theirs.header.clock_offset_ns, mine.header.clock_offset_ns);
    ASSERT_EQ(theirs.events.size(), events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        EXPECT_EQ(std::memcmp(&theirs.events[i], &events[i], sizeof(mpmon_event)), 0) << i;
    ASSERT_TRUE(theirs.end);
    EXPECT_EQ(theirs.end->events, 3u);
    EXPECT_EQ(run_report(swapped, {"--json"}).out.str(), run_report(bytes, {"--json"}).out.str());
}

// A later format minor version may append fields to the fixed header and
// to each record: they are skipped, and what this mpctl knows reads.
TEST(RecordingFormat, LargerRecordsOfALaterVersionRead) {
    auto events = three_events();
    auto bytes = recording_of(events);
    auto l = layout_of(bytes);
    constexpr std::size_t more = 16; // appended to the fixed header and to each event
    auto h = at<RecordingFileHeader>(bytes, 0);
    h.format_minor = 7;
    h.fixed_size += more;
    h.event_size += more;
    h.header_size += more;
    std::string out;
    out.append(reinterpret_cast<const char*>(&h), sizeof(h));
    out.append(more, '\x5a');
    out.append(bytes, sizeof(h), l.header - sizeof(h));
    std::size_t off = l.header;
    auto b = at<EventBlockHeader>(bytes, off);
    ASSERT_EQ(b.count, 3u);
    out.append(bytes, off, sizeof(b));
    off += sizeof(b);
    for (std::uint32_t i = 0; i < b.count; ++i, off += sizeof(mpmon_event)) {
        out.append(bytes, off, sizeof(mpmon_event));
        out.append(more, '\x5a');
    }
    auto new_trailer = out.size();
    out.append(bytes, off, bytes.size() - off);
    put(out, out.size() - 16, static_cast<std::uint64_t>(new_trailer));
    auto r = read(out);
    EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
    EXPECT_EQ(r.header.format_minor, 7u);
    EXPECT_EQ(r.header.event_size, sizeof(mpmon_event) + more);
    ASSERT_EQ(r.events.size(), 3u);
    for (std::size_t i = 0; i < events.size(); ++i)
        EXPECT_EQ(std::memcmp(&r.events[i], &events[i], sizeof(mpmon_event)), 0) << i;
    EXPECT_TRUE(r.end);
}

// Cut at every byte: the header must be whole (else an error naming the
// byte); after it, what is whole reads, with a warning.
TEST(RecordingFormat, CutShortAnywhere) {
    auto bytes = recording_of(three_events());
    auto l = layout_of(bytes);
    for (std::size_t n = 1; n < bytes.size(); ++n) {
        auto cut = bytes.substr(0, n);
        if (n < l.header) {
            auto e = error_of(cut);
            EXPECT_NE(e.find("byte " + std::to_string(n) + ": the file ends inside "),
                      std::string::npos)
                << n << ": " << e;
            continue;
        }
        Recording r;
        ASSERT_NO_THROW(r = read(cut)) << n;
        EXPECT_FALSE(r.end) << n;
        std::size_t whole =
            n < l.header + 8 ? 0
                             : std::min<std::size_t>((n - l.header - 8) / sizeof(mpmon_event), 3);
        EXPECT_EQ(r.events.size(), whole) << n;
        ASSERT_FALSE(r.warnings.empty()) << n;
        EXPECT_NE(r.warnings.back().find("cut short after " + std::to_string(r.events.size()) +
                                         " events"),
                  std::string::npos)
            << n << ": " << r.warnings.back();
    }
    // Between two events of a block: the block's count says more were due.
    auto between = l.header + 8 + sizeof(mpmon_event);
    auto r = read(bytes.substr(0, between));
    ASSERT_EQ(r.warnings.size(), 2u);
    EXPECT_EQ(r.warnings[0], fmt::format("the file ends at byte {}, 2 events short of the count "
                                         "of the block at byte {}",
                                         between, l.header));
    auto e = error_of(bytes.substr(0, 100));
    EXPECT_EQ(e, "byte 100: the file ends inside the header (expected 132 bytes from byte 12, "
                 "found 88)");
}

TEST(RecordingFormat, DamagedFilesSayWhereAndWhat) {
    auto bytes = recording_of(three_events());
    auto l = layout_of(bytes);
    auto changed = [&](std::size_t offset, std::string_view with) {
        auto b = bytes;
        b.replace(offset, with.size(), with);
        return error_of(b);
    };
    EXPECT_EQ(changed(0, "MPMONREX"),
              "byte 0: not an mpctl recording: expected the magic MPMONREC, found 'MPMONREX'");
    EXPECT_EQ(changed(8, std::string("\x01\x02\x03\x05", 4)).rfind("byte 8: byte-order mark ", 0),
              0u);
    auto h = at<RecordingFileHeader>(bytes, 0);
    auto with = [&](auto change) {
        auto copy = h;
        change(copy);
        auto b = bytes;
        put(b, 0, copy);
        return error_of(b);
    };
    EXPECT_EQ(with([](auto& x) { x.format_major = 2; }),
              "byte 16: recording format 2.0 (this mpctl reads format 1)");
    EXPECT_EQ(with([](auto& x) { x.event_size = 8; }),
              "byte 44: event_size 8 is not from 392 to 1048576: the header is damaged");
    EXPECT_EQ(with([](auto& x) { x.event_size = 396; }),
              "byte 44: event_size 396 is not a multiple of 8: the header is damaged");
    EXPECT_NE(with([](auto& x) { x.header_size = 200; }).find("byte 24: header_size 200"),
              std::string::npos);
    EXPECT_NE(with([](auto& x) { x.endianness = 3; }).find("byte 12: endianness 3"),
              std::string::npos);
    // A block that is neither events nor the trailer, after the first one.
    auto second = l.header + 8 + 3 * sizeof(mpmon_event);
    EXPECT_EQ(changed(second, "JUNK"),
              "byte " + std::to_string(second) +
                  ": expected an event block (EVNT) or the trailer (TAIL), found 'JUNK': the "
                  "file is damaged");
    EXPECT_EQ(changed(l.header, "\x01VNT"),
              "byte " + std::to_string(l.header) +
                  ": expected an event block (EVNT) or the trailer (TAIL), found '\\x01VNT': the "
                  "file is damaged");
    auto footer = bytes.size() - 16;
    EXPECT_NE(changed(footer + 8, "MPMONEN!")
                  .find("byte " + std::to_string(footer) + ": expected the footer"),
              std::string::npos);
    EXPECT_EQ(error_of(bytes + "x"), "byte " + std::to_string(bytes.size()) +
                                         ": data after the footer: the file is "
                                         "damaged");
    // Damage anywhere: an Error or a reading, never a crash.
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto b = bytes;
        b[i] = static_cast<char>(b[i] ^ 0xa5);
        try {
            read(b);
        } catch (const Error&) {
        }
    }
}

TEST(RecordingFormat, CountsThatDisagreeAreSaid) {
    auto bytes = recording_of(three_events());
    auto l = layout_of(bytes);
    put(bytes, l.trailer + offsetof(RecordingTrailer, events), std::uint64_t{4});
    auto r = read(bytes);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0], "the trailer counts 4 events, the file holds 3");
}

// report --events prints the lines of mpctl events of the same events,
// with the same filters; text times are wall-clock (UTC) from the
// recording's clock offset.
TEST(RecordingFormat, ReportEventsPrintsWhatEventsPrints) {
    auto events = three_events();
    auto bytes = recording_of(events);
    auto offset = *read(bytes).header.clock_offset_ns;
    const std::vector<std::vector<const char*>> filters = {
        {}, {"--tgid", "6"}, {"--comm", "p7"}, {"--errors"}, {"--comm", "p7", "--errors"}};
    for (const auto& f : filters) {
        for (bool json : {false, true}) {
            std::vector<const char*> ev_args = {"events"};
            std::vector<const char*> rep_args = {"--events"};
            for (auto a : f) {
                ev_args.push_back(a);
                rep_args.push_back(a);
            }
            if (json) {
                ev_args.push_back("--json");
                rep_args.push_back("--json");
            }
            ReplayMonitor m(test_info(), {}, events);
            auto printed = run(m, ev_args).out.str();
            auto reported = run_report(bytes, rep_args);
            EXPECT_EQ(reported.diag.str(), "");
            if (json) {
                EXPECT_EQ(reported.out.str(), printed);
                continue;
            }
            // mpctl events in the tests prints times at offset 0.
            auto mine = lines(reported.out.str());
            auto theirs = lines(printed);
            ASSERT_EQ(mine.size(), theirs.size());
            for (std::size_t i = 0; i < mine.size(); ++i) {
                auto stamp = Clock::fixed(offset).format(events.front().ts_ns);
                EXPECT_EQ(mine[i].substr(0, stamp.size()), stamp);
                EXPECT_EQ(mine[i].substr(stamp.size()), theirs[i].substr(stamp.size()));
            }
        }
    }
    EXPECT_EQ(lines(run_report(bytes, {"--events", "--errors"}).out.str()).size(), 2u);
    EXPECT_EQ(lines(run_report(bytes, {"--events", "--tgid", "99"}).out.str()).size(), 0u);
}

// Recordings made by mpctl record in the emulated guests, big-endian
// POWER7 among them (scripts/capture-recording), with what the guest said
// of the same run: read on this little-endian x86 host, each event must be
// the one the guest read, the info the guest's, and the totals the
// kernel's counters, both those the guest printed and those in the
// recording's own trailer.
TEST(RecordingFormat, RecordingsOfRealRunsReadAsTheGuestReadThem) {
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(MPCTL_TEST_DATA)) {
        auto path = entry.path().string();
        if (!path.ends_with(".mprec"))
            continue;
        SCOPED_TRACE(path);
        std::ifstream in(path, std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        auto rec = read(bytes.str());
        EXPECT_TRUE(rec.warnings.empty());
        ASSERT_TRUE(rec.end);
        EXPECT_EQ(rec.end->events, rec.events.size());
        EXPECT_GT(rec.events.size(), 0u);

        // The events, as the guest printed them from the same file.
        std::ifstream guest_events(path + ".events.jsonl");
        EventJsonLines mine;
        for (const auto& ev : rec.events)
            mine.add(ev);
        std::stringstream theirs;
        theirs << guest_events.rdbuf();
        EXPECT_EQ(std::string(mine.text()), theirs.str());

        // The module's info, as the guest printed it (readers changes).
        std::ifstream guest_info(path + ".info.json");
        auto info_theirs = nlohmann::json::parse(guest_info);
        auto info_mine = nlohmann::json::parse(info_json(rec.info, rec.header.filter).dump());
        info_theirs.erase("readers");
        info_mine.erase("readers");
        EXPECT_EQ(info_mine, info_theirs);
        if (path.ends_with("power7-be.mprec")) {
            EXPECT_TRUE(rec.header.big_endian);
            EXPECT_EQ(rec.info.arch, static_cast<std::uint32_t>(MPMON_ARCH_PPC64));
            EXPECT_EQ(rec.header.system.machine, "ppc64");
        }

        // The totals: the kernel's counters after the run (the guest's
        // mpctl stats), and the trailer's counters over the recording.
        auto report = nlohmann::json::parse(run_report(bytes.str(), {"--json"}).out.str());
        std::ifstream guest_stats(path + ".stats.json");
        auto kernel = nlohmann::json::parse(guest_stats);
        Aggregate agg;
        for (const auto& ev : rec.events)
            agg.add(ev);
        ASSERT_TRUE(rec.end->stats_start && rec.end->stats_end);
        auto delta = stats_delta(*rec.end->stats_end, *rec.end->stats_start);
        auto trailer = nlohmann::json::parse(stats_json(make_view(delta, rec.info)).dump());
        auto aggregated = nlohmann::json::parse(stats_json(agg.view(rec.info)).dump());
        for (const char* key : {"calls", "errors", "returns", "modes", "flags", "pages",
                                "page_status", "query_status", "latency_ns"}) {
            EXPECT_EQ(report[key], kernel[key]) << key;
            EXPECT_EQ(aggregated[key], trailer[key]) << key;
        }
        EXPECT_EQ(report["recording"]["kernel"]["calls"], kernel["calls"]);
        EXPECT_EQ(report["recording"]["kernel"]["ring_dropped"], 0);
        ++checked;
    }
    EXPECT_GE(checked, 2u); // power7-be (big-endian) and x86_64
}
