// SPDX-License-Identifier: GPL-2.0
// The log2 latency histogram of mpmon_stats: bucket bounds and percentiles.
#pragma once

#include <linux/types.h>

#include <cstdint>
#include <span>
#include <vector>

namespace mpctl {

// The kernel's counter type: unsigned long long or unsigned long depending
// on the architecture's uapi headers, 64 bits everywhere.
using Counter = __u64;

struct LatencyBucket {
    std::uint64_t low;  // ns, inclusive
    std::uint64_t high; // ns, exclusive (UINT64_MAX for the last bucket)
    std::uint64_t count;
};

// Bucket i holds 2^(i-1) <= ns < 2^i (bucket 0: ns == 0), as fls64() sorts them.
std::uint64_t bucket_low(std::size_t i);
std::uint64_t bucket_high(std::size_t i);

// The non-empty buckets, lowest first.
std::vector<LatencyBucket> nonempty_buckets(std::span<const Counter> hist);

// The p-th percentile (0 < p <= 100) in ns: the bucket holding the sample of
// rank ceil(p/100 * n), interpolated linearly inside it, never above max_ns.
// 0 for an empty histogram.
std::uint64_t percentile(std::span<const Counter> hist, double p, std::uint64_t max_ns);

} // namespace mpctl
