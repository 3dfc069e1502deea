// SPDX-License-Identifier: GPL-2.0
// Values this mpctl has no name for (a newer module's architecture, MMU,
// platform, status source or event mode) are written so that they read
// back as they were: mpctl reads every recording it writes.
#include "command_fixture.hpp"
#include "events_fixture.hpp"
#include "output/format_event.hpp"
#include "output/format_info.hpp"
#include "output/json_line.hpp"
#include "read_recording.hpp"
#include "recording/parse_event_json.hpp"
#include "recording/parse_info_json.hpp"
#include "recording/recording.hpp"
#include "replay.hpp"

#include <gtest/gtest.h>
#include <sstream>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

TEST(UnknownValues, RoundTripThroughARecording) {
    struct Case {
        std::uint32_t arch, mmu, platform, source, mode;
    };
    for (auto c : {Case{99, 42, 9, 77, 7}, Case{0, 0, 0, 0, 1u << 31}, Case{4096, 5, 4, 3, 2}}) {
        SCOPED_TRACE(::testing::Message() << c.arch << " " << c.mmu << " " << c.platform << " "
                                          << c.source << " " << c.mode);
        auto info = test_info();
        info.arch = c.arch;
        info.mmu = c.mmu;
        info.platform = c.platform;
        info.status_source = c.source;
        auto ev = move_event(5, "new", 2, 1);
        ev.mode = c.mode;
        ReplayMonitor m(info, {}, {ev});
        auto rec = run(m, {"record", "-o", "-"});
        std::istringstream in(rec.out.str());
        auto back = read_recording(in); // throws if it cannot read it
        EXPECT_EQ(back.info.arch, c.arch);
        EXPECT_EQ(back.info.mmu, c.mmu);
        EXPECT_EQ(back.info.platform, c.platform);
        EXPECT_EQ(back.info.status_source, c.source);
        ASSERT_EQ(back.events.size(), 1u);
        EXPECT_EQ(back.events[0].mode, c.mode);
        // The same through the JSON of info and events alone.
        EXPECT_EQ(info_from_json(info_json(info, {})).arch, c.arch);
        EXPECT_EQ(event_from_json(event_json(ev)).mode, c.mode);
    }
}

TEST(UnknownValues, NamesNoMpctlWritesAreRejected) {
    auto ev = nlohmann::json::parse(json_line(event_json(move_event(5, "x", 1, 0))));
    for (const char* mode : {"mode", "modex", "mode-1", "mode 7", "mode99999999999", "moved"}) {
        ev["mode"] = mode;
        EXPECT_THROW(event_from_json(ev), std::exception) << mode;
    }
    auto info = nlohmann::json::parse(json_line(info_json(test_info(), {})));
    for (const char* arch : {"unknown", "unknown()", "unknown(x)", "unknown(1", "sparc"}) {
        info["arch"] = arch;
        EXPECT_THROW(info_from_json(info), std::exception) << arch;
    }
}
