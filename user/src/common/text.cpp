// SPDX-License-Identifier: GPL-2.0
#include "common/text.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <string>

namespace mpctl {

std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

std::string duration(std::uint64_t ns) {
    if (ns < 1000)
        return fmt::format("{}ns", ns);
    auto d = static_cast<double>(ns);
    struct Unit {
        double ns;
        const char* name;
    };
    for (auto unit : {Unit{1e3, "us"}, Unit{1e6, "ms"}}) {
        // Three digits: what rounds to 1000 of a unit (999.5us) is shown
        // in the next one, as 1000 itself is.
        auto digits = fmt::format("{:.3g}", d / unit.ns);
        if (std::stod(digits) < 1000)
            return digits + unit.name;
    }
    return fmt::format("{:.2f}s", d / 1e9);
}

std::string pow2_label(std::uint64_t v) {
    if (v == std::numeric_limits<std::uint64_t>::max())
        return "...";
    static constexpr const char* units[] = {"", "K", "M", "G", "T", "P", "E"};
    unsigned u = 0;
    while (v >= 1024 && v % 1024 == 0 && u < 6) {
        v /= 1024;
        ++u;
    }
    return fmt::format("{}{}", v, units[u]);
}

std::string bar(std::uint64_t value, std::uint64_t max, unsigned width) {
    if (max == 0)
        return {};
    auto n =
        static_cast<std::size_t>(static_cast<double>(value) * width / static_cast<double>(max));
    if (n == 0 && value)
        n = 1;
    return std::string(n, '@');
}

std::string rate(std::uint64_t count, double seconds) {
    if (seconds <= 0)
        return "-";
    double r = static_cast<double>(count) / seconds;
    auto whole = static_cast<std::uint64_t>(r);
    auto tenth = static_cast<unsigned>(std::lround((r - static_cast<double>(whole)) * 10));
    if (tenth == 10) {
        ++whole;
        tenth = 0;
    }
    return fmt::format("{}.{}", grouped(whole), tenth);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty())
            out.append(sep);
        out.append(part);
    }
    return out;
}

std::string printable(std::string_view text) {
    std::string out;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7f || c == '\\')
            out += fmt::format("\\x{:02x}", c);
        else
            out += ch;
    }
    return out;
}

} // namespace mpctl
