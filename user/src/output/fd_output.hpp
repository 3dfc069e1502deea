// SPDX-License-Identifier: GPL-2.0
// Output to a file descriptor whose every write is checked and whose
// failure keeps its errno: std::cout and std::ofstream say only that a
// write failed, not why (a closed pipe ends mpctl quietly, a full disk must
// not), and an ofstream's last flush, in its destructor, is not checked.
#pragma once

#include "common/error.hpp"
#include "common/unique_fd.hpp"

#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace mpctl {

// A buffered streambuf on a descriptor it does not own.  After the first
// failed write it takes nothing more, so the stream using it goes bad.
class FdOutput : public std::streambuf {
public:
    explicit FdOutput(int fd);
    FdOutput(const FdOutput&) = delete;
    FdOutput& operator=(const FdOutput&) = delete;

    // errno of the first failed write; 0 while none failed.
    int error() const noexcept { return error_; }
    // Writes out what is buffered; false if that or an earlier write failed.
    bool flush();

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

private:
    bool write_all(const char* data, std::size_t size);

    int fd_;
    int error_ = 0;
    std::vector<char> buf_;
};

// A file created (or truncated) for writing, as a stream; close() writes
// out the rest and closes the descriptor, checking both.  Destroyed
// without close() (after an error elsewhere), it closes unchecked.
class OutputFile {
public:
    // Throws Error (Exit::failure) "PATH: cannot create: REASON".
    explicit OutputFile(const std::string& path);

    std::ostream& stream() noexcept { return stream_; }
    // errno of the first failed write or close; 0 while none failed.
    int error() const noexcept { return error_ ? error_ : buf_.error(); }
    // Throws Error (Exit::failure) "PATH: cannot write: REASON".
    void close();

private:
    std::string path_;
    UniqueFd fd_;
    FdOutput buf_;
    std::ostream stream_;
    int error_ = 0; // of close()
};

// At exit, as coreutils' close_stdout: writes out what out (on standard
// output) holds and closes the descriptor.  A failure is said on diag and
// makes the status a failure, unless the reader went away (EPIPE, with
// SIGPIPE ignored): that ends mpctl quietly, with the status it had.
Exit close_stdout(FdOutput& out, std::ostream& diag, Exit status);

} // namespace mpctl
