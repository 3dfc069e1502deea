// SPDX-License-Identifier: GPL-2.0
#include "common/interrupt.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/signalfd.h>

namespace mpctl {

Interrupt::Interrupt() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, &old_) != 0)
        throw Error(Exit::failure, std::string("sigprocmask: ") + std::strerror(errno));
    blocked_ = true;
    fd_.reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd_) {
        sigprocmask(SIG_SETMASK, &old_, nullptr);
        throw Error(Exit::failure, std::string("signalfd: ") + std::strerror(errno));
    }
}

Interrupt::~Interrupt() {
    if (blocked_)
        sigprocmask(SIG_SETMASK, &old_, nullptr);
}

bool Interrupt::fired() const {
    if (!fd_)
        return false;
    signalfd_siginfo info;
    if (::read(fd_.get(), &info, sizeof(info)) != static_cast<ssize_t>(sizeof(info)))
        return false;
    seen_ = true;
    return true;
}

} // namespace mpctl

namespace mpctl {

bool wait_interrupt(const Interrupt& intr, std::chrono::milliseconds timeout) {
    pollfd pfd{intr.fd(), POLLIN, 0};
    int rc = ::poll(&pfd, intr.fd() >= 0 ? 1 : 0, static_cast<int>(timeout.count()));
    return rc > 0 && intr.fired();
}

bool sleep_unless_interrupted(const Interrupt& intr, std::chrono::steady_clock::duration time) {
    using std::chrono::milliseconds;
    using std::chrono::steady_clock;
    auto end = steady_clock::now() + time;
    while (true) {
        // Rounded up: poll() sleeps whole milliseconds, and a wait rounded
        // down to 0 would spin until the end.
        auto left = std::chrono::ceil<milliseconds>(end - steady_clock::now());
        if (left.count() <= 0)
            return true;
        if (wait_interrupt(intr, left))
            return false;
    }
}

} // namespace mpctl
