// SPDX-License-Identifier: GPL-2.0
// The JSON lines of mpctl events --json and mpctl record, written straight
// into one reused buffer with RapidJSON's Writer instead of building an
// nlohmann object per event: byte for byte json_line(event_json(ev)), in a
// fraction of the time (the follower keeps up with the ring for longer).
#pragma once

#include <linux/mpmon.h>

#include <memory>
#include <string_view>

namespace mpctl {

class EventJsonLines {
public:
    EventJsonLines();
    ~EventJsonLines();
    EventJsonLines(const EventJsonLines&) = delete;
    EventJsonLines& operator=(const EventJsonLines&) = delete;

    // Appends the line of ev, '\n' included.
    void add(const mpmon_event& ev);
    // The lines added since the last clear().
    std::string_view text() const;
    // Empties the buffer (keeping its memory for the next batch).
    void clear() noexcept;

private:
    struct Buffer;
    std::unique_ptr<Buffer> buf_;
};

} // namespace mpctl
