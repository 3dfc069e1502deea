// SPDX-License-Identifier: GPL-2.0
#include "output/textfile.hpp"

#include "common/error.hpp"
#include "common/unique_fd.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace mpctl {

namespace {

Error file_error(const std::string& what, const std::string& path, int err) {
    return Error(Exit::failure, fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

void write_all(int fd, std::string_view content, const std::string& path) {
    while (!content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw file_error("cannot write", path, errno);
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace

void replace_file(const std::string& dir, const std::string& name, std::string_view content) {
    std::string path = dir + "/" + name;
    // A dot file: the collector reads only *.prom.
    std::string tmp = fmt::format("{}/.{}.{}.tmp", dir, name, ::getpid());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        throw file_error("cannot create", tmp, errno);
    try {
        write_all(fd.get(), content, tmp);
        if (::fsync(fd.get()) != 0)
            throw file_error("cannot sync", tmp, errno);
        // close() reports a failed write-back (NFS, quota) that write() did not.
        if (::close(fd.release()) != 0)
            throw file_error("cannot write", tmp, errno);
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            throw file_error("cannot rename to", path, errno);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

} // namespace mpctl
