// SPDX-License-Identifier: GPL-2.0
#include "recording/recording.hpp"

#include "common/error.hpp"
#include "recording/recording_format.hpp"

#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace mpctl {

std::unique_ptr<RecordingReader> open_recording(std::istream& in) {
    // One byte tells them apart (a stream may not seek back further):
    // the binary magic starts with 'M', a JSON Lines recording with '{'.
    auto first = in.peek();
    if (first == std::istream::traits_type::eof())
        throw Error(Exit::failure, "empty file: not an mpctl recording");
    if (first == recording_magic[0])
        return open_binary_recording(in);
    if (first == '{' || first == ' ' || first == '\n' || first == '\t' || first == '\r')
        return open_json_lines_recording(in);
    throw Error(Exit::failure,
                fmt::format("byte 0: not an mpctl recording (it starts with {:#04x}, "
                            "neither 'M' of the binary magic MPMONREC nor '{{' "
                            "of JSON Lines)",
                            static_cast<unsigned>(first)));
}

std::string utc_time(std::int64_t realtime_ns) {
    std::chrono::sys_seconds t{std::chrono::seconds(realtime_ns / 1'000'000'000)};
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

} // namespace mpctl
