// SPDX-License-Identifier: GPL-2.0
// The mpctl binary when its standard output cannot be written: a full
// device or a bad descriptor is an error with a message and status 1 (as
// coreutils' close_stdout makes it), a reader that went away is not.
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Result {
    int status = -1; // exit status; -1 if killed
    std::string err; // what it said on stderr
};

// mpctl ARGS with out_fd as its standard output (SIGPIPE ignored, as a
// shell started from a program that ignores it would leave it).
Result run_mpctl(std::vector<std::string> args, int out_fd) {
    auto err_path = std::filesystem::temp_directory_path() /
                    ("mpctl-stdout-test." + std::to_string(::getpid()));
    args.insert(args.begin(), MPCTL_BINARY);
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &pipe_set);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    Result r;
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    EXPECT_EQ(rc, 0) << "cannot run " << MPCTL_BINARY;
    if (rc != 0)
        return r;
    int status = 0;
    EXPECT_EQ(::waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status))
        r.status = WEXITSTATUS(status);
    std::ifstream in(err_path);
    std::stringstream text;
    text << in.rdbuf();
    r.err = text.str();
    std::filesystem::remove(err_path);
    return r;
}

const std::string recording = MPCTL_TEST_DATA "/power8-hash.recording.jsonl";

} // namespace

TEST(Stdout, AFullDeviceIsAnError) {
    int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(full, 0);
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"report", recording},
                                               {"report", "--json", recording},
                                               {"report", "--view", "top", recording},
                                               {"--help"},
                                               {"--version"}}) {
        SCOPED_TRACE(args.front() + " " + args.back());
        auto r = run_mpctl(args, full);
        EXPECT_EQ(r.status, 1) << r.err;
        EXPECT_NE(r.err.find("mpctl: standard output: No space left on device"), std::string::npos)
            << r.err;
    }
    ::close(full);
}

TEST(Stdout, AClosedPipeEndsQuietly) {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    ::close(fds[0]); // the reader went away: every write is EPIPE
    auto r = run_mpctl({"report", recording}, fds[1]);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    ::close(fds[1]);
}

TEST(Stdout, AWritableOutputIsUntouched) {
    auto path =
        std::filesystem::temp_directory_path() / ("mpctl-stdout-ok." + std::to_string(::getpid()));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    auto r = run_mpctl({"report", recording}, fd);
    ::close(fd);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first.rfind("recording " + recording + ": ", 0), 0u) << first;
    std::filesystem::remove(path);
}
