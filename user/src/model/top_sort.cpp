// SPDX-License-Identifier: GPL-2.0
#include "model/top_sort.hpp"

#include <array>
#include <utility>

namespace mpctl {

namespace {

constexpr std::array<std::pair<TopSort, std::string_view>, 6> keys = {{
    {TopSort::calls, "calls"},
    {TopSort::pages, "pages"},
    {TopSort::moved, "moved"},
    {TopSort::failed, "failed"},
    {TopSort::errors, "errors"},
    {TopSort::time, "time"},
}};

} // namespace

std::string_view top_sort_name(TopSort key) noexcept {
    for (const auto& [k, name] : keys)
        if (k == key)
            return name;
    return "calls";
}

std::string top_sort_names() {
    std::string out;
    for (const auto& [k, name] : keys) {
        if (!out.empty())
            out += ", ";
        out += name;
    }
    return out;
}

std::optional<TopSort> parse_top_sort(std::string_view name) noexcept {
    for (const auto& [k, n] : keys)
        if (n == name)
            return k;
    return std::nullopt;
}

} // namespace mpctl
