// SPDX-License-Identifier: GPL-2.0
// A whole recording read into memory, for the small ones of the unit tests
// and the fuzzer (not part of mpctl, which reads a recording one batch at a
// time through RecordingReader).
#pragma once

#include "recording/recording.hpp"

#include <linux/mpmon.h>

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace mpctl {

struct Recording {
    RecordingHeader header;
    mpmon_info info{};
    std::vector<mpmon_event> events;
    std::optional<RecordingEnd> end; // nullopt: cut short
    std::vector<std::string> warnings;
};

// Reads either format to the end; throws as RecordingReader does.
Recording read_recording(std::istream& in);

} // namespace mpctl
