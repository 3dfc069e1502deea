// SPDX-License-Identifier: GPL-2.0
// Reading back the JSON mpctl wrote (recordings, captures), field by
// field: anything missing, of another type, out of the range of its C
// type, or a malformed number in a string, is an error that names the
// field ("field 'pages[0]': '0xzz' is not a hexadecimal number"), not the
// JSON library's or std::stoull's ("stoull").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mpctl {

// "field 'NAME': WHAT".
std::invalid_argument field_error(std::string_view name, std::string_view what);

// The path of a member or an element: ("info", "mmu") -> "info.mmu",
// ("pages", 2) -> "pages[2]".
std::string member_name(std::string_view parent, std::string_view key);
std::string element_name(std::string_view parent, std::size_t index);

// value, named name, as T: bool, an integer type, double or std::string.
template <typename T> T json_as(const nlohmann::json& value, std::string_view name);

// The member key of object (named parent, "" at the top); it must exist.
const nlohmann::json& json_member(const nlohmann::json& object, std::string_view parent,
                                  std::string_view key);

// Element index of array (named parent); it must exist.
const nlohmann::json& json_element(const nlohmann::json& array, std::string_view parent,
                                   std::size_t index);

// json_as of a member.
template <typename T>
T json_field(const nlohmann::json& object, std::string_view parent, std::string_view key) {
    return json_as<T>(json_member(object, parent, key), member_name(parent, key));
}

// A number written as text: "0x7fff0000" (hexadecimal, "0x" optional),
// "1" (decimal).
std::uint64_t hex_number(std::string_view text, std::string_view name);
std::uint64_t decimal_number(std::string_view text, std::string_view name);

// Implementation of json_as.
std::string json_excerpt(const nlohmann::json& value);

template <typename T> T json_as(const nlohmann::json& value, std::string_view name) {
    if constexpr (std::is_same_v<T, bool>) {
        if (!value.is_boolean())
            throw field_error(name, "expected true or false, found " + json_excerpt(value));
        return value.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (!value.is_number_integer())
            throw field_error(name, "expected an integer, found " + json_excerpt(value));
        bool fits = value.is_number_unsigned() ? std::in_range<T>(value.get<std::uint64_t>())
                                               : std::in_range<T>(value.get<std::int64_t>());
        if (!fits)
            throw field_error(name, json_excerpt(value) + " is out of range");
        return value.get<T>();
    } else if constexpr (std::is_same_v<T, double>) {
        if (!value.is_number())
            throw field_error(name, "expected a number, found " + json_excerpt(value));
        return value.get<double>();
    } else {
        static_assert(std::is_same_v<T, std::string>);
        if (!value.is_string())
            throw field_error(name, "expected a string, found " + json_excerpt(value));
        return value.get<std::string>();
    }
}

} // namespace mpctl
