// Files on the stack backend: open() of a FileTable file, read-only, and
// read() and sendfile() from it, as do_sys_open() and do_sendfile() behave
// for a regular file.
#include <fcntl.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/stack/stack_syscalls.h"

namespace synack::stack {

using Result = interpreter::SyscallResult;

Result StackSyscalls::Open(const char* path, int flags, int /*mode*/) {
  if (path == nullptr) return {-1, EFAULT};
  std::optional<std::vector<uint8_t>> data;
  if (files_ != nullptr) data = files_->Get(path);
  // Writing is not modelled: the files belong to the shell's `dd`.
  if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
    return {-1, data ? EACCES : ENOENT};
  }
  if (!data) return {-1, ENOENT};
  return shared_.Call([&](Stack& s, Instant) -> std::optional<Result> {
    const int fd = s.ReserveFd();
    open_files_[fd] = OpenFile{std::move(*data), 0};
    return Result{fd, 0};
  });
}

Result StackSyscalls::ReadFile(OpenFile& file, const iovec* iov, size_t iovcnt) {
  const int64_t start = file.pos;
  for (size_t i = 0; i < iovcnt; ++i) {
    const auto left = static_cast<size_t>(
        std::max<int64_t>(0, static_cast<int64_t>(file.data.size()) - file.pos));
    const size_t n = std::min(iov[i].iov_len, left);
    if (n == 0) continue;
    if (iov[i].iov_base == nullptr) return {-1, EFAULT};
    std::memcpy(iov[i].iov_base, file.data.data() + file.pos, n);
    file.pos += static_cast<int64_t>(n);
  }
  return {file.pos - start, 0};
}

Result StackSyscalls::Sendfile(int out_fd, int in_fd, int64_t* offset, size_t count) {
  // do_sendfile(): from the offset given (the file position untouched) or
  // from the file position, at most to the end of the file; what the
  // socket took moves the offset on.
  std::vector<uint8_t> chunk;
  const Result checked = shared_.Call([&](Stack& s, Instant) -> std::optional<Result> {
    auto file = open_files_.find(in_fd);
    if (file == open_files_.end()) {
      // A socket cannot be read by sendfile() here; anything else is no file.
      return Result{-1, s.Wakeups(in_fd) ? EINVAL : EBADF};
    }
    const int64_t pos = offset != nullptr ? *offset : file->second.pos;
    if (pos < 0) return Result{-1, EINVAL};
    const std::vector<uint8_t>& data = file->second.data;
    const auto start = static_cast<size_t>(std::min<int64_t>(pos, static_cast<int64_t>(data.size())));
    const size_t n = std::min(count, data.size() - start);
    chunk.assign(data.begin() + static_cast<long>(start),
                 data.begin() + static_cast<long>(start + n));
    return Result{0, 0};
  });
  if (checked.ret < 0) return checked;
  if (chunk.empty()) return {0, 0};
  const iovec iov{chunk.data(), chunk.size()};
  const Result written = WriteFrom(out_fd, &iov, 1, 0);
  if (written.ret <= 0) return written;
  return shared_.Call([&](Stack&, Instant) -> std::optional<Result> {
    if (offset != nullptr) {
      *offset += written.ret;
    } else if (auto file = open_files_.find(in_fd); file != open_files_.end()) {
      file->second.pos += written.ret;
    }
    return written;
  });
}

}  // namespace synack::stack
