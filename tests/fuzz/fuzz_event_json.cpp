// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: replaying captures (mpctl events --json lines) must never
// crash or leak, whatever the input; bad lines are errors, not faults.
#include "error.hpp"
#include "format_event.hpp"
#include "replay.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        for (const auto& ev : mpctl::read_event_lines(in)) {
            // What was accepted must format and convert back without faults.
            (void)mpctl::event_line(ev, mpctl::Clock::fixed(0));
            (void)mpctl::event_from_json(nlohmann::json::parse(mpctl::event_json(ev).dump()));
        }
    } catch (const mpctl::Error&) {
    }
    return 0;
}
