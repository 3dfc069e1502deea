// SPDX-License-Identifier: GPL-2.0
#include "recording.hpp"

#include "error.hpp"
#include "format_event.hpp"
#include "format_info.hpp"
#include "json_field.hpp"

#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/utsname.h>

namespace mpctl {

nlohmann::ordered_json recording_header(const mpmon_info& info, const mpmon_filter& filter,
                                        const std::string& started,
                                        const nlohmann::ordered_json& system) {
    nlohmann::ordered_json j;
    j["mpmon_recording"] = recording_format;
    j["mpctl_version"] = MPCTL_VERSION;
    j["started"] = started;
    j["system"] = system;
    j["info"] = info_json(info, filter);
    return j;
}

nlohmann::ordered_json recording_end(const RecordingEnd& end) {
    nlohmann::ordered_json e;
    e["events"] = end.events;
    e["ring_dropped"] = end.ring_dropped;
    e["seconds"] = end.seconds;
    e["ended"] = end.ended;
    return {{"mpmon_recording_end", e}};
}

nlohmann::ordered_json system_json() {
    struct utsname u {};
    if (::uname(&u) != 0)
        return nlohmann::ordered_json::object();
    return {{"nodename", u.nodename}, {"release", u.release}, {"machine", u.machine}};
}

std::string utc_now() {
    auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

namespace {

RecordingEnd end_from_json(const nlohmann::json& j) {
    constexpr std::string_view top = "mpmon_recording_end";
    RecordingEnd end;
    end.events = json_field<std::uint64_t>(j, top, "events");
    end.ring_dropped = json_field<std::uint64_t>(j, top, "ring_dropped");
    end.seconds = json_field<double>(j, top, "seconds");
    end.ended = json_field<std::string>(j, top, "ended");
    return end;
}

} // namespace

Recording read_recording(std::istream& in) {
    Recording r;
    std::string line;
    std::size_t lineno = 0;
    auto fail = [&lineno](const std::string& what) {
        return Error(Exit::failure, fmt::format("line {}: {}", lineno, what));
    };
    while (std::getline(in, line)) {
        ++lineno;
        bool complete = !in.eof(); // getline stopped at a newline
        if (line.empty())
            continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            if (!complete && !r.header.is_null()) {
                r.partial_line = true;
                break;
            }
            throw fail(r.header.is_null() ? "not an mpctl recording (not JSON)" : e.what());
        }
        try {
            if (r.header.is_null()) {
                if (!j.is_object() || !j.contains("mpmon_recording"))
                    throw fail("not an mpctl recording (no mpmon_recording header)");
                auto version = json_field<int>(j, "", "mpmon_recording");
                if (version != recording_format)
                    throw fail(fmt::format("recording format {} (this mpctl reads {})", version,
                                           recording_format));
                r.info = info_from_json(json_member(j, "", "info"));
                r.header = std::move(j);
            } else if (j.contains("mpmon_recording_end")) {
                r.end = end_from_json(j.at("mpmon_recording_end"));
            } else {
                if (r.end)
                    throw fail("event after the end of the recording");
                r.events.push_back(event_from_json(j));
            }
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw fail(e.what());
        }
    }
    if (r.header.is_null())
        throw Error(Exit::failure, "empty file: not an mpctl recording");
    return r;
}

} // namespace mpctl
