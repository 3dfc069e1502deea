// SPDX-License-Identifier: GPL-2.0
#include "json_line.hpp"

namespace mpctl {

std::string json_line(const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + '\n';
}

} // namespace mpctl
