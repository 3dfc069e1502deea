// SPDX-License-Identifier: GPL-2.0
// mpctl's recording file: JSON Lines, so a recording made on a big-endian
// POWER7 reads the same on an x86 laptop.
//
//   line 1   {"mpmon_recording": 1, "started": ..., "system": {...}, "info": {...}}
//   then     one event per line, as mpctl events --json prints it
//   last     {"mpmon_recording_end": {"events": N, "ring_dropped": N, ...}}
//
// A recording cut short (mpctl killed, disk full) has no last line and may
// end in half a line; it still reads, and says so.
#pragma once

#include <linux/mpmon.h>

#include <cstdint>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mpctl {

constexpr int recording_format = 1;

struct RecordingEnd {
    std::uint64_t events = 0;       // events written
    std::uint64_t ring_dropped = 0; // lost by the full ring while recording
    double seconds = 0;
    std::string ended; // UTC, ISO 8601
};

nlohmann::ordered_json recording_header(const mpmon_info& info, const mpmon_filter& filter,
                                        const std::string& started,
                                        const nlohmann::ordered_json& system);
nlohmann::ordered_json recording_end(const RecordingEnd& end);

// uname(2) of this machine: what the recording was made on.
nlohmann::ordered_json system_json();
// Now, as "2026-11-24T01:02:03Z".
std::string utc_now();

struct Recording {
    nlohmann::json header;
    mpmon_info info{};
    std::vector<mpmon_event> events;
    std::optional<RecordingEnd> end; // nullopt: cut short
    bool partial_line = false;       // a last, half-written line was ignored
};

// Throws Error (Exit::failure) naming the line of anything malformed.
Recording read_recording(std::istream& in);

} // namespace mpctl
