// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: any file given to mpctl report reads as a recording or
// fails with an Error naming the line, never a crash, another exception or
// undefined behaviour.
#include "common/error.hpp"
#include "model/aggregate.hpp"
#include "read_recording.hpp"
#include "recording/recording.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        auto rec = mpctl::read_recording(in);
        mpctl::Aggregate agg;
        for (const auto& ev : rec.events)
            agg.add(ev);
        (void)agg.view(rec.info);
    } catch (const mpctl::Error&) {
    }
    return 0;
}
