// SPDX-License-Identifier: GPL-2.0
// Small text helpers for the human output.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace mpctl {

// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t n);
// A duration in ns with a unit: "850ns", "12.3us", "4.56ms", "1.20s".
std::string duration(std::uint64_t ns);
// A power of two as bpftrace labels it: 512, 1K, 2M, 4G ...
std::string pow2_label(std::uint64_t v);
// A bar of '@' proportional to value/max, width columns at most.
std::string bar(std::uint64_t value, std::uint64_t max, unsigned width);
// A fixed-size char array of the ABI (comm, symbol, ...) up to its first NUL.
template <std::size_t N> std::string from_field(const char (&field)[N]) {
    return std::string(field, strnlen(field, N));
}
// The inverse: text into field, cut to N - 1 bytes, NUL-padded.
template <std::size_t N> void to_field(char (&field)[N], std::string_view text) {
    std::memset(field, 0, N);
    std::memcpy(field, text.data(), std::min(text.size(), N - 1));
}

// A name from another process (comm) for a terminal: bytes outside
// printable ASCII as \xNN, as strace prints them, so a process cannot
// send escape sequences to the operator's terminal.
std::string printable(std::string_view text);

// parts joined with sep: {"a", "b"}, ", " -> "a, b".
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// A rate per second with one decimal, grouped: "1,234.5".
std::string rate(std::uint64_t count, double seconds);

} // namespace mpctl
