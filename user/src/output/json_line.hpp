// SPDX-License-Identifier: GPL-2.0
// One line of JSON, as every --json output of mpctl prints it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mpctl {

// j compact, with '\n'.  A comm is whatever bytes a process chose
// (prctl(PR_SET_NAME)): invalid UTF-8 becomes U+FFFD instead of an
// exception that would end mpctl.
std::string json_line(const nlohmann::ordered_json& j);

// The same line, appended to out.
void append_json_line(std::string& out, const nlohmann::ordered_json& j);

} // namespace mpctl
