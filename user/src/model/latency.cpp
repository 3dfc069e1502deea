// SPDX-License-Identifier: GPL-2.0
#include "model/latency.hpp"

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

namespace {

// A non-negative double as an integer, saturating at UINT64_MAX: the cast of
// 2^64 or more is undefined, and a double near UINT64_MAX rounds to 2^64.
std::uint64_t saturated_u64(double d) {
    constexpr double two_to_64 = 18446744073709551616.0;
    if (!(d > 0))
        return 0;
    return d >= two_to_64 ? std::numeric_limits<std::uint64_t>::max()
                          : static_cast<std::uint64_t>(d);
}

} // namespace

std::uint64_t percentile(std::span<const Counter> hist, double p, std::uint64_t max_ns) {
    std::uint64_t total = 0;
    for (auto c : hist)
        total += c;
    if (total == 0)
        return 0;
    auto rank = saturated_u64(std::ceil(p / 100.0 * static_cast<double>(total)));
    rank = std::clamp<std::uint64_t>(rank, 1, total);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < hist.size(); ++i) {
        if (hist[i] == 0 || seen + hist[i] < rank) {
            seen += hist[i];
            continue;
        }
        // The rank-th sample is in bucket i: assume its samples spread evenly.
        // high is exclusive, but for the last bucket, which goes on to
        // UINT64_MAX: the sample is at most last.
        auto high = bucket_high(i);
        auto last =
            high == std::numeric_limits<std::uint64_t>::max() ? max_ns : std::min(max_ns, high - 1);
        last = std::max(last, bucket_low(i));
        double low = static_cast<double>(bucket_low(i));
        double span = static_cast<double>(last - bucket_low(i)) + 1;
        double frac = static_cast<double>(rank - seen) / static_cast<double>(hist[i]);
        auto value = saturated_u64(low + span * frac);
        return std::min(std::clamp(value, bucket_low(i), last), max_ns);
    }
    return max_ns;
}

} // namespace mpctl
