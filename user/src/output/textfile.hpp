// SPDX-License-Identifier: GPL-2.0
// Replacing a file so that readers see the old or the new one, never half
// of one: node_exporter's textfile collector reads DIR/*.prom at any time.
#pragma once

#include <string>
#include <string_view>

namespace mpctl {

// Writes content to dir/.name.<pid>.tmp, fsyncs it, renames it over
// dir/name.  Throws Error (Exit::failure) with the path and the reason; the
// temporary file is removed on failure.
void replace_file(const std::string& dir, const std::string& name, std::string_view content);

} // namespace mpctl
