// SPDX-License-Identifier: GPL-2.0
#include "recording/json_field.hpp"

#include "common/text.hpp"

#include <charconv>
#include <fmt/format.h>

namespace mpctl {

std::invalid_argument field_error(std::string_view name, std::string_view what) {
    return std::invalid_argument(fmt::format("field '{}': {}", name, what));
}

std::string member_name(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string element_name(std::string_view parent, std::size_t index) {
    return fmt::format("{}[{}]", parent, index);
}

const nlohmann::json& json_member(const nlohmann::json& object, std::string_view parent,
                                  std::string_view key) {
    if (!object.is_object()) {
        if (parent.empty())
            throw std::invalid_argument("expected a JSON object, found " + json_excerpt(object));
        throw field_error(parent, "expected an object, found " + json_excerpt(object));
    }
    auto it = object.find(key);
    if (it == object.end())
        throw field_error(member_name(parent, key), "missing");
    return *it;
}

const nlohmann::json& json_element(const nlohmann::json& array, std::string_view parent,
                                   std::size_t index) {
    if (!array.is_array())
        throw field_error(parent, "expected an array, found " + json_excerpt(array));
    if (index >= array.size())
        throw field_error(element_name(parent, index), "missing");
    return array[index];
}

std::string json_excerpt(const nlohmann::json& value) {
    // A crafted value may be long: its start is enough to find it.
    constexpr std::size_t shown = 40;
    auto text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > shown)
        text = text.substr(0, shown) + "...";
    return text;
}

namespace {

// text as a terminal may show it, cut short.
std::string shown(std::string_view text) {
    constexpr std::size_t most = 40;
    return printable(text.substr(0, most)) + (text.size() > most ? "..." : "");
}

std::uint64_t number(std::string_view text, std::string_view digits, int base,
                     std::string_view name, const char* kind) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size())
        throw field_error(name, fmt::format("'{}' is not a {} number", shown(text), kind));
    if (ec == std::errc::result_out_of_range)
        throw field_error(name, fmt::format("'{}' is out of range", shown(text)));
    return value;
}

} // namespace

std::uint64_t hex_number(std::string_view text, std::string_view name) {
    auto digits = text;
    if (digits.starts_with("0x") || digits.starts_with("0X"))
        digits.remove_prefix(2);
    return number(text, digits, 16, name, "hexadecimal");
}

std::uint64_t decimal_number(std::string_view text, std::string_view name) {
    return number(text, text, 10, name, "decimal");
}

} // namespace mpctl
