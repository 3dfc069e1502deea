// SPDX-License-Identifier: GPL-2.0
// The RapidJSON encoder of events prints exactly what the nlohmann path,
// json_line(event_json(ev)), prints: on recorded runs and on thousands of
// random events with hostile comms, odd flags and duplicate nodes.
#include "event_json_line.hpp"
#include "events_fixture.hpp"
#include "format_event.hpp"
#include "json_line.hpp"
#include "recording.hpp"
#include "replay.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace mpctl;
using mpctl::testing::move_event;

namespace {

std::string reference(const mpmon_event& ev) {
    return json_line(event_json(ev));
}

std::string encoded(const mpmon_event& ev) {
    EventJsonLines lines;
    lines.add(ev);
    return std::string(lines.text());
}

// Every event of the recorded runs in tests/unit/data.
std::vector<mpmon_event> recorded() {
    std::vector<mpmon_event> all;
    for (const auto& entry : std::filesystem::directory_iterator(MPCTL_TEST_DATA)) {
        auto name = entry.path().filename().string();
        std::ifstream in(entry.path());
        if (name.ends_with(".recording.jsonl")) {
            auto r = read_recording(in);
            all.insert(all.end(), r.events.begin(), r.events.end());
        } else if (name.ends_with("-events.jsonl")) {
            auto evs = read_event_lines(in);
            all.insert(all.end(), evs.begin(), evs.end());
        }
    }
    return all;
}

// Bytes a comm may hold, weighted toward what trips an encoder: quotes,
// backslashes, control characters, DEL, and every kind of UTF-8 lead and
// continuation byte (overlong, surrogate and beyond-U+10FFFF leads too).
constexpr std::array<unsigned char, 32> tricky = {
    '"',  '\\', '/',  0x01, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x1a, 0x1b, 0x1f, 0x7f, 0x80,
    0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xfe, 0xff, 0xa0, 0x9f};
// Well-formed multi-byte characters: é, €, U+FFFD, 😀, U+D7FF, U+10FFFF.
const std::array<std::string, 6> characters = {"\xc3\xa9",     "\xe2\x82\xac",
                                               "\xef\xbf\xbd", "\xf0\x9f\x98\x80",
                                               "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf"};

class RandomEvents {
public:
    explicit RandomEvents(std::uint64_t seed) : rng_(seed) {}

    mpmon_event next() {
        mpmon_event ev{};
        // Start from random bytes in every field, then shape some of them.
        auto* bytes = reinterpret_cast<unsigned char*>(&ev);
        for (std::size_t i = 0; i < sizeof(ev); ++i)
            bytes[i] = static_cast<unsigned char>(rng_());
        ev.size = sizeof(ev);
        fill_comm(ev.comm);
        ev.mode = pick(4) == 0 ? static_cast<std::uint32_t>(rng_()) : pick(2);
        ev.nr_forensic = pick(4) == 0 ? static_cast<std::uint32_t>(rng_()) : pick(10);
        ev.nr_node_pages = pick(4) == 0 ? static_cast<std::uint32_t>(rng_()) : pick(10);
        if (pick(2)) // few distinct nodes: duplicates in node_pages
            for (auto& np : ev.node_pages)
                np.node = static_cast<std::int32_t>(pick(4)) - 1;
        if (pick(2))
            for (auto& n : ev.page_err)
                n = pick(3) ? 0 : static_cast<std::uint32_t>(rng_());
        switch (pick(5)) {
        case 0:
            ev.ret = 0;
            break;
        case 1:
            ev.ret = -static_cast<std::int64_t>(pick(140)); // errnos, known or not
            break;
        case 2: // the most negative values, min() too
            ev.ret = std::numeric_limits<std::int64_t>::min() + pick(3);
            break;
        default:
            break; // random
        }
        if (pick(2))
            ev.mp_flags = pick(8);
        if (pick(2))
            ev.flags &= 0x1f;
        if (pick(4) == 0)
            ev.cpu_node = std::numeric_limits<std::int32_t>::min();
        return ev;
    }

private:
    std::uint32_t pick(std::uint32_t n) { return static_cast<std::uint32_t>(rng_() % n); }

    void fill_comm(char (&comm)[MPMON_COMM_LEN]) {
        std::string s;
        std::size_t len = pick(MPMON_COMM_LEN + 1);
        while (s.size() < len) {
            switch (pick(4)) {
            case 0:
                s += static_cast<char>(0x20 + pick(0x5f)); // printable ASCII
                break;
            case 1:
                s += static_cast<char>(tricky[pick(tricky.size())]);
                break;
            case 2:
                s += characters[pick(characters.size())];
                break;
            default:
                s += static_cast<char>(pick(256)); // anything, NUL ends it
                break;
            }
        }
        s.resize(std::min(s.size(), sizeof(comm))); // may cut a character
        std::memset(comm, 0, sizeof(comm));
        std::memcpy(comm, s.data(), s.size()); // no NUL at the end when full
    }

    std::mt19937_64 rng_;
};

} // namespace

TEST(EventJsonLine, RecordedRunsPrintAsBefore) {
    auto events = recorded();
    ASSERT_GE(events.size(), 50u);
    for (const auto& ev : events)
        ASSERT_EQ(encoded(ev), reference(ev)) << "seq " << ev.seq;
}

TEST(EventJsonLine, RandomEventsPrintAsBefore) {
    RandomEvents gen(20261127);
    EventJsonLines lines;
    std::string expected;
    for (int i = 0; i < 10000; ++i) {
        auto ev = gen.next();
        auto ref = reference(ev);
        ASSERT_EQ(encoded(ev), ref) << "event " << i;
        lines.add(ev);
        expected += ref;
    }
    // Lines accumulate until clear(), as a batch does.
    EXPECT_EQ(lines.text(), expected);
    lines.clear();
    EXPECT_TRUE(lines.text().empty());
    lines.add(move_event(1, "a", 1, 0));
    EXPECT_EQ(lines.text(), reference(move_event(1, "a", 1, 0)));
}

TEST(EventJsonLine, HostileCommsAndEdgeCases) {
    std::vector<std::string> comms = {
        "",
        "plain",
        "q\"uote\\back/",
        "\x1b[2J\x07\x7f",
        "\x0b\x0e\x0f\x1a\x1f", // RapidJSON alone would print \u000B
        "a\xff"
        "b",
        "\xe2\x82",         // cut short at the end
        "\xe2\x82x",        // cut short before an ASCII byte
        "\xe0\x80\x80",     // overlong
        "\xed\xa0\x80",     // a surrogate
        "\xf4\x90\x80\x80", // beyond U+10FFFF
        "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
        "fifteen-chars-x",
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3", // 15 bytes, cut
    };
    for (const auto& c : comms) {
        auto ev = move_event(7, c, 3, 1);
        ASSERT_EQ(encoded(ev), reference(ev)) << c;
    }
    // A full comm without a NUL, a query, every flag and note, status
    // entries not written, duplicate nodes, extreme numbers.
    auto ev = move_event(9, "x", 16, 0, -ENODEV);
    std::memset(ev.comm, 'z', sizeof(ev.comm));
    ev.mode = MPMON_MODE_QUERY;
    ev.mp_flags = 0xffffffff;
    ev.flags = 0xffffffff;
    ev.status_written = 0xa5;
    ev.nr_node_pages = MPMON_EVENT_NODES;
    for (std::uint32_t i = 0; i < MPMON_EVENT_NODES; ++i)
        ev.node_pages[i] = {static_cast<std::int32_t>(i % 3) - 1, i};
    for (auto& n : ev.page_err)
        n = 1;
    ev.ret = std::numeric_limits<std::int64_t>::min();
    ev.status[0] = std::numeric_limits<std::int32_t>::min();
    ev.seq = std::numeric_limits<std::uint64_t>::max();
    ev.cpu_node = std::numeric_limits<std::int32_t>::min();
    ev.pages[0] = 0;
    ev.pages[1] = std::numeric_limits<std::uint64_t>::max();
    ASSERT_EQ(encoded(ev), reference(ev));
    ev.mode = 7; // neither move nor query
    ev.nr_forensic = 0;
    ASSERT_EQ(encoded(ev), reference(ev));
}
