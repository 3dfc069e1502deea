// SPDX-License-Identifier: GPL-2.0
// The binary recording, read front to back (a pipe will do): the header,
// the event blocks one event at a time, the trailer and the footer, each
// checked, in the producer's byte order converted to this machine's.
#include "common/error.hpp"
#include "common/text.hpp"
#include "recording/recording.hpp"
#include "recording/recording_format.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fmt/format.h>
#include <string_view>
#include <vector>

namespace mpctl {

namespace {

constexpr std::uint32_t swapped_mark = __builtin_bswap32(recording_byte_order_mark);

std::string tag_text(const char (&tag)[4]) {
    return printable(std::string_view(tag, sizeof(tag)));
}

class BinaryReader final : public RecordingReader {
public:
    explicit BinaryReader(std::istream& in) : in_(in), event_buf_() {
        header_.kind = RecordingKind::binary;
        read_header();
    }

    std::size_t read(std::span<mpmon_event> buf) override {
        std::size_t n = 0;
        while (n < buf.size() && !done_) {
            if (left_in_block_ == 0) {
                next_block();
                continue;
            }
            if (!read_event(buf[n]))
                break;
            ++n;
            --left_in_block_;
            ++events_;
        }
        if (n == 0 && !finished_)
            finish();
        return n;
    }

private:
    Error fail(std::uint64_t at, const std::string& what) const {
        return Error(Exit::failure, fmt::format("byte {}: {}", at, what));
    }

    // Reads size bytes; how many there were (fewer at the end of the file).
    std::size_t take(void* dst, std::size_t size) {
        in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(size));
        auto got = static_cast<std::size_t>(in_.gcount());
        offset_ += got;
        if (got < size && in_.bad())
            throw fail(offset_, "cannot read the file");
        return got;
    }

    // Reads size bytes that must be there: what, for the message.
    void take_all(void* dst, std::size_t size, std::string_view what) {
        auto at = offset_;
        auto got = take(dst, size);
        if (got < size)
            throw fail(at + got, fmt::format("the file ends inside {} (expected {} bytes from "
                                             "byte {}, found {})",
                                             what, size, at, got));
    }

    void skip_all(std::uint64_t size, std::string_view what) {
        char scratch[256];
        while (size > 0) {
            auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(size, sizeof(scratch)));
            take_all(scratch, chunk, what);
            size -= chunk;
        }
    }

    template <typename T> void convert(T& v) const {
        if (swapped_)
            swap_bytes(v);
    }

    // A section of an ABI struct: size bytes in the file, of which the
    // struct takes what it knows; zero where the file has less.
    template <typename T> void read_struct(T& dst, std::uint32_t size, std::string_view what) {
        dst = T{};
        auto known = std::min<std::size_t>(size, sizeof(T));
        take_all(&dst, known, what);
        skip_all(pad8(size) - known, what);
        convert(dst);
    }

    void check_size(std::uint64_t at, std::string_view field, std::uint32_t value,
                    std::uint32_t min) const {
        if (value < min || value > recording_max_section)
            throw fail(at, fmt::format("{} {} is not from {} to {}: the header is damaged", field,
                                       value, min, recording_max_section));
    }

    void read_header() {
        RecordingFileHeader h{};
        constexpr std::size_t magic_and_mark = offsetof(RecordingFileHeader, endianness);
        take_all(&h, magic_and_mark, "the header");
        if (std::memcmp(h.magic, recording_magic.data(), sizeof(h.magic)) != 0)
            throw fail(0, fmt::format("not an mpctl recording: expected the magic MPMONREC, found "
                                      "'{}'",
                                      printable(std::string_view(h.magic, sizeof(h.magic)))));
        if (h.byte_order == swapped_mark)
            swapped_ = true;
        else if (h.byte_order != recording_byte_order_mark)
            throw fail(8, fmt::format("byte-order mark {:#010x} is neither 0x01020304 nor "
                                      "0x04030201: the header is damaged",
                                      h.byte_order));
        take_all(reinterpret_cast<char*>(&h) + magic_and_mark, sizeof(h) - magic_and_mark,
                 "the header");
        convert(h);
        header_.big_endian = (std::endian::native == std::endian::big) != swapped_;
        std::uint32_t expected =
            header_.big_endian ? recording_big_endian : recording_little_endian;
        if (h.endianness != expected)
            throw fail(offsetof(RecordingFileHeader, endianness),
                       fmt::format("endianness {} contradicts the byte-order mark (expected {}): "
                                   "the header is damaged",
                                   h.endianness, expected));
        if (h.format_major != recording_format_major)
            throw fail(offsetof(RecordingFileHeader, format_major),
                       fmt::format("recording format {}.{} (this mpctl reads format {})",
                                   h.format_major, h.format_minor, recording_format_major));
        header_.format_major = h.format_major;
        header_.format_minor = h.format_minor;
        check_size(offsetof(RecordingFileHeader, fixed_size), "fixed_size", h.fixed_size,
                   sizeof(RecordingFileHeader));
        check_size(offsetof(RecordingFileHeader, event_size), "event_size", h.event_size,
                   recording_min_event_size);
        check_size(offsetof(RecordingFileHeader, info_size), "info_size", h.info_size,
                   recording_min_info_size);
        check_size(offsetof(RecordingFileHeader, filter_size), "filter_size", h.filter_size,
                   recording_min_filter_size);
        check_size(offsetof(RecordingFileHeader, uname_size), "uname_size", h.uname_size,
                   sizeof(RecordingUname));
        std::uint64_t sections =
            pad8(h.fixed_size) + pad8(h.info_size) + pad8(h.filter_size) + pad8(h.uname_size);
        if (h.header_size < sections || h.header_size > 4 * recording_max_section ||
            h.header_size % 8 != 0)
            throw fail(offsetof(RecordingFileHeader, header_size),
                       fmt::format("header_size {} does not hold its sections ({} bytes, a "
                                   "multiple of 8): the header is damaged",
                                   h.header_size, sections));
        if (h.event_size % 8 != 0)
            throw fail(offsetof(RecordingFileHeader, event_size),
                       fmt::format("event_size {} is not a multiple of 8: the header is damaged",
                                   h.event_size));
        skip_all(pad8(h.fixed_size) - sizeof(h), "the header");
        read_struct(header_.info, h.info_size, "the info section");
        read_struct(header_.filter, h.filter_size, "the filter section");
        RecordingUname u{};
        read_struct(u, h.uname_size, "the uname section");
        skip_all(h.header_size - sections, "the header");
        header_.event_size = h.event_size;
        header_.system = {from_field(u.sysname), from_field(u.nodename), from_field(u.release),
                          from_field(u.version), from_field(u.machine)};
        header_.mpctl_version = from_field(h.mpctl_version);
        header_.started = utc_time(h.started_ns);
        header_.clock_offset_ns = h.clock_offset_ns;
        event_buf_.resize(h.event_size);
    }

    // At a block's start: an event block, the trailer, or the end of a
    // file cut short.
    void next_block() {
        auto at = offset_;
        EventBlockHeader b{};
        auto got = take(&b, sizeof(b));
        if (got == 0) {
            done_ = true;
            return;
        }
        if (got < sizeof(b)) {
            cut_short(at,
                      fmt::format("inside the header of a block ({} of {} bytes)", got, sizeof(b)));
            return;
        }
        if (std::memcmp(b.tag, trailer_tag.data(), sizeof(b.tag)) == 0) {
            read_trailer(at, b);
            return;
        }
        if (std::memcmp(b.tag, event_block_tag.data(), sizeof(b.tag)) != 0)
            throw fail(at, fmt::format("expected an event block (EVNT) or the trailer (TAIL), "
                                       "found '{}': the file is damaged",
                                       tag_text(b.tag)));
        convert(b);
        block_at_ = at;
        left_in_block_ = b.count;
    }

    bool read_event(mpmon_event& ev) {
        auto at = offset_;
        auto got = take(event_buf_.data(), event_buf_.size());
        if (got == 0) {
            done_ = true; // between two events: finish() says it
            return false;
        }
        if (got < event_buf_.size()) {
            cut_short(at + got, fmt::format("inside an event ({} of {} bytes, in the block at "
                                            "byte {})",
                                            got, event_buf_.size(), block_at_));
            return false;
        }
        ev = mpmon_event{};
        std::memcpy(&ev, event_buf_.data(), std::min(event_buf_.size(), sizeof(ev)));
        convert(ev);
        return true;
    }

    void read_trailer(std::uint64_t at, const EventBlockHeader& first) {
        RecordingTrailer t{};
        std::memcpy(&t, &first, sizeof(first));
        auto rest = sizeof(t) - sizeof(first);
        if (auto got = take(reinterpret_cast<char*>(&t) + sizeof(first), rest); got < rest) {
            cut_short(at + sizeof(first) + got, "inside the trailer");
            return;
        }
        convert(t);
        if (t.stats_size < recording_min_stats_size || t.stats_size > recording_max_section)
            throw fail(at + offsetof(RecordingTrailer, stats_size),
                       fmt::format("stats_size {} is not from {} to {}: the trailer is damaged",
                                   t.stats_size, recording_min_stats_size, recording_max_section));
        std::uint64_t expected = sizeof(t) + 2 * pad8(t.stats_size) + sizeof(RecordingFooter);
        if (t.size != expected)
            throw fail(at + offsetof(RecordingTrailer, size),
                       fmt::format("trailer size {} is not {} (with stats_size {}): the trailer "
                                   "is damaged",
                                   t.size, expected, t.stats_size));
        // The rest of the trailer at once: a file may end inside it.
        std::vector<char> rest_of(t.size - sizeof(t));
        if (auto got = take(rest_of.data(), rest_of.size()); got < rest_of.size()) {
            cut_short(at + sizeof(t) + got, "inside the trailer");
            return;
        }
        RecordingEnd end;
        end.events = t.events;
        end.ring_dropped = t.ring_dropped;
        end.seconds = static_cast<double>(t.duration_ns) / 1e9;
        end.ended = utc_time(t.ended_ns);
        auto stats_at = [&](std::size_t k) {
            mpmon_stats s{};
            std::memcpy(&s, rest_of.data() + k * pad8(t.stats_size),
                        std::min<std::size_t>(t.stats_size, sizeof(s)));
            convert(s);
            return s;
        };
        if (t.stats_flags & recording_stats_at_start)
            end.stats_start = stats_at(0);
        if (t.stats_flags & recording_stats_at_end)
            end.stats_end = stats_at(1);
        RecordingFooter f{};
        std::memcpy(&f, rest_of.data() + rest_of.size() - sizeof(f), sizeof(f));
        convert(f);
        if (std::memcmp(f.magic, recording_end_magic.data(), sizeof(f.magic)) != 0 ||
            f.trailer_offset != at)
            throw fail(offset_ - sizeof(f),
                       fmt::format("expected the footer (the trailer's offset {} and MPMONEND), "
                                   "found offset {} and '{}': the file is damaged",
                                   at, f.trailer_offset,
                                   printable(std::string_view(f.magic, sizeof(f.magic)))));
        char extra = 0;
        if (take(&extra, 1) != 0)
            throw fail(offset_ - 1, "data after the footer: the file is damaged");
        end_ = end;
        done_ = true;
    }

    void cut_short(std::uint64_t at, const std::string& where) {
        half_written_ = fmt::format("the file ends at byte {}, {}: ignored that last, "
                                    "half-written record",
                                    at, where);
        done_ = true;
    }

    void finish() {
        finished_ = true;
        if (!half_written_.empty())
            warnings_.push_back(half_written_);
        else if (left_in_block_)
            warnings_.push_back(fmt::format("the file ends at byte {}, {} events short of the "
                                            "count of the block at byte {}",
                                            offset_, left_in_block_, block_at_));
        if (!end_)
            warnings_.push_back(fmt::format(
                "it has no trailer: the recording was cut short after {} events at byte {} "
                "(events lost after it are not known)",
                events_, offset_));
        if (end_ && end_->events != events_)
            warnings_.push_back(fmt::format("the trailer counts {} events, the file holds {}",
                                            end_->events, events_));
    }

    std::istream& in_;
    std::vector<char> event_buf_;
    std::uint64_t offset_ = 0;
    std::uint64_t block_at_ = 0;
    std::uint64_t left_in_block_ = 0;
    std::uint64_t events_ = 0;
    std::string half_written_;
    bool swapped_ = false, done_ = false, finished_ = false;
};

} // namespace

std::unique_ptr<RecordingReader> open_binary_recording(std::istream& in) {
    return std::make_unique<BinaryReader>(in);
}

} // namespace mpctl
