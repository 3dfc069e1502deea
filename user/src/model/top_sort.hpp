// SPDX-License-Identifier: GPL-2.0
// The keys mpctl top (and report --view top) can rank processes by.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mpctl {

// Each ranks by its column, highest first; ties by calls, pages, time.
enum class TopSort { calls, pages, moved, failed, errors, time };

// "calls", "pages", ...: the name --sort takes.
std::string_view top_sort_name(TopSort key) noexcept;
// The names, for help and errors: "calls, pages, moved, failed, errors, time".
std::string top_sort_names();
// The key of a name, if it is one.
std::optional<TopSort> parse_top_sort(std::string_view name) noexcept;

} // namespace mpctl
