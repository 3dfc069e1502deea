// SPDX-License-Identifier: GPL-2.0
#include "output/event_json_line.hpp"

#include "output/format_event.hpp"
#include "output/json_line.hpp"

namespace mpctl {

void EventJsonLines::add(const mpmon_event& ev) {
    assign_event_json(event_, ev);
    append_json_line(text_, event_);
}

} // namespace mpctl
