// SPDX-License-Identifier: GPL-2.0
#include "read_recording.hpp"

#include <cstddef>

namespace mpctl {

Recording read_recording(std::istream& in) {
    auto reader = open_recording(in);
    Recording r;
    std::vector<mpmon_event> buf(256);
    while (auto n = reader->read(buf))
        r.events.insert(r.events.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    r.header = reader->header();
    r.info = r.header.info;
    r.end = reader->end();
    r.warnings = reader->warnings();
    return r;
}

} // namespace mpctl
