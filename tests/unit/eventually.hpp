// SPDX-License-Identifier: GPL-2.0
// Waiting in a test for what another thread makes true.
#pragma once

#include <chrono>
#include <thread>

namespace mpctl::testing {

// Waits (up to 10 s) until pred holds; false if it never did.
template <typename P> bool eventually(P pred) {
    using namespace std::chrono_literals;
    auto end = std::chrono::steady_clock::now() + 10s;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

} // namespace mpctl::testing
