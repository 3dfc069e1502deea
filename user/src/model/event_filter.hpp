// SPDX-License-Identifier: GPL-2.0
// Which events mpctl prints: --tgid, --comm and --errors of mpctl events
// and of mpctl report --events, applied after the ring (unlike mpctl
// filter, which the kernel applies before).
#pragma once

#include <linux/mpmon.h>

#include <cstdint>
#include <optional>
#include <string>

namespace mpctl {

struct EventFilter {
    std::optional<std::uint32_t> tgid;
    std::optional<std::string> comm;
    bool errors_only = false; // calls that returned an error or left pages behind

    bool wanted(const mpmon_event& ev) const;
};

} // namespace mpctl
