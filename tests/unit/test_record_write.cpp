// SPDX-License-Identifier: GPL-2.0
// mpctl record when the recording cannot be written: every write and the
// final close are checked, and a failure ends mpctl with the reason
// instead of "recorded N events".
#include "command_fixture.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "events_fixture.hpp"
#include "read_recording.hpp"
#include "recording/recording.hpp"
#include "replay.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <streambuf>
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

namespace {

// mpctl record -o PATH under a file size limit (RLIMIT_FSIZE, SIGXFSZ
// ignored), in a child: whether it ended with the error that names the
// file and the reason.
bool fails_at_the_limit(const std::string& path, rlim_t limit) {
    std::fflush(nullptr);
    pid_t child = ::fork();
    if (child < 0)
        return false;
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit rl{limit, limit};
        if (::setrlimit(RLIMIT_FSIZE, &rl) != 0)
            ::_exit(3);
        auto error = record_to(path).error;
        ::_exit(error.find(path + ": cannot write: File too large") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    return ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// A scratch directory, removed at the end of the test.
struct ScratchDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("mpctl-record-write." + std::to_string(::getpid()));
    ScratchDir() { std::filesystem::create_directories(path); }
    ~ScratchDir() { std::filesystem::remove_all(path); }
};

// Where the trailer of a whole recording of some_events() starts: the
// footer, the last 16 bytes, says.
std::uint64_t trailer_offset() {
    ReplayMonitor whole(test_info(), {}, some_events());
    auto out = run(whole, {"record", "-o", "-"}).out.str();
    EXPECT_GT(out.size(), 16u);
    EXPECT_EQ(out.substr(out.size() - 8), "MPMONEND");
    std::uint64_t trailer = 0;
    std::memcpy(&trailer, out.data() + out.size() - 16, sizeof(trailer));
    EXPECT_LT(trailer, out.size());
    return trailer;
}

} // namespace

// A limit that the header and the events fit in, and the trailer does
// not: the trailer's write must fail mpctl, and the file must read back as
// cut short.
TEST(RecordWrite, AFileLimitReachedByTheTrailer) {
    auto trailer = trailer_offset();
    ScratchDir dir;
    auto path = (dir.path / "r.mprec").string();
    EXPECT_TRUE(fails_at_the_limit(path, static_cast<rlim_t>(trailer)))
        << "no error for the trailer that did not fit";
    EXPECT_EQ(std::filesystem::file_size(path), trailer);
    std::ifstream in(path);
    auto rec = read_recording(in);
    EXPECT_EQ(rec.events.size(), some_events().size());
    EXPECT_FALSE(rec.end);
    ASSERT_EQ(rec.warnings.size(), 1u);
    EXPECT_NE(rec.warnings[0].find("no trailer: the recording was cut short after 5 events at "
                                   "byte " +
                                   std::to_string(trailer)),
              std::string::npos)
        << rec.warnings[0];
}

// A limit inside the third event: the file holds two whole events and
// the start of the third, which the reader says it ignored.
TEST(RecordWrite, AFileLimitReachedInsideAnEvent) {
    auto events_start = trailer_offset() - some_events().size() * sizeof(mpmon_event);
    auto limit = events_start + 2 * sizeof(mpmon_event) + 100;
    ScratchDir dir;
    auto path = (dir.path / "r.mprec").string();
    EXPECT_TRUE(fails_at_the_limit(path, static_cast<rlim_t>(limit)));
    std::ifstream in(path);
    auto rec = read_recording(in);
    EXPECT_EQ(rec.events.size(), 2u);
    EXPECT_FALSE(rec.end);
    ASSERT_EQ(rec.warnings.size(), 2u);
    EXPECT_NE(rec.warnings[0].find(fmt::format("the file ends at byte {}, inside an event (100 of "
                                               "{} bytes",
                                               limit, sizeof(mpmon_event))),
              std::string::npos)
        << rec.warnings[0];
    EXPECT_NE(rec.warnings[1].find("cut short after 2 events"), std::string::npos)
        << rec.warnings[1];
}

namespace {

// Standard output whose reader goes away after the first limit bytes:
// writes past it fail with EPIPE (SIGPIPE is ignored in mpctl).
class ClosedPipe : public std::streambuf {
public:
    explicit ClosedPipe(std::size_t limit) : left_(limit) {}

protected:
    std::streamsize xsputn(const char*, std::streamsize n) override {
        auto size = static_cast<std::size_t>(n);
        if (size > left_) {
            errno = EPIPE;
            return 0;
        }
        left_ -= size;
        return n;
    }
    int_type overflow(int_type c) override {
        char ch = traits_type::to_char_type(c);
        return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
    }

private:
    std::size_t left_;
};

struct Ended {
    Exit exit = Exit::failure;
    std::string diag;
};

// mpctl record -o - into a pipe closed after limit bytes.
Ended record_into_closed_pipe(std::size_t limit) {
    ReplayMonitor m(test_info(), {}, some_events());
    ClosedPipe pipe(limit);
    std::ostream out(&pipe);
    std::ostringstream diag;
    auto clock = Clock::fixed(0);
    Interrupt never{Interrupt::Never{}};
    Context ctx{m, out, diag, clock, never};
    auto exit = run_command(parse({"record", "-o", "-"}), ctx);
    return {exit, diag.str()};
}

} // namespace

// A reader of standard output that goes away (mpctl record -o - | head)
// ends mpctl quietly, wherever it was: in the header or in the events.
TEST(RecordWrite, AClosedPipeEndsQuietly) {
    auto events_start = trailer_offset() - some_events().size() * sizeof(mpmon_event) - 8;
    for (std::size_t limit : {std::size_t{0}, std::size_t{100}, events_start + 8}) {
        SCOPED_TRACE(limit);
        Ended r;
        ASSERT_NO_THROW(r = record_into_closed_pipe(limit));
        EXPECT_EQ(r.exit, Exit::ok);
        EXPECT_EQ(r.diag, "");
    }
}
