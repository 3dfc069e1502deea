// SPDX-License-Identifier: GPL-2.0
// The JSON lines of mpctl events --json and mpctl record, json_line(
// event_json(ev)) byte for byte, batched in one reused buffer.  One
// nlohmann object is reused from line to line: its keys, arrays and strings
// keep their memory, so that a line costs little more than the dump().
#pragma once

#include <linux/mpmon.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mpctl {

class EventJsonLines {
public:
    // Appends the line of ev, '\n' included.
    void add(const mpmon_event& ev);
    // The lines added since the last clear().
    std::string_view text() const { return text_; }
    // Empties the buffer (keeping its memory for the next batch).
    void clear() noexcept { text_.clear(); }

private:
    nlohmann::ordered_json event_;
    std::string text_;
};

} // namespace mpctl
