// SPDX-License-Identifier: GPL-2.0
#include "model/decode.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <fmt/format.h>
#include <linux/mempolicy.h>
#include <optional>
#include <string_view>

namespace mpctl {

std::string errno_name(int err) {
    const char* name = err > 0 ? ::strerrorname_np(err) : nullptr;
    return name ? name : fmt::format("E{}", err);
}

std::string errno_text(int err) {
    const char* text = err > 0 ? ::strerrordesc_np(err) : nullptr;
    return text ? text : fmt::format("Unknown error {}", err);
}

namespace {
// -value without overflow: unsigned arithmetic is modular, and the result is
// the magnitude of every negative value, INT64_MIN's too.
std::uint64_t magnitude(std::int64_t value) {
    return std::uint64_t{0} - static_cast<std::uint64_t>(value);
}
} // namespace

std::string neg_errno_name(std::int64_t value) {
    auto err = magnitude(value);
    return err <= INT_MAX ? errno_name(static_cast<int>(err)) : fmt::format("E{}", err);
}

std::string neg_errno_text(std::int64_t value) {
    auto err = magnitude(value);
    return err <= INT_MAX ? errno_text(static_cast<int>(err))
                          : fmt::format("Unknown error {}", err);
}

namespace {
// Indexed by enum mpmon_page_err; the kernel classifies with the same list.
constexpr std::array<int, MPMON_PERR_NR> page_errnos = {EACCES, EBUSY,  EFAULT, EIO,
                                                        EINVAL, ENOENT, ENOMEM, 0};
} // namespace

int page_err_errno(unsigned cls) {
    return cls < page_errnos.size() ? page_errnos[cls] : 0;
}

std::string page_err_name(unsigned cls) {
    int err = page_err_errno(cls);
    return err ? errno_name(err) : "other";
}

std::string flags_name(std::uint32_t flags) {
    if (flags == 0)
        return "0";
    std::string out;
    auto add = [&out](std::string_view part) {
        if (!out.empty())
            out += '|';
        out += part;
    };
    if (flags & MPOL_MF_MOVE)
        add("MPOL_MF_MOVE");
    if (flags & MPOL_MF_MOVE_ALL)
        add("MPOL_MF_MOVE_ALL");
    std::uint32_t rest = flags & ~static_cast<std::uint32_t>(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL);
    if (rest)
        add(fmt::format("{:#x}", rest));
    return out;
}

namespace {
struct Name {
    std::uint32_t value;
    const char* name;
};

// The name of value in table, or fallback formatted with the value.
template <std::size_t N>
std::string lookup(std::uint32_t value, const std::array<Name, N>& table,
                   std::string_view fallback) {
    for (const auto& entry : table)
        if (entry.value == value)
            return entry.name;
    return fmt::format(fmt::runtime(fallback), value);
}

// The value of a name lookup() made from fallback ("mode{}" -> "mode7"):
// decimal digits between the text before and after "{}", nothing else.
std::optional<std::uint32_t> fallback_value(std::string_view name, std::string_view fallback) {
    auto hole = fallback.find("{}");
    auto prefix = fallback.substr(0, hole);
    auto suffix = fallback.substr(hole + 2);
    if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
        !name.ends_with(suffix))
        return std::nullopt;
    auto digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return value;
}

// The value named name in table or by fallback (the inverse of lookup).
template <std::size_t N>
std::optional<std::uint32_t> value_of(std::string_view name, const std::array<Name, N>& table,
                                      std::string_view fallback) {
    for (const auto& entry : table)
        if (name == entry.name)
            return entry.value;
    return fallback_value(name, fallback);
}

// A value of no name: "unknown" for the ABI's own unknown (0), else with
// its number, so that it reads back.
constexpr std::string_view unnamed = "unknown({})";

constexpr std::array<Name, 2> modes = {{{MPMON_MODE_MOVE, "move"}, {MPMON_MODE_QUERY, "query"}}};
constexpr std::array<Name, 4> arches = {{{MPMON_ARCH_PPC64, "ppc64"},
                                         {MPMON_ARCH_PPC64LE, "ppc64le"},
                                         {MPMON_ARCH_X86_64, "x86_64"},
                                         {MPMON_ARCH_ARM64, "arm64"}}};
constexpr std::array<Name, 4> mmus = {{{MPMON_MMU_HASH, "hash"},
                                       {MPMON_MMU_RADIX, "radix"},
                                       {MPMON_MMU_X86_PAGING, "x86_64"},
                                       {MPMON_MMU_OTHER, "other"}}};
constexpr std::array<Name, 3> platforms = {{{MPMON_PLATFORM_LPAR, "lpar"},
                                            {MPMON_PLATFORM_POWERNV, "powernv"},
                                            {MPMON_PLATFORM_OTHER, "other"}}};
constexpr std::array<Name, 3> events_modes = {
    {{MPMON_EVENTS_NEVER, "never"}, {MPMON_EVENTS_AUTO, "auto"}, {MPMON_EVENTS_ALWAYS, "always"}}};
constexpr std::array<Name, 2> sources = {
    {{MPMON_STATUS_STORE_PROBE, "store_status probe"}, {MPMON_STATUS_READBACK, "readback"}}};
} // namespace

constexpr std::string_view unnamed_mode = "mode{}";

std::string mode_name(std::uint32_t mode) {
    return lookup(mode, modes, unnamed_mode);
}

std::string status_key(std::int32_t status) {
    return status >= 0 ? fmt::format("node{}", status) : neg_errno_name(status);
}

std::string arch_name(std::uint32_t arch) {
    return lookup(arch, arches, unnamed);
}

std::string status_source_name(std::uint32_t source) {
    return lookup(source, sources, unnamed);
}

std::string events_mode_name(std::uint32_t mode) {
    return lookup(mode, events_modes, unnamed);
}

std::string mmu_name(std::uint32_t mmu) {
    return mmu == MPMON_MMU_UNKNOWN ? "unknown" : lookup(mmu, mmus, unnamed);
}

std::string hcall_name(unsigned slot) {
    switch (slot) {
    case MPMON_HCALL_REMOVE:
        return "H_REMOVE";
    case MPMON_HCALL_BULK_REMOVE:
        return "H_BULK_REMOVE";
    case MPMON_HCALL_PROTECT:
        return "H_PROTECT";
    case MPMON_HCALL_RPT_INVALIDATE:
        return "H_RPT_INVALIDATE";
    default:
        return "";
    }
}

std::string platform_kind(std::uint32_t platform) {
    return platform == MPMON_PLATFORM_UNKNOWN ? "unknown" : lookup(platform, platforms, unnamed);
}

std::optional<std::uint32_t> mode_value(std::string_view name) {
    return value_of(name, modes, unnamed_mode);
}

std::optional<std::uint32_t> arch_value(std::string_view name) {
    return value_of(name, arches, unnamed);
}

std::optional<std::uint32_t> status_source_value(std::string_view name) {
    return value_of(name, sources, unnamed);
}

std::optional<std::uint32_t> events_mode_value(std::string_view name) {
    return value_of(name, events_modes, unnamed);
}

std::optional<std::uint32_t> mmu_value(std::string_view name) {
    if (name == "unknown")
        return MPMON_MMU_UNKNOWN;
    return value_of(name, mmus, unnamed);
}

std::optional<std::uint32_t> platform_value(std::string_view name) {
    if (name == "unknown")
        return MPMON_PLATFORM_UNKNOWN;
    return value_of(name, platforms, unnamed);
}

std::vector<std::uint64_t> page_size_list(std::uint64_t mask) {
    std::vector<std::uint64_t> sizes;
    for (unsigned k = 0; k < 64; ++k)
        if (mask & (std::uint64_t{1} << k))
            sizes.push_back(std::uint64_t{1} << k);
    return sizes;
}

} // namespace mpctl
