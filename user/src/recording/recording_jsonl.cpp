// SPDX-License-Identifier: GPL-2.0
// The JSON Lines recordings of mpctl 1.2 and before, read line by line:
//
//   line 1   {"mpmon_recording": 1, "started": ..., "system": {...}, "info": {...}}
//   then     one event per line, as mpctl events --json prints it
//   last     {"mpmon_recording_end": {"events": N, "ring_dropped": N, ...}}
#include "common/error.hpp"
#include "recording/json_field.hpp"
#include "recording/parse_event_json.hpp"
#include "recording/parse_info_json.hpp"
#include "recording/recording.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mpctl {

namespace {

constexpr int json_lines_format = 1;

RecordingEnd end_from_json(const nlohmann::json& j) {
    constexpr std::string_view top = "mpmon_recording_end";
    RecordingEnd end;
    end.events = json_field<std::uint64_t>(j, top, "events");
    end.ring_dropped = json_field<std::uint64_t>(j, top, "ring_dropped");
    end.seconds = json_field<double>(j, top, "seconds");
    end.ended = json_field<std::string>(j, top, "ended");
    return end;
}

std::string string_or_empty(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class JsonLinesReader final : public RecordingReader {
public:
    explicit JsonLinesReader(std::istream& in) : in_(in) {
        header_.kind = RecordingKind::json_lines;
        nlohmann::json j;
        if (!next_line(j))
            throw Error(Exit::failure, "empty file: not an mpctl recording");
        try {
            if (!j.is_object() || !j.contains("mpmon_recording"))
                throw fail("not an mpctl recording (no mpmon_recording header)");
            auto version = json_field<int>(j, "", "mpmon_recording");
            if (version != json_lines_format)
                throw fail(fmt::format("recording format {} (this mpctl reads {})", version,
                                       json_lines_format));
            header_.format_major = static_cast<std::uint32_t>(version);
            header_.info = info_from_json(json_member(j, "", "info"));
            header_.event_size = sizeof(mpmon_event);
            header_.big_endian = header_.info.big_endian != 0;
            header_.started = string_or_empty(j, "started");
            header_.mpctl_version = string_or_empty(j, "mpctl_version");
            if (auto sys = j.find("system"); sys != j.end() && sys->is_object()) {
                header_.system.nodename = string_or_empty(*sys, "nodename");
                header_.system.release = string_or_empty(*sys, "release");
                header_.system.machine = string_or_empty(*sys, "machine");
            }
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw fail(e.what());
        }
    }

    std::size_t read(std::span<mpmon_event> buf) override {
        std::size_t n = 0;
        nlohmann::json j;
        while (n < buf.size() && !done_ && next_line(j)) {
            try {
                if (j.contains("mpmon_recording_end")) {
                    if (end_)
                        throw fail("a second end line");
                    end_ = end_from_json(j.at("mpmon_recording_end"));
                } else {
                    if (end_)
                        throw fail("event after the end of the recording");
                    buf[n++] = event_from_json(j);
                    ++events_;
                }
            } catch (const Error&) {
                throw;
            } catch (const std::exception& e) {
                throw fail(e.what());
            }
        }
        if (n == 0 && !finished_)
            finish();
        return n;
    }

private:
    Error fail(const std::string& what) const {
        return Error(Exit::failure, fmt::format("line {}: {}", lineno_, what));
    }

    // The next non-empty line as JSON; false at the end of the file or of
    // a half-written last line.
    bool next_line(nlohmann::json& j) {
        while (!done_ && std::getline(in_, line_)) {
            ++lineno_;
            bool complete = !in_.eof(); // getline stopped at a newline
            if (line_.empty())
                continue;
            try {
                j = nlohmann::json::parse(line_);
                return true;
            } catch (const nlohmann::json::exception& e) {
                if (lineno_ > 1 && !complete) {
                    partial_line_ = true;
                    done_ = true;
                    return false;
                }
                throw fail(lineno_ == 1 ? "not an mpctl recording (not JSON)" : e.what());
            }
        }
        done_ = true;
        return false;
    }

    void finish() {
        finished_ = true;
        if (!end_)
            warnings_.emplace_back("it has no end line: the recording was cut short (events lost "
                                   "after it are not known)");
        if (partial_line_)
            warnings_.emplace_back("ignored a half-written last line");
        if (end_ && end_->events != events_)
            warnings_.push_back(fmt::format("the end line counts {} events, the file holds {}",
                                            end_->events, events_));
    }

    std::istream& in_;
    std::string line_;
    std::size_t lineno_ = 0;
    std::uint64_t events_ = 0;
    bool done_ = false, finished_ = false, partial_line_ = false;
};

} // namespace

std::unique_ptr<RecordingReader> open_json_lines_recording(std::istream& in) {
    return std::make_unique<JsonLinesReader>(in);
}

} // namespace mpctl
