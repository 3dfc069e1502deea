// SPDX-License-Identifier: GPL-2.0
// What the command files share: output helpers and the commands that live
// in files of their own (events and top; record and report).
#pragma once

#include "commands/commands.hpp"
#include "common/interrupt.hpp"
#include "output/json_line.hpp"

#include <chrono>
#include <ostream>
#include <string_view>

namespace mpctl {

inline std::chrono::milliseconds to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long>(seconds * 1000.0));
}

// After writing: a reader that went away (mpctl ... | head) ends mpctl quietly.
inline bool output_gone(std::ostream& out) {
    out.flush();
    return !out.good();
}

inline void write(std::ostream& out, std::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

inline void print_json(std::ostream& out, const nlohmann::ordered_json& j) {
    out << json_line(j);
}

// Waits up to timeout for Ctrl-C; false if it came.
inline bool pause(Context& ctx, std::chrono::milliseconds timeout) {
    return sleep_unless_interrupted(ctx.interrupt, timeout);
}

Exit cmd_events(const Options& o, Context& ctx); // commands_events.cpp
Exit cmd_top(const Options& o, Context& ctx);    // commands_events.cpp
Exit cmd_record(const Options& o, Context& ctx); // commands_recording.cpp

} // namespace mpctl
