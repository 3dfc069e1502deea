// SPDX-License-Identifier: GPL-2.0
#include "event_json_line.hpp"

#include "decode.hpp"
#include "format_event.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>

namespace mpctl {

namespace {

// RapidJSON writes UTF-8 in char8_t units here, not char.  A store of a
// char may alias any object, so with char the compiler reloads and stores
// the buffer's end pointer around every byte of the line; a char8_t store
// aliases nothing else, and the same Writer runs about twice as fast.  The
// bytes are the same; strings come in as char and are copied (all short).
using Utf8 = rapidjson::UTF8<char8_t>;
using Buffer8 = rapidjson::GenericStringBuffer<Utf8>;
using Writer = rapidjson::Writer<Buffer8, Utf8, Utf8>;

std::u8string u8(std::string_view s) {
    return {s.begin(), s.end()};
}

// Text as a JSON string, quotes included, as nlohmann prints it (with
// U+FFFD for invalid UTF-8): what every other JSON of mpctl holds.
std::u8string nlohmann_string(std::string_view text) {
    std::string q = json_line(nlohmann::ordered_json(std::string(text)));
    q.pop_back(); // '\n'
    return u8(q);
}

// Names that may be in any line, quoted once (the keys are quoted when
// mpctl is compiled, below): they go out as they are, without RapidJSON
// looking at each of their characters for escapes.
struct Names {
    std::array<std::u8string, MPMON_PERR_NR> page_err;
    std::array<std::u8string, event_flag_names.size()> event_flag;
    Names() {
        for (unsigned c = 0; c < MPMON_PERR_NR; ++c)
            page_err[c] = nlohmann_string(page_err_name(c));
        for (std::size_t i = 0; i < event_flag_names.size(); ++i)
            event_flag[i] = nlohmann_string(event_flag_names[i].second);
    }
};

const Names& names() {
    static const Names n;
    return n;
}

// A key known when mpctl is compiled, quoted then: key<"seq">(w).  Only
// characters that JSON leaves as they are may be in it.
template <std::size_t N> struct Key {
    std::array<char8_t, N + 1> text{};
    // NOLINTNEXTLINE(google-explicit-constructor): key<"seq"> needs it implicit
    consteval Key(const char (&name)[N]) {
        text[0] = '"';
        for (std::size_t i = 0; i + 1 < N; ++i) {
            if (name[i] < 0x20 || name[i] > 0x7e || name[i] == '"' || name[i] == '\\')
                throw "a key that JSON would escape";
            text[i + 1] = static_cast<char8_t>(name[i]);
        }
        text[N] = '"';
    }
};

template <Key k> void key(Writer& w) {
    w.RawValue(k.text.data(), k.text.size(), rapidjson::kStringType);
}

// An already quoted string, as a key or a value.
void raw_string(Writer& w, std::u8string_view q) {
    w.RawValue(q.data(), q.size(), rapidjson::kStringType);
}

// A string RapidJSON escapes as it writes it.
void string(Writer& w, std::string_view s) {
    std::array<char8_t, 64> buf{};
    if (s.size() <= buf.size()) {
        std::copy(s.begin(), s.end(), buf.begin());
        w.String(buf.data(), static_cast<rapidjson::SizeType>(s.size()));
        return;
    }
    auto t = u8(s);
    w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
}

// A string of prefix and a number (digits need no escapes), as fmt's {}
// and {:#x} print them: "node-1", "0x7fff0000".
template <typename T> void quoted_number(Writer& w, std::string_view prefix, T value, int base) {
    std::array<char, 32> buf{};
    buf[0] = '"';
    auto* p = std::copy(prefix.begin(), prefix.end(), buf.begin() + 1);
    p = std::to_chars(p, buf.end() - 1, value, base).ptr;
    *p++ = '"';
    std::array<char8_t, 32> b8{};
    std::copy(buf.data(), p, b8.begin());
    raw_string(w, std::u8string_view(b8.data(), static_cast<std::size_t>(p - buf.data())));
}

// Printable ASCII: RapidJSON escapes exactly what nlohmann escapes (" and
// \), and there is no UTF-8 to check.
bool plain_ascii(std::string_view s) {
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

// A comm is whatever bytes a process chose.  The rare one with control
// characters or bytes above 0x7e goes through nlohmann, so that its escapes
// and U+FFFD replacements are those of every other JSON mpctl prints.
void comm(Writer& w, std::string_view c) {
    if (plain_ascii(c))
        string(w, c);
    else
        raw_string(w, nlohmann_string(c));
}

// The outcome object: node keys first, then per-page errors.  As with
// nlohmann's ordered_json, a node seen twice keeps its first place and its
// last count.
void outcome(Writer& w, const mpmon_event& ev) {
    struct NodePages {
        std::int32_t node;
        std::uint32_t pages;
    };
    std::array<NodePages, MPMON_EVENT_NODES> nodes{};
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < std::min<std::uint32_t>(ev.nr_node_pages, MPMON_EVENT_NODES);
         ++i) {
        const auto& np = ev.node_pages[i];
        std::size_t k = 0;
        while (k < n && nodes[k].node != np.node)
            ++k;
        if (k == n)
            nodes[n++].node = np.node;
        nodes[k].pages = np.pages;
    }
    w.StartObject();
    for (std::size_t k = 0; k < n; ++k) {
        quoted_number(w, "node", nodes[k].node, 10);
        w.Uint(nodes[k].pages);
    }
    for (unsigned c = 0; c < MPMON_PERR_NR; ++c) {
        if (ev.page_err[c]) {
            raw_string(w, names().page_err[c]);
            w.Uint(ev.page_err[c]);
        }
    }
    w.EndObject();
}

void event(Writer& w, const mpmon_event& ev) {
    bool query = ev.mode == MPMON_MODE_QUERY;
    std::size_t n = forensic_entries(ev);
    w.StartObject();
    key<"seq">(w);
    w.Uint64(ev.seq);
    key<"ts_ns">(w);
    w.Uint64(ev.ts_ns);
    key<"latency_ns">(w);
    w.Uint64(ev.latency_ns);
    key<"cpu">(w);
    w.Uint(ev.cpu);
    key<"cpu_node">(w);
    w.Int(ev.cpu_node);
    key<"tgid">(w);
    w.Uint(ev.tgid);
    key<"pid">(w);
    w.Uint(ev.pid);
    key<"uid">(w);
    w.Uint(ev.uid);
    key<"comm">(w);
    comm(w, std::string_view(ev.comm, strnlen(ev.comm, sizeof(ev.comm))));
    key<"target_pid">(w);
    w.Int(ev.target_pid);
    key<"count">(w);
    w.Uint64(ev.count);
    key<"mp_flags">(w);
    w.Uint(ev.mp_flags);
    key<"flags">(w);
    string(w, flags_name(ev.mp_flags));
    key<"mode">(w);
    string(w, mode_name(ev.mode));
    key<"ret">(w);
    w.Int64(ev.ret);
    key<"result">(w);
    string(w, result_class(ev.ret));
    // Addresses as hex strings: jq's doubles would round 64-bit numbers.
    key<"pages">(w);
    w.StartArray();
    for (std::size_t i = 0; i < n; ++i)
        quoted_number(w, "0x", ev.pages[i], 16);
    w.EndArray();
    key<"nodes">(w);
    if (query) {
        w.Null();
    } else {
        w.StartArray();
        for (std::size_t i = 0; i < n; ++i)
            w.Int(ev.nodes[i]);
        w.EndArray();
    }
    key<"status">(w);
    w.StartArray();
    for (std::size_t i = 0; i < n; ++i) {
        if (status_entry_written(ev, i))
            w.Int(ev.status[i]);
        else
            w.Null();
    }
    w.EndArray();
    key<"outcome">(w);
    outcome(w, ev);
    key<"node_overflow">(w);
    w.Uint(ev.node_overflow);
    key<"pages_written">(w);
    w.Uint64(ev.pages_written);
    key<"pages_not_written">(w);
    w.Uint64(ev.pages_not_written);
    key<"pages_truncated">(w);
    w.Uint64(ev.pages_truncated);
    key<"pages_unknown">(w);
    w.Uint64(ev.pages_unknown);
    key<"flush_calls">(w);
    w.Uint64(ev.flush_calls);
    key<"flush_pages">(w);
    w.Uint64(ev.flush_pages);
    key<"event_flags">(w);
    w.StartArray();
    for (std::size_t i = 0; i < event_flag_names.size(); ++i)
        if (ev.flags & event_flag_names[i].first)
            raw_string(w, names().event_flag[i]);
    w.EndArray();
    w.EndObject();
}

} // namespace

struct EventJsonLines::Buffer {
    Buffer8 text;
    Writer writer{text};
};

EventJsonLines::EventJsonLines() : buf_(std::make_unique<Buffer>()) {}

EventJsonLines::~EventJsonLines() = default;

void EventJsonLines::add(const mpmon_event& ev) {
    buf_->writer.Reset(buf_->text);
    event(buf_->writer, ev);
    buf_->text.Put('\n');
}

std::string_view EventJsonLines::text() const {
    // A char may read any object, char8_t ones included.
    return {reinterpret_cast<const char*>(buf_->text.GetString()), buf_->text.GetSize()};
}

void EventJsonLines::clear() noexcept {
    buf_->text.Clear();
}

} // namespace mpctl
