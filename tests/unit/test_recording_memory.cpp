// SPDX-License-Identifier: GPL-2.0
// mpctl report holds one batch of a recording at a time: a recording of
// 1,000,000 events (392 MB) is reported by an mpctl that never holds more
// than 64 MiB, measured by the kernel (ru_maxrss of the child), and no
// more than it holds for 1,000 events.
#include "events_fixture.hpp"
#include "output/fd_output.hpp"
#include "recording/recording_writer.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace mpctl;
using namespace mpctl::testing;

namespace {

constexpr std::uint64_t million = 1'000'000;
constexpr long rss_limit_kib = 64 * 1024;
// What a report may hold beyond one of 1,000 events: far less than the
// 392 MB of the events.
constexpr long rss_growth_kib = 8 * 1024;

// AddressSanitizer's shadow memory and allocator take more than 64 MiB
// whatever the program: the absolute bound is for ordinary builds.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool address_sanitizer = true;
#else
constexpr bool address_sanitizer = false;
#endif
#else
constexpr bool address_sanitizer = false;
#endif

// Writes a recording of n events to fd, generated batch by batch (this
// process holds no more than a batch of them either).
void write_recording(int fd, std::uint64_t n) {
    FdOutput buf(fd);
    std::ostream out(&buf);
    RecordingWriter w(out);
    RecordingStart start;
    start.info.size = sizeof(mpmon_info);
    start.info.event_size = sizeof(mpmon_event);
    start.info.arch = MPMON_ARCH_X86_64;
    start.system = this_system();
    w.header(start);
    std::vector<mpmon_event> batch;
    for (std::uint64_t i = 0; i < n;) {
        batch.clear();
        for (; batch.size() < 4096 && i < n; ++i) {
            auto ev = move_event(static_cast<std::uint32_t>(1 + i % 500), "storm", 1 + i % 16,
                                 static_cast<std::int32_t>(i % 2), i % 97 ? 0 : -14);
            ev.seq = i;
            ev.ts_ns = 1'000'000'000 + i * 1000;
            batch.push_back(ev);
        }
        w.events(batch);
        ASSERT_TRUE(out.good());
    }
    RecordingTotals totals;
    totals.events = n;
    w.trailer(totals);
    ASSERT_TRUE(buf.flush());
}

struct Child {
    int status = 0;
    long maxrss_kib = 0;
    std::string out;
};

// mpctl ARGS reading the recording of n events from a pipe.
Child report_from_pipe(std::vector<std::string> args, std::uint64_t n) {
    Child c;
    // A child that ends early must fail the test, not kill it.
    std::signal(SIGPIPE, SIG_IGN);
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    auto out_path = std::filesystem::temp_directory_path() /
                    ("mpctl-memory." + std::to_string(::getpid()) + ".out");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    args.insert(args.begin(), MPCTL_BINARY);
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    // posix_spawn shares this process's memory with the child until it
    // runs mpctl (vfork), and the kernel keeps the larger of that and
    // mpctl's own high-water mark: this test's own is well below the bound
    // (not under AddressSanitizer, where only the growth is checked).
    int err = posix_spawn(&pid, MPCTL_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
    EXPECT_EQ(err, 0);
    write_recording(fds[1], n);
    ::close(fds[1]);
    rusage ru{};
    EXPECT_EQ(::wait4(pid, &c.status, 0, &ru), pid);
    c.maxrss_kib = ru.ru_maxrss;
    std::ifstream in(out_path);
    std::stringstream text;
    text << in.rdbuf();
    c.out = text.str();
    std::filesystem::remove(out_path);
    return c;
}

void expect_bounded(const Child& big, const Child& small) {
    if (!address_sanitizer) {
        EXPECT_LE(big.maxrss_kib, rss_limit_kib)
            << "mpctl report held " << big.maxrss_kib << " KiB";
    }
    EXPECT_LE(big.maxrss_kib, small.maxrss_kib + rss_growth_kib)
        << "1,000 events: " << small.maxrss_kib << " KiB, 1,000,000: " << big.maxrss_kib << " KiB";
    std::cerr << "mpctl report: ru_maxrss " << small.maxrss_kib << " KiB for 1,000 events, "
              << big.maxrss_kib << " KiB for 1,000,000\n";
}

} // namespace

TEST(RecordingMemory, AMillionEventsReportWithin64MiB) {
    auto small = report_from_pipe({"report", "--json", "-"}, 1000);
    auto c = report_from_pipe({"report", "--json", "-"}, million);
    ASSERT_TRUE(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0) << c.status;
    auto j = nlohmann::json::parse(c.out);
    EXPECT_EQ(j["calls"], million);
    EXPECT_EQ(j["recording"]["events"], million);
    EXPECT_EQ(j["recording"]["complete"], true);
    EXPECT_EQ(j["returns"]["EFAULT"], (million + 96) / 97);
    expect_bounded(c, small);
}

TEST(RecordingMemory, AMillionEventsPrintWithin64MiB) {
    auto small = report_from_pipe({"report", "--events", "--json", "--errors", "-"}, 1000);
    auto c = report_from_pipe({"report", "--events", "--json", "--errors", "-"}, million);
    ASSERT_TRUE(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0) << c.status;
    // Every 97th event failed.
    EXPECT_EQ(std::count(c.out.begin(), c.out.end(), '\n'),
              static_cast<std::ptrdiff_t>((million + 96) / 97));
    expect_bounded(c, small);
}
