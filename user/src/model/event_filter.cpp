// SPDX-License-Identifier: GPL-2.0
#include "model/event_filter.hpp"

#include "common/text.hpp"

#include <algorithm>

namespace mpctl {

bool EventFilter::wanted(const mpmon_event& ev) const {
    if (tgid && ev.tgid != *tgid)
        return false;
    if (comm && from_field(ev.comm) != *comm)
        return false;
    if (errors_only && ev.ret == 0 &&
        std::ranges::none_of(ev.page_err, [](std::uint32_t n) { return n != 0; }))
        return false;
    return true;
}

} // namespace mpctl
