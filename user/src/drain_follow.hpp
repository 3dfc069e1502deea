// SPDX-License-Identifier: GPL-2.0
// The following drain (mpctl events --follow, mpctl record): a reader
// thread only takes events out of the ring, in batches, into a bounded
// queue; the calling thread consumes them (formats, writes) meanwhile.
#pragma once

#include "drain.hpp"

namespace mpctl {

// drain() with plan.follow.
DrainResult drain_following(Monitor& monitor, const Interrupt& interrupt, const DrainPlan& plan,
                            const BatchConsumer& consume);

} // namespace mpctl
