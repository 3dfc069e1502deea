// SPDX-License-Identifier: GPL-2.0
// mpctl top and report --view top: the ranked callers and targets, as text
// and JSON.
#pragma once

#include "model/top.hpp"
#include "model/top_sort.hpp"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>

namespace mpctl {

void print_top(std::ostream& out, const TopTable& table, std::uint64_t lost, std::size_t limit,
               TopSort key = TopSort::calls);
nlohmann::ordered_json top_json(const TopTable& table, std::uint64_t lost, std::size_t limit,
                                TopSort key = TopSort::calls);

} // namespace mpctl
