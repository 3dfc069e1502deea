// SPDX-License-Identifier: GPL-2.0
// In-VM integration test of mpctl: runs move_pages calls with known
// outcomes, then the real mpctl binary, and compares what mpctl prints (its
// JSON) with what the kernel returned to the calls.  Prints PASS/FAIL lines.
//
//   mpctl_check [TEST...]     tests: info stats events follow filter
//                                    control errors pipe record export
#include <linux/mpmon.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using json = nlohmann::json;

namespace {

constexpr int mpol_mf_move = 1 << 1;
const long page_size = sysconf(_SC_PAGESIZE);

std::string why; // first reason the running test failed

template <typename A, typename B>
void expect_eq(const std::string& what, const A& want, const B& got) {
    if (why.empty() && !(want == got)) {
        std::ostringstream s;
        s << what << ": expected " << want << ", got " << got;
        why = s.str();
    }
}

void expect(const std::string& what, bool ok) {
    if (why.empty() && !ok)
        why = what;
}

long move_pages(int pid, unsigned long count, void** pages, const int* nodes, int* status,
                int flags) {
    long r = syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);
    return r < 0 ? -errno : r;
}

struct Proc {
    int status = -1; // exit status, or 128 + signal
    std::string out, err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs mpctl with args; stdout and stderr captured through files.
// before_exec runs in the child (e.g. to drop privileges).
Proc mpctl(const std::vector<std::string>& args, const std::function<void()>& before_exec = {}) {
    const char* out = "/tmp/mpctl.out";
    const char* err = "/tmp/mpctl.err";
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(o, 1);
        dup2(e, 2);
        if (before_exec)
            before_exec();
        std::vector<char*> argv{const_cast<char*>("mpctl")};
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execvp("mpctl", argv.data());
        _exit(127);
    }
    Proc p;
    int st = 0;
    waitpid(pid, &st, 0);
    p.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    p.out = slurp(out);
    p.err = slurp(err);
    return p;
}

json mpctl_json(const std::vector<std::string>& args) {
    auto p = mpctl(args);
    expect_eq("mpctl " + args.at(0) + " exit status (stderr: " + p.err + ")", 0, p.status);
    try {
        return json::parse(p.out);
    } catch (const json::exception& e) {
        expect("mpctl " + args.at(0) + " printed no JSON: " + p.out, false);
        return json::object();
    }
}

std::vector<json> json_lines(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty())
            out.push_back(json::parse(l));
    return out;
}

void control(const std::string& cmd) {
    auto p = mpctl({cmd});
    expect_eq("mpctl " + cmd + " (stderr: " + p.err + ")", 0, p.status);
}

char* map_pages(unsigned long n) {
    void* p =
        mmap(nullptr, n * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    std::memset(p, 0x5a, n * page_size);
    return static_cast<char*>(p);
}

std::string errno_key(int err) {
    const char* n = strerrorname_np(err);
    return n ? n : "E" + std::to_string(err);
}

// One call as the workload saw it.
struct Call {
    int pid;
    unsigned long count;
    bool query;
    int flags;
    long ret;
    std::vector<void*> pages;
    std::vector<int> nodes;
    std::vector<int> status; // as the kernel left it (sentinel where unwritten)
};

constexpr int sentinel = 0x7eadbeef;

// The workload's truth: every call it made and what the kernel answered.
struct Truth {
    std::vector<Call> calls;

    long call(int pid, std::vector<void*> pages, const std::vector<int>* nodes, int flags) {
        Call c{pid,
               pages.size(),
               nodes == nullptr,
               flags,
               0,
               pages,
               nodes ? *nodes : std::vector<int>{},
               std::vector<int>(pages.size(), sentinel)};
        c.ret = move_pages(pid, c.count, c.pages.data(), nodes ? c.nodes.data() : nullptr,
                           c.status.data(), flags);
        calls.push_back(c);
        return c.ret;
    }

    // The stats JSON mpctl should print, computed from the calls alone.
    void compare(const json& s) const {
        std::map<std::string, std::uint64_t> returns, page_status, query_status;
        std::uint64_t errors = 0, moves = 0, queries = 0, flag_move = 0, requested = 0;
        for (const auto& c : calls) {
            returns[c.ret < 0 ? errno_key(static_cast<int>(-c.ret)) : c.ret ? "positive" : "0"]++;
            errors += c.ret < 0;
            (c.query ? queries : moves)++;
            flag_move += (c.flags & mpol_mf_move) != 0;
            requested += c.count;
            if (c.ret < 0)
                continue;
            for (int st : c.status) {
                if (st == sentinel)
                    continue;
                auto key = st >= 0 ? "node" + std::to_string(st) : errno_key(-st);
                (c.query ? query_status : page_status)[key]++;
            }
        }
        expect_eq("calls", calls.size(), s["calls"].get<std::size_t>());
        expect_eq("errors", errors, s["errors"].get<std::uint64_t>());
        expect_eq("modes.move", moves, s["modes"]["move"].get<std::uint64_t>());
        expect_eq("modes.query", queries, s["modes"]["query"].get<std::uint64_t>());
        expect_eq("flags.MPOL_MF_MOVE", flag_move, s["flags"]["MPOL_MF_MOVE"].get<std::uint64_t>());
        expect_eq("pages.requested", requested, s["pages"]["requested"].get<std::uint64_t>());
        expect_eq("latency_ns.count", calls.size(), s["latency_ns"]["count"].get<std::size_t>());
        auto same_map = [](const std::string& what,
                           const std::map<std::string, std::uint64_t>& want, const json& got) {
            for (const auto& [k, n] : want)
                expect_eq(what + "." + k, n, got.value(k, std::uint64_t{0}));
            for (const auto& [k, n] : got.items())
                expect_eq(what + "." + k, want.count(k) ? want.at(k) : 0, n.get<std::uint64_t>());
        };
        same_map("returns", returns, s["returns"]);
        same_map("page_status", page_status, s["page_status"]);
        same_map("query_status", query_status, s["query_status"]);
        expect_eq("lost.ring_dropped", 0, s["lost"]["ring_dropped"].get<int>());
        expect_eq("lost.kretprobe_missed", 0, s["lost"]["kretprobe_missed"].get<int>());
    }
};

// A workload with every kind of outcome mpctl names.
Truth workload() {
    Truth t;
    const unsigned long n = 8;
    char* buf = map_pages(n);
    std::vector<void*> pages;
    for (unsigned long i = 0; i < n; ++i)
        pages.push_back(buf + i * page_size);
    std::vector<int> to1(n, 1), to0(n, 0);
    t.call(0, pages, &to1, mpol_mf_move);
    t.call(0, pages, nullptr, 0);
    t.call(getpid(), pages, &to0, mpol_mf_move);
    t.call(0, pages, nullptr, 0);
    // One unmapped page: a per-page EFAULT.
    char* hole = map_pages(1);
    munmap(hole, page_size);
    auto with_hole = pages;
    with_hole[3] = hole;
    t.call(0, with_hole, &to1, mpol_mf_move);
    std::vector<int> bad_node(n, 1000);
    t.call(0, pages, &bad_node, mpol_mf_move); // ENODEV
    t.call(0, pages, &to1, 0x100);             // EINVAL
    t.call(4000000, pages, nullptr, 0);        // ESRCH
    t.call(0, {}, &to1, mpol_mf_move);         // count 0
    munmap(buf, n * page_size);
    return t;
}

// The value of the first /proc/cpuinfo line "KEY<spaces>: VALUE", or "".
std::string cpuinfo(const std::string& key) {
    std::istringstream in(slurp("/proc/cpuinfo"));
    for (std::string line; std::getline(in, line);) {
        auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        auto name = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
        if (name == key)
            return line.substr(std::min(colon + 2, line.size()));
    }
    return {};
}

// The machine context mpctl reports, against what /proc/cpuinfo says.
void check_machine(const json& j) {
    std::string mmu = cpuinfo("MMU"); // "Radix" or "Hash" on POWER
    std::string want_mode = mmu == "Radix" ? "radix" : mmu == "Hash" ? "hash" : "x86_64";
    expect_eq("info mmu.mode", want_mode, j["mmu"].value("mode", std::string()));
    // On by default on POWER only (module parameter flush_probes).
    if (!mmu.empty())
        expect("no flush probe active", !j["mmu"]["flush_probes"].empty());
    auto sizes = j["mmu"]["page_sizes"];
    expect("page_size missing from mmu.page_sizes",
           std::find(sizes.begin(), sizes.end(), json(page_size)) != sizes.end());
    std::string cpu = j["cpu"].value("name", std::string());
    if (!mmu.empty()) {
        // POWER: "cpu : POWER9 (raw), altivec supported"
        std::string line = cpuinfo("cpu");
        expect_eq("cpu.name (cpuinfo: " + line + ")", line.substr(0, line.find(',')), cpu);
        expect_eq("platform.kind", std::string("lpar"), j["platform"].value("kind", std::string()));
        if (want_mode == "radix")
            expect("radix pid_bits", j["mmu"].value("pid_bits", 0) >= 16);
        else
            expect("hash hpt_order", j["mmu"].value("hpt_order", 0) >= 18);
    } else {
        expect_eq("cpu.name (cpuinfo model name)", cpuinfo("model name"), cpu);
    }
}

bool test_info() {
    auto j = mpctl_json({"--json", "info"});
    check_machine(j);
    expect_eq("enabled", true, j.value("enabled", false));
    expect_eq("page_size", page_size, j.value("page_size", 0L));
    expect_eq("nodes.online", 2, j["nodes"].value("online", 0));
    expect("symbol is empty", !j.value("symbol", std::string()).empty());
    auto text = mpctl({"info"});
    expect("text info has no probed symbol line: " + text.out,
           text.out.find("probed symbol") != std::string::npos);
    return why.empty();
}

bool test_stats() {
    control("reset");
    auto truth = workload();
    auto st = mpctl_json({"stats", "--json"});
    truth.compare(st);
    // The workload moved pages: where the module follows migrate_pages(),
    // the migration block says so, its node pairs summing to the pages moved
    // (the selftest checks the counts against the workload's truth).
    auto sources = mpctl_json({"--json", "info"}).value("migrate_sources", json::array());
    expect_eq("migration block present", !sources.empty(), st.contains("migration"));
    if (st.contains("migration")) {
        const auto& m = st["migration"];
        std::uint64_t by_nodes = 0;
        for (const auto& [key, n] : m["moved_by_nodes"].items())
            by_nodes += n.get<std::uint64_t>();
        expect("migration.batches > 0", m.value("batches", 0) > 0);
        expect("migration.pages.moved > 0", m["pages"].value("moved", 0) > 0);
        expect_eq("sum of moved_by_nodes", m["pages"].value("moved", std::uint64_t{0}),
                  by_nodes + m.value("moved_other_nodes", std::uint64_t{0}));
    }
    auto text = mpctl({"stats"});
    expect_eq("mpctl stats exit", 0, text.status);
    std::istringstream lines(text.out);
    for (std::string l; std::getline(lines, l);)
        expect("line wider than 80 columns: " + l, l.size() <= 80);
    // --reset prints, then zeroes.
    mpctl({"stats", "--reset"});
    expect_eq("calls after stats --reset", 0, mpctl_json({"--json", "stats"}).value("calls", -1));
    return why.empty();
}

bool test_events() {
    control("reset");
    auto truth = workload();
    auto p = mpctl({"events", "--json"});
    expect_eq("events exit", 0, p.status);
    auto evs = json_lines(p.out);
    expect_eq("events", truth.calls.size(), evs.size());
    for (std::size_t i = 0; i < std::min(evs.size(), truth.calls.size()); ++i) {
        const auto& c = truth.calls[i];
        const auto& e = evs[i];
        auto at = "event " + std::to_string(i) + " ";
        expect_eq(at + "tgid", getpid(), e["tgid"].get<int>());
        expect_eq(at + "target_pid", c.pid, e["target_pid"].get<int>());
        expect_eq(at + "count", c.count, e["count"].get<unsigned long>());
        expect_eq(at + "mp_flags", c.flags, e["mp_flags"].get<int>());
        expect_eq(at + "ret", c.ret, e["ret"].get<long>());
        expect_eq(at + "mode", std::string(c.query ? "query" : "move"),
                  e["mode"].get<std::string>());
        for (std::size_t k = 0; k < std::min<std::size_t>(c.count, MPMON_FORENSIC); ++k) {
            char addr[32];
            std::snprintf(addr, sizeof(addr), "%#lx", reinterpret_cast<unsigned long>(c.pages[k]));
            expect_eq(at + "pages[" + std::to_string(k) + "]", std::string(addr),
                      e["pages"][k].get<std::string>());
            if (c.ret >= 0 && c.status[k] != sentinel)
                expect_eq(at + "status[" + std::to_string(k) + "]", c.status[k],
                          e["status"][k].get<int>());
        }
    }
    // Translation flushes: only moves that placed pages did any, and the
    // events add up to the stats.
    std::uint64_t flushes = 0;
    // (mpmon_selftest checks that queries flush nothing; here a query may
    // legitimately fault on a status array left copy-on-write by the
    // fork of a previous mpctl run.)
    for (const auto& e : evs)
        flushes += e.value("flush_calls", 0UL);
    auto probes = mpctl_json({"--json", "info"})["mmu"]["flush_probes"];
    if (!probes.empty())
        expect("no flush work in any move event", flushes > 0);
    // (the events were drained above: stats still count them)
    auto st = mpctl_json({"--json", "stats"});
    expect_eq("stats mmu.flush_calls == events", flushes,
              st["mmu"].value("flush_calls", std::uint64_t{0}));

    // The text form: one line per call, strace-like.
    control("reset");
    workload();
    auto text = mpctl({"events"});
    std::istringstream lines(text.out);
    std::size_t n = 0;
    for (std::string l; std::getline(lines, l); ++n)
        expect("not an strace-like line: " + l, l.find(" move_pages(") != std::string::npos);
    expect_eq("text event lines", truth.calls.size(), n);
    return why.empty();
}

bool test_follow() {
    control("reset");
    pid_t pid = fork();
    if (pid == 0) {
        int o = open("/tmp/follow.out", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int e = open("/tmp/follow.err", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(o, 1);
        dup2(e, 2);
        execlp("mpctl", "mpctl", "events", "--follow", "--json", static_cast<char*>(nullptr));
        _exit(127);
    }
    usleep(300000);
    // A storm: 4 threads x 1000 one-page queries.
    constexpr int threads = 4, per_thread = 1000;
    char* page = map_pages(1);
    std::atomic<int> failed{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            for (int i = 0; i < per_thread; ++i) {
                void* p = page;
                int st = 0;
                if (move_pages(0, 1, &p, nullptr, &st, 0) != 0)
                    failed++;
            }
        });
    for (auto& w : workers)
        w.join();
    usleep(500000);
    kill(pid, SIGINT);
    int st = 0;
    waitpid(pid, &st, 0);
    expect_eq("follow exit status", 0, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    expect_eq("failed calls", 0, failed.load());
    std::uint64_t mine = 0;
    for (const auto& e : json_lines(slurp("/tmp/follow.out")))
        mine += e["tgid"].get<int>() == getpid();
    auto s = mpctl_json({"--json", "stats"});
    std::uint64_t lost = s["lost"]["ring_dropped"].get<std::uint64_t>() +
                         s["lost"]["kretprobe_missed"].get<std::uint64_t>();
    expect_eq("followed + lost", std::uint64_t{threads * per_thread}, mine + lost);
    auto err = slurp("/tmp/follow.err");
    expect("no summary on stderr: " + err, err.find("events read") != std::string::npos);
    std::printf("NOTE mpctl/follow: %llu events followed, %llu lost\n",
                static_cast<unsigned long long>(mine), static_cast<unsigned long long>(lost));
    return why.empty();
}

bool test_filter() {
    control("reset");
    auto p = mpctl({"filter", "--tgid", std::to_string(getpid())});
    expect_eq("filter exit", 0, p.status);
    expect("filter output: " + p.out,
           p.out.find("tgid " + std::to_string(getpid())) != std::string::npos);
    // A child's calls are filtered out, ours are recorded.
    pid_t child = fork();
    if (child == 0) {
        workload();
        _exit(0);
    }
    waitpid(child, nullptr, 0);
    auto truth = workload();
    auto s = mpctl_json({"--json", "stats"});
    expect_eq("filtered", truth.calls.size(), s["filtered"].get<std::size_t>());
    truth.compare(s);
    auto f = mpctl_json({"filter", "--json"});
    expect_eq("filter json tgid", getpid(), f["filter"].value("tgid", 0));
    control("filter");
    mpctl({"filter", "--clear"});
    expect("filter not cleared", mpctl_json({"filter", "--json"})["filter"].empty());
    return why.empty();
}

bool test_control() {
    control("reset");
    control("disable");
    expect_eq("info enabled after disable", false,
              mpctl_json({"info", "--json"}).value("enabled", true));
    workload();
    expect_eq("calls while disabled", 0, mpctl_json({"stats", "--json"}).value("calls", -1));
    control("enable");
    auto truth = workload();
    truth.compare(mpctl_json({"stats", "--json"}));
    return why.empty();
}

bool test_errors() {
    auto p = mpctl({"--device", "/nonexistent", "stats"});
    expect_eq("missing device exit", 3, p.status);
    expect("missing device message: " + p.err,
           p.err.find("mpmon is not loaded") != std::string::npos);
    p = mpctl({"stats"}, [] {
        if (setgid(65534) || setuid(65534))
            _exit(126);
    });
    expect_eq("unprivileged exit", 4, p.status);
    expect("unprivileged message: " + p.err,
           p.err.find("needs root or CAP_PERFMON") != std::string::npos);
    p = mpctl({"stats", "--watch", "never"});
    expect_eq("bad option exit", 2, p.status);
    expect("bad option message: " + p.err, p.err.find("--watch") != std::string::npos);
    return why.empty();
}

// mpctl events --follow | head -n 1: mpctl ends quietly once head is gone.
bool test_pipe() {
    int fds[2];
    if (pipe(fds))
        return false;
    pid_t pid = fork();
    if (pid == 0) {
        int e = open("/tmp/pipe.err", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(fds[1], 1);
        dup2(e, 2);
        close(fds[0]);
        execlp("mpctl", "mpctl", "events", "--follow", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    char* page = map_pages(1);
    void* p = page;
    int st = 0;
    move_pages(0, 1, &p, nullptr, &st, 0);
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') {
    }
    close(fds[0]); // the reader goes away
    int status = -1;
    for (int i = 0; i < 200; ++i) { // keep events coming for up to 10 s
        move_pages(0, 1, &p, nullptr, &st, 0);
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        usleep(50000);
    }
    if (status == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        expect("mpctl kept running after its reader closed the pipe", false);
    }
    expect_eq("exit status after closed pipe", 0,
              WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    auto err = slurp("/tmp/pipe.err");
    expect("stderr after closed pipe: " + err,
           err.empty() || err.find("events read") != std::string::npos);
    return why.empty();
}

// mpctl record during a workload, then mpctl report of the file: the same
// counters as the kernel's, and as the workload's own truth.
bool test_record() {
    control("reset");
    const char* file = "/tmp/rec.jsonl";
    pid_t pid = fork();
    if (pid == 0) {
        int e = open("/tmp/record.err", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(e, 2);
        execlp("mpctl", "mpctl", "record", "-o", file, "--duration", "120",
               static_cast<char*>(nullptr));
        _exit(127);
    }
    usleep(300000);
    auto truth = workload();
    usleep(300000);
    kill(pid, SIGINT);
    int st = 0;
    waitpid(pid, &st, 0);
    expect_eq("record exit status", 0, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    auto err = slurp("/tmp/record.err");
    expect("record summary: " + err, err.find("recorded " + std::to_string(truth.calls.size()) +
                                              " events") != std::string::npos);
    auto rep = mpctl_json({"report", file, "--json"});
    truth.compare(rep);
    auto st_json = mpctl_json({"stats", "--json"});
    for (const char* key : {"calls", "returns", "modes", "flags", "pages", "page_status",
                            "query_status", "latency_ns"})
        expect_eq(std::string("report vs stats: ") + key, st_json[key].dump(), rep[key].dump());
    expect_eq("report vs stats: mmu.flush_calls", st_json["mmu"]["flush_calls"].dump(),
              rep["mmu"]["flush_calls"].dump());
    expect_eq("report complete", true, rep["recording"].value("complete", false));
    auto text = mpctl({"report", file});
    expect("report text: " + text.out,
           text.out.find("recording /tmp/rec.jsonl: " + std::to_string(truth.calls.size()) +
                         " events") == 0);

    // --duration ends it on its own.
    auto p = mpctl({"record", "-o", "/tmp/rec2.jsonl", "--duration", "0.5"});
    expect_eq("record --duration exit (stderr: " + p.err + ")", 0, p.status);
    auto empty = mpctl_json({"report", "/tmp/rec2.jsonl", "--json"});
    expect_eq("events of an idle recording", 0, empty.value("calls", -1));
    expect_eq("idle recording complete", true, empty["recording"].value("complete", false));
    return why.empty();
}

// mpctl export writes what stats --format prometheus prints.
bool test_export() {
    control("reset");
    auto truth = workload();
    std::size_t moves = 0;
    for (const auto& c : truth.calls)
        moves += !c.query;
    mkdir("/tmp/prom", 0755);
    auto p = mpctl({"export", "--textfile-dir", "/tmp/prom"});
    expect_eq("export exit (stderr: " + p.err + ")", 0, p.status);
    auto file = slurp("/tmp/prom/mpmon.prom");
    auto direct = mpctl({"stats", "--format", "prometheus"});
    expect_eq("stats --format prometheus exit", 0, direct.status);
    expect("export differs from stats --format prometheus", file == direct.out);
    auto want = "mpmon_calls_total{mode=\"move\"} " + std::to_string(moves) + "\n";
    expect("no '" + want + "' in:\n" + file, file.find(want) != std::string::npos);
    p = mpctl({"export", "--textfile-dir", "/tmp/no/such/dir"});
    expect_eq("export to a missing directory exit", 1, p.status);
    expect("export error: " + p.err, p.err.find("/tmp/no/such/dir") != std::string::npos);
    return why.empty();
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::pair<std::string, bool (*)()>> tests = {
        {"info", test_info},     {"stats", test_stats},   {"events", test_events},
        {"follow", test_follow}, {"filter", test_filter}, {"control", test_control},
        {"errors", test_errors}, {"pipe", test_pipe},     {"record", test_record},
        {"export", test_export}};
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    // The tests read events after their workloads: with the module's
    // default events=auto, calls become events only while a reader is
    // attached, so one is held (a watermark of one event) for the run.
    const int reader = ::open("/dev/mpmon", O_RDONLY | O_CLOEXEC);
    mpmon_wakeup every_event{1, 0, 0};
    if (reader < 0 || ::ioctl(reader, MPMON_IOC_SET_WAKEUP, &every_event) != 0) {
        std::printf("FAIL mpctl/setup: cannot attach a reader: %s\n", std::strerror(errno));
        return 1;
    }
    int failed = 0, passed = 0;
    for (const auto& [name, fn] : tests) {
        bool wanted = argc < 2;
        for (int i = 1; i < argc; ++i)
            wanted |= name == argv[i];
        if (!wanted)
            continue;
        why.clear();
        bool ok = fn() && why.empty();
        if (ok) {
            std::printf("PASS mpctl/%s\n", name.c_str());
            ++passed;
        } else {
            std::printf("FAIL mpctl/%s: %s\n", name.c_str(),
                        why.empty() ? "setup failed" : why.c_str());
            ++failed;
        }
    }
    mpctl({"filter", "--clear"});
    mpctl({"enable"});
    std::printf("MPCTL_CHECK %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
