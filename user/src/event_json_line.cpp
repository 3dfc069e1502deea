// SPDX-License-Identifier: GPL-2.0
#include "event_json_line.hpp"

#include "format_event.hpp"
#include "json_line.hpp"

namespace mpctl {

void EventJsonLines::add(const mpmon_event& ev) {
    assign_event_json(event_, ev);
    append_json_line(text_, event_);
}

} // namespace mpctl
