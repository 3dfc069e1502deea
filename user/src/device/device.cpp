// SPDX-License-Identifier: GPL-2.0
#include "device/device.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

namespace mpctl {

namespace {

bool is_mpmon_module(const std::string& name) {
    for (const char* file : {"mpmon.ko", "mpmon.ko.xz", "mpmon.ko.gz", "mpmon.ko.zst"})
        if (name == file)
            return true;
    return false;
}

// What modprobe would look in: the modules of the running kernel.
std::string running_kernel_modules() {
    struct utsname u {};
    if (::uname(&u) != 0)
        return {};
    return std::string("/lib/modules/") + u.release;
}

} // namespace

std::string load_hint(const std::string& modules_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // Errors (no such directory, a subdirectory we may not read) end or
    // skip the search, never mpctl: this is only advice.
    for (fs::recursive_directory_iterator
             it(modules_dir, fs::directory_options::skip_permission_denied, ec),
         end;
         !ec && it != end; it.increment(ec)) {
        if (is_mpmon_module(it->path().filename().string()))
            return "Load it with: sudo modprobe mpmon";
    }
    return "Load it with: sudo insmod kmod/mpmon.ko in the mpmon source tree, after make "
           "(it is not installed for this kernel)";
}

Error open_error(const std::string& path, int err) {
    switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return Error(Exit::not_loaded,
                     fmt::format("{}: {}: mpmon is not loaded.\n  {}", path, std::strerror(err),
                                 load_hint(running_kernel_modules())));
    case EACCES:
    case EPERM:
        return Error(Exit::permission, fmt::format("{}: {}: mpctl needs root or CAP_PERFMON "
                                                   "(events show other processes' addresses)",
                                                   path, std::strerror(err)));
    default:
        return Error(Exit::failure, fmt::format("{}: {}", path, std::strerror(err)));
    }
}

void check_abi(const mpmon_version& module) {
    if (module.major != MPMON_ABI_MAJOR)
        throw Error(Exit::abi,
                    fmt::format("ABI mismatch: the loaded mpmon module speaks ABI {}.{}, "
                                "this mpctl was built for ABI {}.{}; "
                                "use the mpctl built with the module",
                                module.major, module.minor, MPMON_ABI_MAJOR, MPMON_ABI_MINOR));
}

Device::Device(const std::string& path) : path_(path) {
    fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd_)
        throw open_error(path, errno);
    if (::ioctl(fd_.get(), MPMON_IOC_GET_VERSION, &version_) != 0) {
        int err = errno;
        if (err == ENOTTY || err == EINVAL)
            throw Error(Exit::abi, fmt::format("{}: not an mpmon device (GET_VERSION: {})", path,
                                               std::strerror(err)));
        if (err == EPERM || err == EACCES)
            throw open_error(path, err);
        throw Error(Exit::failure, fmt::format("{}: GET_VERSION: {}", path, std::strerror(err)));
    }
    check_abi(version_);
}

void Device::ioctl_or_throw(unsigned long request, void* arg, const char* what) const {
    if (::ioctl(fd_.get(), request, arg) == 0)
        return;
    int err = errno;
    if (err == EPERM || err == EACCES)
        throw open_error(path_, err);
    throw Error(Exit::failure, fmt::format("{}: {}: {}", path_, what, std::strerror(err)));
}

mpmon_info Device::info() {
    mpmon_info info{};
    info.size = sizeof(info);
    ioctl_or_throw(MPMON_IOC_GET_INFO, &info, "GET_INFO");
    if (info.size < MPMON_INFO_SIZE_VER0)
        throw Error(Exit::abi, fmt::format("{}: GET_INFO filled {} bytes, expected at least {}",
                                           path_, info.size, MPMON_INFO_SIZE_VER0));
    return info;
}

mpmon_stats Device::get_stats(std::uint32_t flags) {
    mpmon_stats stats{};
    stats.size = sizeof(stats);
    stats.flags = flags;
    ioctl_or_throw(MPMON_IOC_GET_STATS, &stats, "GET_STATS");
    if (stats.size < MPMON_STATS_SIZE_VER0)
        throw Error(Exit::abi, fmt::format("{}: GET_STATS filled {} bytes, expected at least {}",
                                           path_, stats.size, MPMON_STATS_SIZE_VER0));
    return stats;
}

mpmon_stats Device::stats() {
    return get_stats(0);
}

mpmon_stats Device::stats_and_reset() {
    if (version_.minor >= 1)
        return get_stats(MPMON_STATS_RESET);
    // ABI 1.0 modules have no atomic read-and-reset: read, then RESET
    // (which also empties the ring there).
    auto stats = get_stats(0);
    reset();
    return stats;
}

ReadResult Device::read_events(std::span<mpmon_event> buf) {
    mpmon_read_events req{};
    req.buf = reinterpret_cast<std::uintptr_t>(buf.data());
    req.max = static_cast<std::uint32_t>(buf.size());
    req.event_size = sizeof(mpmon_event);
    ioctl_or_throw(MPMON_IOC_READ_EVENTS, &req, "READ_EVENTS");
    return {req.count, req.lost};
}

Wait Device::wait_events(std::chrono::milliseconds timeout, const Interrupt& intr) {
    pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {intr.fd(), POLLIN, 0}};
    nfds_t n = intr.fd() >= 0 ? 2 : 1;
    int rc = ::poll(fds, n, static_cast<int>(timeout.count()));
    if (rc < 0) {
        if (errno == EINTR)
            return Wait::timeout;
        throw Error(Exit::failure, fmt::format("{}: poll: {}", path_, std::strerror(errno)));
    }
    if (n == 2 && (fds[1].revents & POLLIN) && intr.fired())
        return Wait::interrupted;
    if (fds[0].revents & POLLIN)
        return Wait::readable;
    if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
        throw Error(Exit::failure, fmt::format("{}: poll reported an error", path_));
    return Wait::timeout;
}

void Device::set_wakeup(const mpmon_wakeup& wakeup) {
    if (version_.minor < 3)
        return;
    mpmon_wakeup copy = wakeup;
    ioctl_or_throw(MPMON_IOC_SET_WAKEUP, &copy, "SET_WAKEUP");
}

void Device::reset() {
    ioctl_or_throw(MPMON_IOC_RESET, nullptr, "RESET");
}

void Device::set_enabled(bool on) {
    std::uint32_t value = on ? 1 : 0;
    ioctl_or_throw(MPMON_IOC_SET_ENABLED, &value, "SET_ENABLED");
}

void Device::set_filter(const mpmon_filter& filter) {
    mpmon_filter copy = filter;
    ioctl_or_throw(MPMON_IOC_SET_FILTER, &copy, "SET_FILTER");
}

mpmon_filter Device::filter() {
    mpmon_filter filter{};
    ioctl_or_throw(MPMON_IOC_GET_FILTER, &filter, "GET_FILTER");
    return filter;
}

} // namespace mpctl
