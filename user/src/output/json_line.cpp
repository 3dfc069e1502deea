// SPDX-License-Identifier: GPL-2.0
#include "output/json_line.hpp"

namespace mpctl {

std::string json_line(const nlohmann::ordered_json& j) {
    std::string line;
    append_json_line(line, j);
    return line;
}

void append_json_line(std::string& out, const nlohmann::ordered_json& j) {
    out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out += '\n';
}

} // namespace mpctl
