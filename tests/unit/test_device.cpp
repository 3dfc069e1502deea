// SPDX-License-Identifier: GPL-2.0
// The device class and the mpctl binary without a loaded module: the host
// never loads mpmon.ko, the VM suite tests the real device.
#include "device/device.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <sys/wait.h>

using namespace mpctl;

TEST(Device, OpenErrorsSayWhatToDo) {
    auto e = open_error("/dev/mpmon", ENOENT);
    EXPECT_EQ(e.code(), Exit::not_loaded);
    EXPECT_NE(std::string(e.what()).find("mpmon is not loaded"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Load it with: sudo "), std::string::npos) << e.what();
    for (int err : {EACCES, EPERM}) {
        auto p = open_error("/dev/mpmon", err);
        EXPECT_EQ(p.code(), Exit::permission);
        EXPECT_NE(std::string(p.what()).find("needs root or CAP_PERFMON"), std::string::npos);
    }
    EXPECT_EQ(open_error("/dev/mpmon", EIO).code(), Exit::failure);
}

namespace {
// A scratch /lib/modules/RELEASE, removed at the end of the test.
struct ModulesDir {
    std::filesystem::path path;
    ModulesDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "mpctl-modules.XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~ModulesDir() { std::filesystem::remove_all(path); }
    void add(const std::filesystem::path& file) const {
        std::filesystem::create_directories((path / file).parent_path());
        std::ofstream(path / file) << "module\n";
    }
};
} // namespace

// Installed for the running kernel (make install, DKMS, a package):
// modprobe loads it; else only the source tree's build can be loaded.
TEST(Device, LoadHintFollowsWhereTheModuleIs) {
    const std::string modprobe = "sudo modprobe mpmon";
    const std::string insmod = "sudo insmod kmod/mpmon.ko";
    for (const char* installed : {"extra/mpmon.ko", "updates/dkms/mpmon.ko.xz",
                                  "kernel/drivers/misc/mpmon.ko.zst", "updates/mpmon.ko.gz"}) {
        ModulesDir dir;
        dir.add("kernel/mm/other.ko");
        dir.add(installed);
        auto hint = load_hint(dir.path);
        EXPECT_NE(hint.find(modprobe), std::string::npos) << installed << ": " << hint;
        EXPECT_EQ(hint.find("insmod"), std::string::npos) << installed << ": " << hint;
    }
    for (const char* other : {"extra/mpmonx.ko", "extra/mpmon.ko.bak", "extra/notmpmon.ko"}) {
        ModulesDir dir;
        dir.add(other);
        auto hint = load_hint(dir.path);
        EXPECT_NE(hint.find(insmod), std::string::npos) << other << ": " << hint;
        EXPECT_EQ(hint.find("modprobe"), std::string::npos) << other << ": " << hint;
    }
    // No modules at all for this kernel (a container, a custom kernel).
    auto hint = load_hint("/nonexistent/lib/modules/0.0");
    EXPECT_NE(hint.find(insmod), std::string::npos) << hint;
}

TEST(Device, AbiMismatchNamesBothVersions) {
    EXPECT_NO_THROW(check_abi({MPMON_ABI_MAJOR, MPMON_ABI_MINOR + 5}));
    try {
        check_abi({MPMON_ABI_MAJOR + 1, 3});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Exit::abi);
        std::string want = "speaks ABI " + std::to_string(MPMON_ABI_MAJOR + 1) + ".3";
        EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("built for ABI " + std::to_string(MPMON_ABI_MAJOR)),
                  std::string::npos);
    }
}

TEST(Device, MissingAndForeignDevices) {
    try {
        Device d("/nonexistent/mpmon");
        FAIL() << "opened";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Exit::not_loaded);
    }
    try {
        Device d("/dev/null");
        FAIL() << "opened";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Exit::abi);
        EXPECT_NE(std::string(e.what()).find("not an mpmon device"), std::string::npos);
    }
}

namespace {
struct Result {
    int status;
    std::string output; // stdout and stderr
};

Result run_mpctl(const std::string& args) {
    std::string cmd = std::string(MPCTL_BINARY) + " " + args + " 2>&1";
    Result r{-1, {}};
    FILE* p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), buf.size(), p))
        r.output += buf.data();
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}
} // namespace

TEST(Binary, ExitStatusesAndMessages) {
    auto r = run_mpctl("--device /nonexistent/mpmon stats");
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("mpmon is not loaded"), std::string::npos) << r.output;

    r = run_mpctl("--device /dev/null info");
    EXPECT_EQ(r.status, 5) << r.output;

    r = run_mpctl("bogus");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.output.find("unknown command 'bogus'"), std::string::npos);
    EXPECT_NE(r.output.find("usage: mpctl"), std::string::npos);

    r = run_mpctl("stats --watch -1");
    EXPECT_EQ(r.status, 2);

    r = run_mpctl("--help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("Commands:"), std::string::npos);

    r = run_mpctl("--version");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("mpctl " MPCTL_VERSION), std::string::npos);
}
