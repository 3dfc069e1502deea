// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: replaying captures (mpctl events --json lines) must never
// crash or leak, whatever the input; bad lines are errors, not faults.  The
// line mpctl events --json and record print for an event (EventJsonLines),
// for every accepted event and for the input's first bytes taken as a raw
// struct mpmon_event (any comm bytes, any numbers, as a module could hand
// them over), must be one line of valid JSON; and when replay accepts it,
// the event read back must print the same JSON (its comm aside, when
// invalid UTF-8 became U+FFFD; and the order of outcome's members, which
// replay reads as an unordered object).
#include "common/error.hpp"
#include "common/text.hpp"
#include "output/event_json_line.hpp"
#include "output/format_event.hpp"
#include "recording/parse_event_json.hpp"
#include "replay.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

[[noreturn]] void finding(const char* what, const std::string& line) {
    std::fprintf(stderr, "%s:\n%s\n", what, line.c_str());
    std::abort();
}

// One encoder for every input, as mpctl reuses one for a whole run: what
// an event leaves in it must not reach the next.
std::string line_of(const mpmon_event& ev) {
    static mpctl::EventJsonLines lines;
    lines.clear();
    lines.add(ev);
    return std::string(lines.text());
}

void prints_and_reads_back(const mpmon_event& ev) {
    auto line = line_of(ev);
    if (line.empty() || line.find('\n') != line.size() - 1)
        finding("not one line", line);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line); // strict: valid UTF-8 too
    } catch (const nlohmann::json::exception&) {
        finding("not valid JSON", line);
    }
    mpmon_event back{};
    try {
        back = mpctl::event_from_json(j);
    } catch (const std::invalid_argument&) {
        return; // replay may refuse what no module prints (a node of -1)
    }
    if (mpctl::from_field(back.comm) != mpctl::from_field(ev.comm))
        return;
    auto again = line_of(back);
    if (nlohmann::json::parse(again) != j)
        finding("read back, printed differently", line + again);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size >= sizeof(mpmon_event)) {
        mpmon_event raw;
        std::memcpy(&raw, data, sizeof(raw));
        prints_and_reads_back(raw);
        (void)mpctl::event_line(raw, mpctl::Clock::fixed(0));
    }
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        for (const auto& ev : mpctl::read_event_lines(in)) {
            // What was accepted must format and convert back without faults.
            (void)mpctl::event_line(ev, mpctl::Clock::fixed(0));
            prints_and_reads_back(ev);
        }
    } catch (const mpctl::Error&) {
    }
    return 0;
}
