// SPDX-License-Identifier: GPL-2.0
// The JSON lines of mpctl events --json and mpctl record (EventJsonLines,
// one nlohmann object reused from line to line): what the guests printed,
// byte for byte; and, read back, every field of thousands of random events
// with hostile comms, odd flags and duplicate nodes, whatever the event
// before left in the reused object.
#include "common/text.hpp"
#include "events_fixture.hpp"
#include "model/decode.hpp"
#include "output/clock.hpp"
#include "output/event_json_line.hpp"
#include "output/format_event.hpp"
#include "output/json_line.hpp"
#include "recording/parse_event_json.hpp"
#include "replay.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace mpctl;
using mpctl::testing::move_event;

namespace {

std::string encoded(const mpmon_event& ev) {
    EventJsonLines lines;
    lines.add(ev);
    return std::string(lines.text());
}

// The keys, in the order scripts may rely on.
const std::vector<std::string> keys = {"seq",
                                       "ts_ns",
                                       "latency_ns",
                                       "cpu",
                                       "cpu_node",
                                       "tgid",
                                       "pid",
                                       "uid",
                                       "comm",
                                       "target_pid",
                                       "count",
                                       "mp_flags",
                                       "flags",
                                       "mode",
                                       "ret",
                                       "result",
                                       "pages",
                                       "nodes",
                                       "status",
                                       "outcome",
                                       "node_overflow",
                                       "pages_written",
                                       "pages_not_written",
                                       "pages_truncated",
                                       "pages_unknown",
                                       "flush_calls",
                                       "flush_pages",
                                       "event_flags"};

bool plain_ascii(std::string_view s) {
    for (char ch : s)
        if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e)
            return false;
    return true;
}

using Pairs = std::vector<std::pair<std::string, std::uint64_t>>;

Pairs pairs(const nlohmann::ordered_json& object) {
    Pairs out;
    for (const auto& [k, v] : object.items())
        out.emplace_back(k, v.get<std::uint64_t>());
    return out;
}

// Each part of the move's account where its flag says the module filled it.
void expect_migration(const nlohmann::ordered_json& m, const mpmon_event& ev) {
    EXPECT_EQ(m["moved"], ev.pages_moved);
    EXPECT_EQ(m["failed"], ev.pages_failed);
    ASSERT_EQ(m.contains("stayed"), (ev.flags & MPMON_EV_STAYED) != 0);
    if (ev.flags & MPMON_EV_STAYED) {
        EXPECT_EQ(m["stayed"], ev.pages_stayed);
    }
    ASSERT_EQ(m.contains("batches"), (ev.flags & MPMON_EV_RUNS) != 0);
    if (ev.flags & MPMON_EV_RUNS) {
        EXPECT_EQ(m["batches"], ev.migrate_batches);
        EXPECT_EQ(m["migrate_ns"], ev.migrate_ns);
        EXPECT_EQ(m["moved_other_nodes"], ev.moved_other);
        // A pair seen twice keeps its first place and its last count.
        Pairs moves;
        for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_moves, MPMON_EVENT_MOVES);
             ++i) {
            auto key = fmt::format("{}>{}", ev.moves[i].from, ev.moves[i].to);
            auto it = std::find_if(moves.begin(), moves.end(),
                                   [&key](const auto& kv) { return kv.first == key; });
            if (it == moves.end())
                moves.emplace_back(key, ev.moves[i].pages);
            else
                it->second = ev.moves[i].pages;
        }
        EXPECT_EQ(pairs(m["moved_by_nodes"]), moves);
        EXPECT_EQ(pairs(m["failed_by_reason"]), (Pairs{{"busy", ev.failed_busy},
                                                       {"nomem", ev.failed_nomem},
                                                       {"other", ev.failed_other}}));
    }
    ASSERT_EQ(m.contains("thp"), (ev.flags & MPMON_EV_THP) != 0);
    if (ev.flags & MPMON_EV_THP) {
        EXPECT_EQ(
            pairs(m["thp"]),
            (Pairs{{"moved", ev.thp_moved}, {"split", ev.thp_split}, {"failed", ev.thp_failed}}));
    }
}

// The invalidations of the kinds the event counts, and no other.
void expect_mmu(const nlohmann::ordered_json& m, const mpmon_event& ev) {
    ASSERT_EQ(m.contains("invalidations"), (ev.inval_sources & MPMON_INVAL_TLBIE) != 0);
    if (ev.inval_sources & MPMON_INVAL_TLBIE) {
        EXPECT_EQ(pairs(m["invalidations"]),
                  (Pairs{{"local", ev.tlbi_local}, {"global", ev.tlbi_global}}));
    }
    ASSERT_EQ(m.contains("hcalls"), (ev.inval_sources & MPMON_INVAL_HCALL) != 0);
    if (ev.inval_sources & MPMON_INVAL_HCALL) {
        EXPECT_EQ(pairs(m["hcalls"]), (Pairs{{"H_REMOVE", ev.hcalls[0]},
                                             {"H_BULK_REMOVE", ev.hcalls[1]},
                                             {"H_PROTECT", ev.hcalls[2]},
                                             {"H_RPT_INVALIDATE", ev.hcalls[3]}}));
        EXPECT_EQ(pairs(m["hpte"]),
                  (Pairs{{"removed", ev.hpte_removed}, {"protected", ev.hpte_protected}}));
    }
    ASSERT_EQ(m.contains("shootdown_ipis"), (ev.inval_sources & MPMON_INVAL_IPI) != 0);
    if (ev.inval_sources & MPMON_INVAL_IPI) {
        EXPECT_EQ(m["shootdown_ipis"], ev.shootdown_ipis);
    }
}

// One line, parsed back, holds ev's fields as the format says.
void expect_fields(const std::string& line, const mpmon_event& ev) {
    ASSERT_FALSE(line.empty());
    ASSERT_EQ(line.back(), '\n');
    ASSERT_EQ(line.find('\n'), line.size() - 1);
    // Strict parse: the line is valid JSON and valid UTF-8.
    auto j = nlohmann::ordered_json::parse(line);
    std::vector<std::string> got;
    for (const auto& [k, v] : j.items())
        got.push_back(k);
    // "migration" and "mmu" last, only where the module counted them.
    auto want = keys;
    if (ev.flags & MPMON_EV_MIGRATION) {
        want.emplace_back("migration");
        expect_migration(j["migration"], ev);
    }
    if (ev.inval_sources & (MPMON_INVAL_TLBIE | MPMON_INVAL_HCALL | MPMON_INVAL_IPI)) {
        want.emplace_back("mmu");
        expect_mmu(j["mmu"], ev);
    }
    ASSERT_EQ(got, want);
    EXPECT_EQ(j["seq"], ev.seq);
    EXPECT_EQ(j["ts_ns"], ev.ts_ns);
    EXPECT_EQ(j["latency_ns"], ev.latency_ns);
    EXPECT_EQ(j["cpu"], ev.cpu);
    EXPECT_EQ(j["cpu_node"], ev.cpu_node);
    EXPECT_EQ(j["tgid"], ev.tgid);
    EXPECT_EQ(j["pid"], ev.pid);
    EXPECT_EQ(j["uid"], ev.uid);
    auto comm = from_field(ev.comm);
    ASSERT_TRUE(j["comm"].is_string());
    if (plain_ascii(comm)) {
        EXPECT_EQ(j["comm"], comm);
    }
    EXPECT_EQ(j["target_pid"], ev.target_pid);
    EXPECT_EQ(j["count"], ev.count);
    EXPECT_EQ(j["mp_flags"], ev.mp_flags);
    EXPECT_EQ(j["flags"], flags_name(ev.mp_flags));
    EXPECT_EQ(j["mode"], mode_name(ev.mode));
    EXPECT_EQ(j["ret"], ev.ret);
    EXPECT_EQ(j["result"], result_class(ev.ret));
    std::size_t n = std::min<std::size_t>(ev.nr_forensic, MPMON_FORENSIC);
    ASSERT_EQ(j["pages"].size(), n);
    ASSERT_EQ(j["status"].size(), n);
    if (ev.mode == MPMON_MODE_QUERY) {
        EXPECT_TRUE(j["nodes"].is_null());
    } else {
        ASSERT_EQ(j["nodes"].size(), n);
    }
    for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(j["pages"][i], fmt::format("{:#x}", ev.pages[i])) << i;
        if (ev.mode != MPMON_MODE_QUERY) {
            EXPECT_EQ(j["nodes"][i], ev.nodes[i]) << i;
        }
        if ((ev.status_written >> i) & 1U) {
            EXPECT_EQ(j["status"][i], ev.status[i]) << i;
        } else {
            EXPECT_TRUE(j["status"][i].is_null()) << i;
        }
    }
    // Nodes in order of first appearance with their last count, then the
    // per-page errors.
    std::vector<std::pair<std::string, std::uint64_t>> outcome;
    for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_node_pages, MPMON_EVENT_NODES);
         ++i) {
        auto key = "node" + std::to_string(ev.node_pages[i].node);
        auto it = std::find_if(outcome.begin(), outcome.end(),
                               [&key](const auto& kv) { return kv.first == key; });
        if (it == outcome.end())
            outcome.emplace_back(key, ev.node_pages[i].pages);
        else
            it->second = ev.node_pages[i].pages;
    }
    for (unsigned c = 0; c < MPMON_PERR_NR; ++c)
        if (ev.page_err[c])
            outcome.emplace_back(page_err_name(c), ev.page_err[c]);
    std::vector<std::pair<std::string, std::uint64_t>> got_outcome;
    for (const auto& [k, v] : j["outcome"].items())
        got_outcome.emplace_back(k, v.get<std::uint64_t>());
    EXPECT_EQ(got_outcome, outcome);
    EXPECT_EQ(j["node_overflow"], ev.node_overflow);
    EXPECT_EQ(j["pages_written"], ev.pages_written);
    EXPECT_EQ(j["pages_not_written"], ev.pages_not_written);
    EXPECT_EQ(j["pages_truncated"], ev.pages_truncated);
    EXPECT_EQ(j["pages_unknown"], ev.pages_unknown);
    EXPECT_EQ(j["flush_calls"], ev.flush_calls);
    EXPECT_EQ(j["flush_pages"], ev.flush_pages);
    std::vector<std::string> flags;
    for (auto bit : {MPMON_EV_TRUNCATED, MPMON_EV_COMPAT, MPMON_EV_NODE_OVERFLOW,
                     MPMON_EV_ARGS_FAULT, MPMON_EV_STATUS_FAULT, MPMON_EV_INEXACT})
        if (ev.flags & bit)
            flags.push_back(bit == MPMON_EV_TRUNCATED       ? "truncated"
                            : bit == MPMON_EV_COMPAT        ? "compat"
                            : bit == MPMON_EV_NODE_OVERFLOW ? "node_overflow"
                            : bit == MPMON_EV_ARGS_FAULT    ? "args_fault"
                            : bit == MPMON_EV_STATUS_FAULT  ? "status_fault"
                                                            : "inexact");
    EXPECT_EQ(j["event_flags"].get<std::vector<std::string>>(), flags);
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

// The events of mpctl events --json as the guests printed them, byte for
// byte, read back and printed again.
TEST(EventJsonLine, PrintsWhatTheGuestsPrinted) {
    for (const char* name : {"x86_64.mprec.events.jsonl", "power7-be.mprec.events.jsonl"}) {
        SCOPED_TRACE(name);
        std::ifstream in(std::string(MPCTL_TEST_DATA) + "/" + name);
        ASSERT_TRUE(in);
        std::stringstream bytes;
        bytes << in.rdbuf();
        std::istringstream lines_in(bytes.str());
        auto events = read_event_lines(lines_in);
        ASSERT_GT(events.size(), 0u);
        EventJsonLines lines;
        for (const auto& ev : events)
            lines.add(ev);
        EXPECT_EQ(lines.text(), bytes.str());
    }
}

TEST(EventJsonLine, RandomEventsReadBack) {
    RandomEvents gen(20261127);
    EventJsonLines lines;
    std::string batch;
    for (int i = 0; i < 10000; ++i) {
        SCOPED_TRACE(i);
        auto ev = gen.next();
        // One encoder for all: what an event leaves must not reach the next.
        std::size_t start = lines.text().size();
        lines.add(ev);
        std::string line(lines.text().substr(start));
        expect_fields(line, ev);
        if (::testing::Test::HasFatalFailure())
            return;
        // A fresh encoder prints the same line.
        ASSERT_EQ(encoded(ev), line);
        batch += line;
    }
    // Lines accumulate until clear(), as a batch does.
    EXPECT_EQ(lines.text(), batch);
    lines.clear();
    EXPECT_TRUE(lines.text().empty());
    lines.add(move_event(1, "a", 1, 0));
    EXPECT_EQ(lines.text(), encoded(move_event(1, "a", 1, 0)));
}

// A comm is whatever bytes a process chose: JSON escapes for quotes,
// backslashes and control characters (DEL and '/' as they are), U+FFFD
// for each byte of invalid UTF-8.
TEST(EventJsonLine, HostileComms) {
    const std::string fffd = "\xef\xbf\xbd";
    std::vector<std::pair<std::string, std::string>> comms = {
        {"", R"("")"},
        {"plain", R"("plain")"},
        {"q\"uote\\back/", R"("q\"uote\\back/")"},
        {"\x1b[2J\x07\x7f", "\"\\u001b[2J\\u0007\x7f\""},
        {"\x0b\x0e\x0f\x1a\x1f", R"("\u000b\u000e\u000f\u001a\u001f")"},
        {"a\xff"
         "b",
         "\"a" + fffd + "b\""},
        {"\xe2\x82", "\"" + fffd + "\""},                              // cut short at the end
        {"\xe2\x82x", "\"" + fffd + "x\""},                            // cut short before ASCII
        {"\xe0\x80\x80", "\"" + fffd + fffd + fffd + "\""},            // overlong
        {"\xed\xa0\x80", "\"" + fffd + fffd + fffd + "\""},            // a surrogate
        {"\xf4\x90\x80\x80", "\"" + fffd + fffd + fffd + fffd + "\""}, // beyond U+10FFFF
        {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""},
        {"fifteen-chars-x", R"("fifteen-chars-x")"},
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3", // 15 bytes, cut
         "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" + fffd + "\""},
    };
    EventJsonLines lines;
    for (const auto& [comm, json] : comms) {
        SCOPED_TRACE(comm);
        auto ev = move_event(7, comm, 3, 1);
        lines.clear();
        lines.add(ev);
        std::string line(lines.text());
        EXPECT_NE(line.find(",\"comm\":" + json + ",\"target_pid\":"), std::string::npos) << line;
        expect_fields(line, ev);
    }
}

// A full comm without a NUL, a query, every flag and note, status entries
// not written, duplicate nodes, extreme numbers; then an event with less of
// everything through the same encoder.
TEST(EventJsonLine, EdgeCases) {
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
    EventJsonLines lines;
    lines.add(ev);
    std::string line(lines.text());
    expect_fields(line, ev);
    EXPECT_NE(line.find(R"("seq":18446744073709551615,)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("comm":"zzzzzzzzzzzzzzzz",)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("ret":-9223372036854775808,)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("pages":["0x0","0xffffffffffffffff",)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("nodes":null,"status":[-2147483648,null,0,null,null,0,null,0],)"),
              std::string::npos)
        << line;
    EXPECT_NE(line.find(R"("outcome":{"node-1":6,"node0":7,"node1":5,)"), std::string::npos)
        << line;
    auto smaller = move_event(10, "y", 2, 1);
    smaller.mode = 7; // neither move nor query
    lines.clear();
    lines.add(smaller);
    expect_fields(std::string(lines.text()), smaller);
    smaller.nr_forensic = 0;
    lines.clear();
    lines.add(smaller);
    expect_fields(std::string(lines.text()), smaller);
}

// What the call's migrate_pages() runs did: a "migration" object where the
// module followed them, none where it did not (absent, not 0), also when
// one encoder takes events of both kinds in turn.
TEST(EventJsonLine, MigrationOnlyWhereCounted) {
    auto counted = move_event(7, "mover", 3, 1);
    counted.ret = 1; // a run failed: no status written for it
    counted.flags |= MPMON_EV_MIGRATION;
    counted.pages_moved = 2;
    counted.pages_failed = 1;
    auto plain = move_event(7, "mover", 3, 1);

    auto j = event_json(counted);
    ASSERT_TRUE(j.contains("migration"));
    EXPECT_EQ(j["migration"]["moved"], 2);
    EXPECT_EQ(j["migration"]["failed"], 1);
    EXPECT_FALSE(event_json(plain).contains("migration"));
    auto back = event_from_json(nlohmann::json::parse(j.dump()));
    EXPECT_TRUE(back.flags & MPMON_EV_MIGRATION);
    EXPECT_EQ(back.pages_moved, 2u);
    EXPECT_EQ(back.pages_failed, 1u);
    EXPECT_FALSE(event_from_json(nlohmann::json::parse(event_json(plain).dump())).flags &
                 MPMON_EV_MIGRATION);

    EventJsonLines lines;
    for (const auto* ev : {&plain, &counted, &counted, &plain, &counted})
        lines.add(*ev);
    std::string expected;
    for (const auto* ev : {&plain, &counted, &counted, &plain, &counted})
        expected += json_line(event_json(*ev));
    EXPECT_EQ(lines.text(), expected);

    auto text = event_line(counted, Clock::fixed(0));
    EXPECT_NE(text.find(" moved:2 failed:1"), std::string::npos) << text;
    EXPECT_EQ(event_line(plain, Clock::fixed(0)).find("moved:"), std::string::npos);
}

// The whole account of a move (event size 2): in the text line and the
// JSON, and read back from the JSON with the same flags and counts.
TEST(EventJsonLine, AnatomyInTextAndJsonAndBack) {
    auto ev = mpctl::testing::anatomy_move(7, "mover");
    ev.moved_other = 1;
    ev.thp_moved = 0;
    ev.thp_split = 1;
    ev.inval_sources |= MPMON_INVAL_HCALL;
    ev.hcalls[MPMON_HCALL_RPT_INVALIDATE] = 4;

    auto text = event_line(ev, Clock::fixed(0));
    for (const char* part : {" moved:10 failed:3 stayed:3", " moves=0>1:6,1>0:4,other:1",
                             " failed_by=busy:2,nomem:0,other:1", " runs=2/4us", " thp=0/1/0",
                             " tlbi=10/30", " hcalls=H_RPT_INVALIDATE:4"})
        EXPECT_NE(text.find(part), std::string::npos) << part << " in " << text;
    // No HPTE was touched: nothing to say.
    EXPECT_EQ(text.find("hpte="), std::string::npos) << text;

    auto line = encoded(ev);
    expect_fields(line, ev);
    auto back = event_from_json(nlohmann::json::parse(line));
    EXPECT_EQ(back.flags & (MPMON_EV_MIGRATION | MPMON_EV_RUNS | MPMON_EV_STAYED | MPMON_EV_THP),
              ev.flags & (MPMON_EV_MIGRATION | MPMON_EV_RUNS | MPMON_EV_STAYED | MPMON_EV_THP));
    // Byte for byte, from the migration counts to the end.
    auto from = offsetof(mpmon_event, pages_moved);
    EXPECT_EQ(std::memcmp(reinterpret_cast<const char*>(&back) + from,
                          reinterpret_cast<const char*>(&ev) + from, sizeof(ev) - from),
              0);

    // Without the flags and sources, none of it: absent, not 0.
    auto plain = move_event(7, "mover", 16, 1);
    auto pj = nlohmann::json::parse(encoded(plain));
    EXPECT_FALSE(pj.contains("migration"));
    EXPECT_FALSE(pj.contains("mmu"));
    auto runs_only = ev;
    runs_only.flags &= ~(MPMON_EV_STAYED | MPMON_EV_THP);
    runs_only.inval_sources = 0;
    auto rj = nlohmann::json::parse(encoded(runs_only));
    EXPECT_FALSE(rj["migration"].contains("stayed"));
    EXPECT_FALSE(rj["migration"].contains("thp"));
    EXPECT_FALSE(rj.contains("mmu"));
}
