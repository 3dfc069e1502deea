// SPDX-License-Identifier: GPL-2.0
#include "drain.hpp"

#include "drain_follow.hpp"

#include <algorithm>
#include <vector>

namespace mpctl {

void ReadTally::add(const ReadResult& r) {
    if (!first_lost_)
        first_lost_ = r.lost;
    lost_ = r.lost;
    read_ += r.count;
}

void ReadTally::fill(DrainResult& result) const {
    result.read = read_;
    result.lost = lost_;
    result.dropped = lost_ - first_lost_.value_or(lost_);
}

DrainResult drain(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                  const BatchConsumer& consume) {
    if (plan.follow)
        return drain_following(monitor, interrupt, plan, consume);
    // Once through the ring, reading and consuming in turn.
    DrainResult result;
    ReadTally tally;
    std::vector<mpmon_event> buf(drain_batch);
    while (!plan.limit || result.counted < *plan.limit) {
        std::size_t want = buf.size();
        if (plan.limit)
            want = static_cast<std::size_t>(
                std::min<std::uint64_t>(want, *plan.limit - result.counted));
        auto r = monitor.read_events(std::span(buf.data(), want));
        tally.add(r);
        auto done = consume(std::span<const mpmon_event>(buf.data(), r.count));
        result.counted += done.counted;
        if (done.stop) {
            result.stopped = true;
            break;
        }
        if (r.count < want)
            break;
    }
    tally.fill(result);
    return result;
}

} // namespace mpctl
