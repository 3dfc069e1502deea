// SPDX-License-Identifier: GPL-2.0
// mpctl record when the recording cannot be written: every write and the
// final close are checked, and a failure ends mpctl with the reason
// instead of "recorded N events".
#include "command_fixture.hpp"
#include "error.hpp"
#include "events_fixture.hpp"
#include "recording.hpp"
#include "replay.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

std::vector<mpmon_event> some_events() {
    std::vector<mpmon_event> evs;
    for (std::uint32_t i = 0; i < 5; ++i)
        evs.push_back(move_event(100 + i, "w", 4, 1));
    return evs;
}

// mpctl record -o path: the message of the Error it ends with ("" if
// none), and what it said on stderr otherwise.
struct Outcome {
    std::string error, diag;
};

Outcome record_to(const std::string& path) {
    ReplayMonitor m(test_info(), {}, some_events());
    try {
        return {{}, run(m, {"record", "-o", path.c_str()}).diag.str()};
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Exit::failure);
        return {e.what(), {}};
    }
}

} // namespace

// A device that takes nothing: the first write fails.
TEST(RecordWrite, AFullDeviceEndsWithTheReason) {
    auto r = record_to("/dev/full");
    EXPECT_EQ(r.error.rfind("/dev/full: ", 0), 0u) << r.error;
    EXPECT_NE(r.error.find("No space left on device"), std::string::npos)
        << "error: '" << r.error << "', stderr: " << r.diag;
    EXPECT_EQ(r.diag.find("recorded"), std::string::npos) << r.diag;
}

// A file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) that the header and the
// events fit in, and the end line does not: the end line's write must fail
// mpctl, and the file must read back as cut short.
TEST(RecordWrite, AFileLimitReachedByTheEndLine) {
    ReplayMonitor whole(test_info(), {}, some_events());
    auto out = run(whole, {"record", "-o", "-"}).out.str();
    auto end_line = out.rfind('\n', out.size() - 2) + 1;
    auto limit = static_cast<rlim_t>(end_line); // header and events

    auto dir = std::filesystem::temp_directory_path() /
               ("mpctl-record-write." + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto path = (dir / "r.jsonl").string();
    std::fflush(nullptr);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit rl{limit, limit};
        if (::setrlimit(RLIMIT_FSIZE, &rl) != 0)
            ::_exit(3);
        auto error = record_to(path).error;
        // 0: the error named the file and the reason.
        ::_exit(error.find(path + ": cannot write: File too large") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "no error for the end line that did not fit";
    std::ifstream in(path);
    auto rec = read_recording(in);
    EXPECT_EQ(rec.events.size(), some_events().size());
    EXPECT_FALSE(rec.end);
    std::filesystem::remove_all(dir);
}
