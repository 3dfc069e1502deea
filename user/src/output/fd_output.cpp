// SPDX-License-Identifier: GPL-2.0
#include "output/fd_output.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace mpctl {

namespace {
// Batches of events are written in one write() each, past the buffer.
constexpr std::size_t buffer_size = std::size_t{64} << 10;

UniqueFd create(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (!fd)
        throw Error(Exit::failure,
                    fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
    return fd;
}
} // namespace

FdOutput::FdOutput(int fd) : fd_(fd) {
    buf_.resize(buffer_size);
    setp(buf_.data(), buf_.data() + buf_.size());
}

bool FdOutput::write_all(const char* data, std::size_t size) {
    while (size > 0 && error_ == 0) {
        ssize_t n = ::write(fd_, data, size);
        if (n < 0) {
            if (errno != EINTR)
                error_ = errno;
            continue;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return error_ == 0;
}

bool FdOutput::flush() {
    auto pending = static_cast<std::size_t>(pptr() - pbase());
    setp(buf_.data(), buf_.data() + buf_.size());
    if (error_ != 0)
        return false;
    return write_all(buf_.data(), pending);
}

FdOutput::int_type FdOutput::overflow(int_type c) {
    if (!flush())
        return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof()))
        return traits_type::not_eof(c);
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
    return c;
}

std::streamsize FdOutput::xsputn(const char* s, std::streamsize n) {
    if (error_ != 0)
        return 0;
    auto size = static_cast<std::size_t>(n);
    if (size <= static_cast<std::size_t>(epptr() - pptr())) {
        std::memcpy(pptr(), s, size);
        pbump(static_cast<int>(n));
        return n;
    }
    if (!flush() || !write_all(s, size))
        return 0;
    return n;
}

int FdOutput::sync() {
    return flush() ? 0 : -1;
}

OutputFile::OutputFile(const std::string& path)
    : path_(path), fd_(create(path)), buf_(fd_.get()), stream_(&buf_) {}

void OutputFile::close() {
    bool written = buf_.flush();
    // close() reports a failed write-back (NFS, quota) that write() did not.
    if (fd_ && ::close(fd_.release()) != 0 && written)
        error_ = errno;
    if (int err = error())
        throw Error(Exit::failure, fmt::format("{}: cannot write: {}", path_, std::strerror(err)));
}

Exit close_stdout(FdOutput& out, std::ostream& diag, Exit status) {
    int err = out.flush() ? 0 : out.error();
    // close() reports a failed write-back (NFS, quota) that write() did
    // not; a descriptor closed from the start was never written to.
    if (err == 0 && ::close(STDOUT_FILENO) != 0 && errno != EBADF)
        err = errno;
    if (err == 0 || err == EPIPE)
        return status;
    diag << fmt::format("mpctl: standard output: {}\n", std::strerror(err));
    diag.flush();
    return status == Exit::ok ? Exit::failure : status;
}

} // namespace mpctl
