// SPDX-License-Identifier: GPL-2.0
#include "drain.hpp"

#include <algorithm>
#include <vector>

namespace mpctl {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The longest single wait: a following reader looks up at least this often.
constexpr milliseconds max_wait(1000);

} // namespace

DrainResult drain(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                  const BatchConsumer& consume) {
    DrainResult result;
    std::vector<mpmon_event> buf(drain_batch);
    std::optional<std::uint64_t> first_lost;
    while (!plan.limit || result.counted < *plan.limit) {
        std::size_t want = buf.size();
        if (plan.limit)
            want = static_cast<std::size_t>(
                std::min<std::uint64_t>(want, *plan.limit - result.counted));
        auto r = monitor.read_events(std::span(buf.data(), want));
        if (!first_lost)
            first_lost = r.lost;
        result.lost = r.lost;
        result.read += r.count;
        auto done = consume(std::span<const mpmon_event>(buf.data(), r.count));
        result.counted += done.counted;
        if (done.stop) {
            result.stopped = true;
            break;
        }
        if (r.count == want)
            continue;
        if (!plan.follow)
            break;
        auto wait = max_wait;
        if (plan.deadline) {
            auto now = steady_clock::now();
            if (now >= *plan.deadline)
                break;
            auto left = std::chrono::duration_cast<milliseconds>(*plan.deadline - now);
            wait = std::min(max_wait, left + milliseconds(1));
        }
        if (monitor.wait_events(wait, interrupt) == Wait::interrupted)
            break;
    }
    result.dropped = result.lost - first_lost.value_or(result.lost);
    return result;
}

} // namespace mpctl
