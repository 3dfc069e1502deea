// SPDX-License-Identifier: GPL-2.0
#include "decode.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <linux/mempolicy.h>

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

std::string mode_name(std::uint32_t mode) {
    switch (mode) {
    case MPMON_MODE_MOVE:
        return "move";
    case MPMON_MODE_QUERY:
        return "query";
    default:
        return fmt::format("mode{}", mode);
    }
}

std::string status_key(std::int32_t status) {
    return status >= 0 ? fmt::format("node{}", status) : errno_name(-status);
}

std::string arch_name(std::uint32_t arch) {
    switch (arch) {
    case MPMON_ARCH_PPC64:
        return "ppc64";
    case MPMON_ARCH_PPC64LE:
        return "ppc64le";
    case MPMON_ARCH_X86_64:
        return "x86_64";
    case MPMON_ARCH_ARM64:
        return "arm64";
    default:
        return fmt::format("unknown({})", arch);
    }
}

std::string status_source_name(std::uint32_t source) {
    switch (source) {
    case MPMON_STATUS_STORE_PROBE:
        return "store_status probe";
    case MPMON_STATUS_READBACK:
        return "readback";
    default:
        return fmt::format("unknown({})", source);
    }
}

} // namespace mpctl
