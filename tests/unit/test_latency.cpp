// SPDX-License-Identifier: GPL-2.0
#include "model/latency.hpp"

#include "common/text.hpp"
#include <linux/mpmon.h>

#include <algorithm>
#include <bit>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace mpctl;

namespace {
// The kernel's bucketing: fls64(ns), clamped to the last bucket.
std::size_t kernel_bucket(std::uint64_t ns) {
    return std::min<std::size_t>(static_cast<std::size_t>(std::bit_width(ns)),
                                 MPMON_LAT_BUCKETS - 1);
}

std::vector<Counter> histogram(const std::vector<std::uint64_t>& samples) {
    std::vector<Counter> h(MPMON_LAT_BUCKETS);
    for (auto s : samples)
        ++h[kernel_bucket(s)];
    return h;
}

// The exact percentile of the samples: the rank ceil(p/100 n) one.
std::uint64_t exact(std::vector<std::uint64_t> samples, double p) {
    std::sort(samples.begin(), samples.end());
    auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
    return samples[std::max<std::size_t>(rank, 1) - 1];
}
} // namespace

TEST(Latency, BucketBoundsMatchFls64) {
    for (std::uint64_t ns : {0ULL, 1ULL, 2ULL, 3ULL, 1000ULL, 1023ULL, 1024ULL, 123456789ULL}) {
        auto b = kernel_bucket(ns);
        EXPECT_LE(bucket_low(b), ns) << ns;
        EXPECT_LT(ns, bucket_high(b)) << ns;
    }
    EXPECT_EQ(bucket_low(0), 0u);
    EXPECT_EQ(bucket_high(0), 1u);
    EXPECT_EQ(bucket_high(MPMON_LAT_BUCKETS - 1), std::numeric_limits<std::uint64_t>::max());
}

TEST(Latency, EmptyHistogram) {
    std::vector<Counter> h(MPMON_LAT_BUCKETS);
    EXPECT_EQ(percentile(h, 50, 0), 0u);
    EXPECT_TRUE(nonempty_buckets(h).empty());
}

TEST(Latency, PercentilesFallInTheBucketOfTheExactValue) {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> dist(11.0, 1.5); // ~60us median, long tail
    for (int round = 0; round < 20; ++round) {
        std::vector<std::uint64_t> samples(static_cast<std::size_t>(1 + round * 97));
        for (auto& s : samples)
            s = static_cast<std::uint64_t>(dist(rng));
        auto h = histogram(samples);
        auto max = *std::max_element(samples.begin(), samples.end());
        for (double p : {50.0, 90.0, 99.0, 100.0}) {
            auto want = exact(samples, p);
            auto got = percentile(h, p, max);
            auto b = kernel_bucket(want);
            EXPECT_GE(got, bucket_low(b)) << "p" << p << " round " << round;
            EXPECT_LT(got, bucket_high(b)) << "p" << p << " round " << round;
            EXPECT_LE(got, max);
        }
    }
}

TEST(Latency, SingleSampleIsNeverAboveMax) {
    auto h = histogram({5000});
    EXPECT_EQ(percentile(h, 99, 5000), 5000u);
    EXPECT_GE(percentile(h, 50, 5000), 4096u);
}

// The last bucket reaches UINT64_MAX: a value interpolated there is near
// 2^64 as a double, which no uint64_t holds (the cast is undefined).
TEST(Latency, PercentilesNearTwoToThe64) {
    constexpr auto top = std::numeric_limits<std::uint64_t>::max();
    auto h = histogram({top - 1});
    EXPECT_EQ(percentile(h, 100, top - 1), top - 1);
    EXPECT_EQ(percentile(h, 50, top - 1), top - 1);
    h = histogram({std::uint64_t{1} << 62, top, top});
    EXPECT_EQ(percentile(h, 100, top), top);
    EXPECT_GE(percentile(h, 10, top), std::uint64_t{1} << 62);
}

TEST(Latency, NonemptyBuckets) {
    auto h = histogram({0, 1, 1500, 1600, 1 << 20});
    auto b = nonempty_buckets(h);
    ASSERT_EQ(b.size(), 4u);
    EXPECT_EQ(b[0].low, 0u);
    EXPECT_EQ(b[1].low, 1u);
    EXPECT_EQ(b[2].low, 1024u);
    EXPECT_EQ(b[2].high, 2048u);
    EXPECT_EQ(b[2].count, 2u);
    EXPECT_EQ(b[3].low, 1u << 20);
}

TEST(Text, Helpers) {
    EXPECT_EQ(grouped(0), "0");
    EXPECT_EQ(grouped(999), "999");
    EXPECT_EQ(grouped(1000), "1,000");
    EXPECT_EQ(grouped(1234567), "1,234,567");
    EXPECT_EQ(duration(850), "850ns");
    EXPECT_EQ(duration(12345), "12.3us");
    EXPECT_EQ(duration(4560000), "4.56ms");
    EXPECT_EQ(duration(1200000000), "1.20s");
    EXPECT_EQ(pow2_label(512), "512");
    EXPECT_EQ(pow2_label(1024), "1K");
    EXPECT_EQ(pow2_label(1 << 21), "2M");
    EXPECT_EQ(bar(0, 10, 40), "");
    EXPECT_EQ(bar(10, 10, 40), std::string(40, '@'));
    EXPECT_EQ(bar(1, 1000, 40), "@");
    EXPECT_EQ(rate(15, 2.0), "7.5");
    EXPECT_EQ(rate(12345, 1.0), "12,345.0");
    EXPECT_EQ(rate(1, 0), "-");
}

// A duration that rounds to 1000 of a unit is shown in the next unit, as
// the round value itself is: never "1e+03us".
TEST(Text, DurationRollsOverToTheNextUnit) {
    EXPECT_EQ(duration(999499), "999us");
    EXPECT_EQ(duration(999500), duration(1000000));
    EXPECT_EQ(duration(999990), duration(1000000));
    EXPECT_EQ(duration(999500000), duration(1000000000));
    EXPECT_EQ(duration(999990000), duration(1000000000));
    // Every duration: a plain number below 1000 and a unit.
    for (std::uint64_t ns = 1; ns < 3000000000; ns += ns / 997 + 1) {
        auto text = duration(ns);
        auto digits = text.find_first_not_of("0123456789.");
        ASSERT_NE(digits, 0u) << ns << ": " << text;
        EXPECT_LT(std::stod(text.substr(0, digits)), 1000.0) << ns << ": " << text;
        std::string unit = text.substr(digits);
        EXPECT_TRUE(unit == "ns" || unit == "us" || unit == "ms" || unit == "s")
            << ns << ": " << text;
    }
}
