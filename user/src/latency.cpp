// SPDX-License-Identifier: GPL-2.0
#include "latency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mpctl {

std::uint64_t bucket_low(std::size_t i) {
    return i == 0 ? 0 : std::uint64_t{1} << (i - 1);
}

std::uint64_t bucket_high(std::size_t i) {
    if (i >= 63)
        return std::numeric_limits<std::uint64_t>::max();
    return std::uint64_t{1} << i;
}

std::vector<LatencyBucket> nonempty_buckets(std::span<const Counter> hist) {
    std::vector<LatencyBucket> out;
    for (std::size_t i = 0; i < hist.size(); ++i)
        if (hist[i])
            out.push_back({bucket_low(i), bucket_high(i), hist[i]});
    return out;
}

std::uint64_t percentile(std::span<const Counter> hist, double p, std::uint64_t max_ns) {
    std::uint64_t total = 0;
    for (auto c : hist)
        total += c;
    if (total == 0)
        return 0;
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total)));
    rank = std::clamp<std::uint64_t>(rank, 1, total);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < hist.size(); ++i) {
        if (hist[i] == 0 || seen + hist[i] < rank) {
            seen += hist[i];
            continue;
        }
        // The rank-th sample is in bucket i: assume its samples spread evenly.
        double low = static_cast<double>(bucket_low(i));
        double high = static_cast<double>(std::min(bucket_high(i), max_ns + 1));
        double frac = static_cast<double>(rank - seen) / static_cast<double>(hist[i]);
        auto value = static_cast<std::uint64_t>(low + (std::max(high, low) - low) * frac);
        // high is exclusive: the sample is below it.
        value = std::min(value, static_cast<std::uint64_t>(std::max(high, low + 1)) - 1);
        return std::min(std::max(value, bucket_low(i)), max_ns);
    }
    return max_ns;
}

} // namespace mpctl
