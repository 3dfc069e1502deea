// SPDX-License-Identifier: GPL-2.0
// Ctrl-C or SIGTERM while following: the first stops the reading and the
// events already read are written out; a second one while they are being
// written ends mpctl at once, saying how many were not written.
#include "command_fixture.hpp"
#include "common/interrupt.hpp"
#include "common/text.hpp"
#include "events_fixture.hpp"
#include "eventually.hpp"
#include "read_recording.hpp"
#include "recording/recording.hpp"
#include "replay.hpp"

#include <atomic>
#include <csignal>
#include <gtest/gtest.h>
#include <sstream>
#include <streambuf>
#include <string>
#include <unistd.h>
#include <vector>

using namespace mpctl;
using namespace mpctl::testing;

namespace {

bool sigint_pending() {
    sigset_t set;
    sigemptyset(&set);
    sigpending(&set);
    return sigismember(&set, SIGINT) == 1;
}

// A replay whose ring, once empty, waits for a real interrupt instead of
// ending the replay: the user's first Ctrl-C, sent once the ring is empty.
class InterruptedReplay final : public Monitor {
public:
    InterruptedReplay(std::vector<mpmon_event> events, std::atomic<bool>& sent)
        : replay_(test_info(), {}, std::move(events)), sent_(sent) {}
    mpmon_info info() override { return replay_.info(); }
    mpmon_stats stats() override { return replay_.stats(); }
    mpmon_stats stats_and_reset() override { return replay_.stats_and_reset(); }
    ReadResult read_events(std::span<mpmon_event> buf) override { return replay_.read_events(buf); }
    Wait wait_events(std::chrono::milliseconds timeout, const Interrupt& intr) override {
        if (replay_.wait_events(timeout, intr) == Wait::readable)
            return Wait::readable;
        // Marked as sent once it is pending, not before: the terminal sends
        // the second one only once mpctl took the first, and two pending
        // SIGINTs are one.
        if (!sent_) {
            ::kill(::getpid(), SIGINT);
            sent_ = true;
        }
        return wait_interrupt(intr, timeout) ? Wait::interrupted : Wait::timeout;
    }
    void reset() override { replay_.reset(); }
    void set_enabled(bool on) override { replay_.set_enabled(on); }
    void set_filter(const mpmon_filter& filter) override { replay_.set_filter(filter); }
    mpmon_filter filter() override { return replay_.filter(); }

private:
    ReplayMonitor replay_;
    std::atomic<bool>& sent_;
};

// A terminal that is slow to take the first batch of events (after skip
// writes, such as a recording's header): it takes it once the first
// Ctrl-C was sent and taken by mpctl, and the user presses Ctrl-C again
// meanwhile.
class SlowTerminal : public std::streambuf {
public:
    SlowTerminal(const std::atomic<bool>& first_sent, int skip)
        : first_sent_(first_sent), skip_(skip) {}
    std::string text;

protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (skip_ > 0) {
            --skip_;
        } else if (!second_sent_) {
            EXPECT_TRUE(eventually([this] { return first_sent_ && !sigint_pending(); }));
            ::kill(::getpid(), SIGINT);
            second_sent_ = true;
        }
        text.append(s, static_cast<std::size_t>(n));
        return n;
    }
    int_type overflow(int_type c) override {
        char ch = traits_type::to_char_type(c);
        return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
    }

private:
    const std::atomic<bool>& first_sent_;
    int skip_;
    bool second_sent_ = false;
};

struct Outcome {
    Exit exit = Exit::ok;
    std::vector<std::string> out; // the output's lines
    std::string text;             // and as it was
    std::string diag;
};

Outcome follow_interrupted_twice(std::vector<const char*> args, std::size_t events,
                                 int header_writes) {
    std::atomic<bool> first_sent{false};
    std::vector<mpmon_event> evs(events, move_event(10, "alpha", 1, 1));
    InterruptedReplay m(std::move(evs), first_sent);
    SlowTerminal terminal(first_sent, header_writes);
    std::ostream out(&terminal);
    std::ostringstream diag;
    args.insert(args.begin(), "mpctl");
    auto options = parse_options(args);
    auto clock = Clock::fixed(0);
    Outcome o;
    {
        Interrupt interrupt; // SIGINT blocked, read through a signalfd
        Context ctx{m, out, diag, clock, interrupt};
        o.exit = run_command(options, ctx);
        // A Ctrl-C mpctl did not take must not end the test program.
        while (interrupt.fired()) {
        }
    }
    o.out = lines(terminal.text);
    o.text = terminal.text;
    o.diag = diag.str();
    return o;
}

} // namespace

TEST(SecondInterrupt, EndsEventsFollowAtOnce) {
    const std::size_t events = 10000;
    auto o = follow_interrupted_twice({"events", "--follow", "--json"}, events, 0);
    EXPECT_EQ(o.exit, Exit::failure);
    ASSERT_LT(o.out.size(), events) << "every event was printed after the second Ctrl-C";
    auto unwritten = grouped(events - o.out.size());
    EXPECT_NE(o.diag.find(unwritten + " events read were not printed"), std::string::npos)
        << "not printed: " << unwritten << "; stderr: " << o.diag;
}

TEST(SecondInterrupt, EndsRecordAtOnceWithoutAnEndLine) {
    const std::size_t events = 10000;
    auto o = follow_interrupted_twice({"record", "-o", "-"}, events, 1);
    EXPECT_EQ(o.exit, Exit::failure);
    // The recording has its header and the events written before the
    // second Ctrl-C, and no trailer: report reads it as cut short.
    std::istringstream file(o.text);
    auto recording = read_recording(file);
    ASSERT_LT(recording.events.size(), events) << "every event was written after the second Ctrl-C";
    EXPECT_FALSE(recording.end.has_value());
    auto unwritten = grouped(events - recording.events.size());
    EXPECT_NE(o.diag.find(unwritten + " events read were not written"), std::string::npos)
        << "not written: " << unwritten << "; stderr: " << o.diag;
    EXPECT_EQ(o.diag.find("recorded"), std::string::npos) << o.diag;
}
