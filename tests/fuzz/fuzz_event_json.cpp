// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: replaying captures (mpctl events --json lines) must never
// crash or leak, whatever the input; bad lines are errors, not faults.  The
// RapidJSON encoder of mpctl events --json and record (EventJsonLines) must
// print exactly what the nlohmann path prints, for every accepted event and
// for the input's first bytes taken as a raw struct mpmon_event (any comm
// bytes, any numbers, as a module could hand them over).
#include "error.hpp"
#include "event_json_line.hpp"
#include "format_event.hpp"
#include "json_line.hpp"
#include "replay.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

namespace {

// Both encoders, byte for byte; aborts (a fuzzer finding) when they differ.
void same_json(const mpmon_event& ev) {
    auto reference = mpctl::json_line(mpctl::event_json(ev));
    mpctl::EventJsonLines lines;
    lines.add(ev);
    if (lines.text() != reference) {
        std::fprintf(stderr, "EventJsonLines:\n%.*s\nnlohmann:\n%s\n",
                     static_cast<int>(lines.text().size()), lines.text().data(), reference.c_str());
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size >= sizeof(mpmon_event)) {
        mpmon_event raw;
        std::memcpy(&raw, data, sizeof(raw));
        same_json(raw);
        (void)mpctl::event_line(raw, mpctl::Clock::fixed(0));
    }
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        for (const auto& ev : mpctl::read_event_lines(in)) {
            // What was accepted must format and convert back without faults.
            (void)mpctl::event_line(ev, mpctl::Clock::fixed(0));
            // (json_line as mpctl prints it: a comm cut at 15 bytes may end
            // in half a UTF-8 character, which a strict dump() rejects.)
            (void)mpctl::event_from_json(
                nlohmann::json::parse(mpctl::json_line(mpctl::event_json(ev))));
            same_json(ev);
        }
    } catch (const mpctl::Error&) {
    }
    return 0;
}
