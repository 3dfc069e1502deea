// SPDX-License-Identifier: GPL-2.0
#include "local_memory.hpp"

#include <linux/mempolicy.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mpctl {

namespace {

// glibc has no wrappers for these (libnuma's numaif.h does, for the same
// two system calls).
bool thread_policy(int& mode) noexcept {
    return ::syscall(SYS_get_mempolicy, &mode, nullptr, 0UL, nullptr, 0UL) == 0;
}

bool set_thread_policy(int mode) noexcept {
    return ::syscall(SYS_set_mempolicy, mode, nullptr, 0UL) == 0;
}

} // namespace

bool LocalMemory::thread_has_default_policy() noexcept {
    int mode = -1;
    return thread_policy(mode) && mode == MPOL_DEFAULT;
}

LocalMemory::LocalMemory() noexcept {
    if (thread_has_default_policy())
        set_ = set_thread_policy(MPOL_LOCAL);
}

LocalMemory::~LocalMemory() {
    if (set_)
        (void)set_thread_policy(MPOL_DEFAULT);
}

} // namespace mpctl
