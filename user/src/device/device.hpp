// SPDX-License-Identifier: GPL-2.0
// /dev/mpmon through its ioctl ABI (include/uapi/linux/mpmon.h).
#pragma once

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "device/monitor.hpp"

#include <string>

namespace mpctl {

class Device final : public Monitor {
public:
    // Opens the device and checks the ABI major; throws Error with an
    // actionable message (not loaded, permission, ABI mismatch).
    explicit Device(const std::string& path);

    mpmon_version version() const noexcept { return version_; }

    mpmon_info info() override;
    mpmon_stats stats() override;
    mpmon_stats stats_and_reset() override;
    ReadResult read_events(std::span<mpmon_event> buf) override;
    Wait wait_events(std::chrono::milliseconds timeout, const Interrupt& intr) override;
    // A module before ABI 1.3 has no watermark: nothing is set.
    void set_wakeup(const mpmon_wakeup& wakeup) override;
    void reset() override;
    void set_enabled(bool on) override;
    void set_filter(const mpmon_filter& filter) override;
    mpmon_filter filter() override;

private:
    void ioctl_or_throw(unsigned long request, void* arg, const char* what) const;
    mpmon_stats get_stats(std::uint32_t flags);

    std::string path_;
    UniqueFd fd_;
    mpmon_version version_{};
};

// The message and exit status for a failed open() of the device.
Error open_error(const std::string& path, int err);
// How to load mpmon, given the running kernel's modules directory
// (/lib/modules/RELEASE): "sudo modprobe mpmon" if an mpmon.ko (or .ko.xz,
// .ko.gz, .ko.zst) is installed anywhere under it, else the source tree's
// "sudo insmod kmod/mpmon.ko".
std::string load_hint(const std::string& modules_dir);
// Throws unless the module's ABI major is the one mpctl was built for.
void check_abi(const mpmon_version& module);

} // namespace mpctl
