// SPDX-License-Identifier: GPL-2.0
// Keeps a following drain's memory out of the kernel's automatic NUMA
// balancing while it runs.
#pragma once

namespace mpctl {

// For its lifetime, the calling thread, and the threads it starts
// meanwhile (they inherit it), allocate under an explicit local-node
// memory policy (MPOL_LOCAL: where the default policy allocates too).
// The kernel's automatic NUMA balancing scans and migrates only memory
// under the default policy: without this, in a storm it unmapped and
// moved tens of MB of the drain's buffers between the reader's and the
// formatter's nodes, and the reader, faulting them back in, stalled in
// READ_EVENTS for 25-30 ms, longer than the ring lasts (x86_64 guest,
// two nodes).  A thread already under a policy of its own (numactl) keeps
// it; where the kernel has no NUMA policies, nothing changes.
class LocalMemory {
public:
    LocalMemory() noexcept;
    ~LocalMemory();
    LocalMemory(const LocalMemory&) = delete;
    LocalMemory& operator=(const LocalMemory&) = delete;

    // Whether the calling thread runs under the default memory policy
    // (tests).
    static bool thread_has_default_policy() noexcept;

private:
    bool set_ = false; // this object set the policy, and restores it
};

} // namespace mpctl
