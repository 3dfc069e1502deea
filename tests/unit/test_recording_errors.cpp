// SPDX-License-Identifier: GPL-2.0
// A malformed JSON Lines recording (mpctl 1.3's) is rejected with the line
// and the field that is wrong, whatever is wrong with it: missing, of
// another type, out of range, or a malformed number in a string.
#include "command_fixture.hpp"
#include "common/error.hpp"
#include "events_fixture.hpp"
#include "jsonl_recording.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

// A good recording of one event: header, event, end line.
std::vector<nlohmann::json> good_recording() {
    std::vector<nlohmann::json> out;
    for (const auto& l : lines(jsonl_recording(test_info(), {move_event(5, "w", 3, 1)})))
        out.push_back(nlohmann::json::parse(l));
    return out;
}

// What mpctl report says of the recording after change(line) on one line.
std::string error_after(std::size_t line, const std::function<void(nlohmann::json&)>& change) {
    auto rec = good_recording();
    change(rec.at(line - 1));
    std::string text;
    for (const auto& j : rec)
        text += j.dump() + "\n";
    try {
        run_report(text, {});
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Exit::failure);
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(RecordingErrors, NameTheLineAndTheField) {
    struct Case {
        std::size_t line;
        std::string field; // as the message must name it
        std::function<void(nlohmann::json&)> change;
    };
    const std::vector<Case> cases = {
        {2, "pages[0]", [](auto& j) { j["pages"][0] = "0xzz"; }},
        {2, "pages[1]", [](auto& j) { j["pages"][1] = 7; }},
        {2, "pages[2]", [](auto& j) { j["pages"][2] = "0x1ffffffffffffffff"; }},
        {2, "cpu", [](auto& j) { j["cpu"] = "one"; }},
        {2, "tgid", [](auto& j) { j["tgid"] = -1; }},
        {2, "cpu_node", [](auto& j) { j["cpu_node"] = 5000000000; }},
        {2, "ts_ns", [](auto& j) { j.erase("ts_ns"); }},
        {2, "status[0]", [](auto& j) { j["status"][0] = "x"; }},
        {2, "nodes[1]", [](auto& j) { j["nodes"][1] = true; }},
        {2, "outcome.nodeX", [](auto& j) { j["outcome"]["nodeX"] = 1; }},
        {2, "outcome.node1", [](auto& j) { j["outcome"]["node1"] = -3; }},
        {2, "comm", [](auto& j) { j["comm"] = nullptr; }},
        {2, "event_flags[0]", [](auto& j) { j["event_flags"] = {1}; }},
        {1, "info.cpu.pvr", [](auto& j) { j["info"]["cpu"]["pvr"] = "pvr"; }},
        {1, "info.abi.module", [](auto& j) { j["info"]["abi"]["module"] = "one.two"; }},
        {1, "info.mmu.mode", [](auto& j) { j["info"]["mmu"]["mode"] = 3; }},
        {1, "info.ring_capacity", [](auto& j) { j["info"]["ring_capacity"] = -4096; }},
        {1, "info.mmu.page_sizes[0]", [](auto& j) { j["info"]["mmu"]["page_sizes"] = {"4K"}; }},
        {3, "mpmon_recording_end.events",
         [](auto& j) { j["mpmon_recording_end"]["events"] = "2"; }},
        {3, "mpmon_recording_end.seconds",
         [](auto& j) { j["mpmon_recording_end"].erase("seconds"); }},
    };
    for (const auto& c : cases) {
        auto error = error_after(c.line, c.change);
        auto where = "rec.jsonl: line " + std::to_string(c.line) + ": ";
        EXPECT_EQ(error.rfind(where, 0), 0u) << c.field << ": " << error;
        EXPECT_NE(error.find("'" + c.field + "'"), std::string::npos) << c.field << ": " << error;
    }
}
