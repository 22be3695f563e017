// Files and pipes on the stack backend: open() of a FileTable file,
// read-only, and read() and sendfile() from it, as do_sys_open() and
// do_sendfile() behave for a regular file; pipe(), read() and write() on
// its ends, and splice() between a pipe and a socket or file.
#include <fcntl.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

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

// --- Pipes -------------------------------------------------------------------

namespace {

size_t TotalLength(const iovec* iov, size_t iovcnt) {
  size_t total = 0;
  for (size_t i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
  return total;
}

// A pipe holds 16 pages (pipe_max_size's default ring); bytes here rather
// than page buffers, which only matters to a splice of many small pieces.
constexpr size_t kPipeCapacity = 16 * 4096;

}  // namespace

Result StackSyscalls::Pipe(int fds[2]) {
  if (fds == nullptr) return {-1, EFAULT};
  return shared_.Call([&](Stack& s, Instant) -> std::optional<Result> {
    auto pipe = std::make_shared<PipeBuffer>();
    fds[0] = s.ReserveFd();
    fds[1] = s.ReserveFd();
    pipes_[fds[0]] = PipeEnd{pipe, false};
    pipes_[fds[1]] = PipeEnd{pipe, true};
    return Result{0, 0};
  });
}

std::optional<Result> StackSyscalls::PipeRead(PipeEnd& end, const iovec* iov, size_t iovcnt) {
  // pipe_read(): what is there; end of file once no writer is left.
  if (end.write) return Result{-1, EBADF};
  std::deque<uint8_t>& data = end.pipe->data;
  if (data.empty()) {
    if (!end.pipe->writer) return Result{0, 0};
    return std::nullopt;
  }
  size_t copied = 0;
  for (size_t i = 0; i < iovcnt && !data.empty(); ++i) {
    const size_t n = std::min(iov[i].iov_len, data.size());
    if (n == 0) continue;
    if (iov[i].iov_base == nullptr) return Result{-1, EFAULT};
    std::copy_n(data.begin(), n, static_cast<uint8_t*>(iov[i].iov_base));
    data.erase(data.begin(), data.begin() + static_cast<long>(n));
    copied += n;
  }
  return Result{static_cast<int64_t>(copied), 0};
}

std::optional<Result> StackSyscalls::PipeWrite(PipeEnd& end, const iovec* iov, size_t iovcnt) {
  // pipe_write(): EPIPE with no reader (SIGPIPE is not modelled); what
  // fits, waiting while nothing does.
  if (!end.write) return Result{-1, EBADF};
  if (!end.pipe->reader) return Result{-1, EPIPE};
  std::deque<uint8_t>& data = end.pipe->data;
  if (TotalLength(iov, iovcnt) == 0) return Result{0, 0};
  if (data.size() >= kPipeCapacity) return std::nullopt;
  size_t copied = 0;
  for (size_t i = 0; i < iovcnt && data.size() < kPipeCapacity; ++i) {
    const size_t n = std::min(iov[i].iov_len, kPipeCapacity - data.size());
    if (n == 0) continue;
    if (iov[i].iov_base == nullptr) return Result{-1, EFAULT};
    const auto* base = static_cast<const uint8_t*>(iov[i].iov_base);
    data.insert(data.end(), base, base + n);
    copied += n;
  }
  return Result{static_cast<int64_t>(copied), 0};
}

Result StackSyscalls::Splice(int fd_in, int64_t* off_in, int fd_out, int64_t* off_out,
                             size_t len, unsigned flags) {
  // do_splice(): one side must be a pipe; a pipe or socket takes no
  // offset (ESPIPE). Modelled: socket or file into a pipe, a pipe into a
  // socket. SPLICE_F_MORE and SPLICE_F_MOVE change nothing here.
  const bool nonblocking = flags & SPLICE_F_NONBLOCK;
  std::vector<uint8_t> moved;
  enum class Kind { kNone, kSocketToPipe, kFileToPipe, kPipeToSocket };
  Kind kind = Kind::kNone;
  const Result r = shared_.Call([&](Stack& s, Instant now) -> std::optional<Result> {
    auto in_pipe = pipes_.find(fd_in);
    auto out_pipe = pipes_.find(fd_out);
    auto in_file = open_files_.find(fd_in);
    const bool in_socket = s.Wakeups(fd_in).has_value();
    const bool out_socket = s.Wakeups(fd_out).has_value();
    if ((in_pipe == pipes_.end() && in_file == open_files_.end() && !in_socket) ||
        (out_pipe == pipes_.end() && !out_socket && open_files_.count(fd_out) == 0)) {
      return Result{-1, EBADF};
    }
    if ((in_pipe != pipes_.end() && in_pipe->second.write) ||
        (out_pipe != pipes_.end() && !out_pipe->second.write) || open_files_.count(fd_out)) {
      return Result{-1, EBADF};
    }
    if (out_pipe != pipes_.end() && in_pipe == pipes_.end()) {
      if (in_socket && off_in != nullptr) return Result{-1, ESPIPE};
      if (off_out != nullptr) return Result{-1, ESPIPE};
      if (len == 0) return Result{0, 0};
      PipeBuffer& pipe = *out_pipe->second.pipe;
      if (!pipe.reader) return Result{-1, EPIPE};
      const size_t room = kPipeCapacity - std::min(kPipeCapacity, pipe.data.size());
      if (room == 0) {
        if (nonblocking) return Result{-1, EAGAIN};
        return std::nullopt;
      }
      if (in_socket) {
        kind = Kind::kSocketToPipe;
        const CallResult c = s.SpliceRead(now, fd_in, std::min(len, room), nonblocking, &moved);
        if (c.would_block) return std::nullopt;
        if (c.ret < 0) return Result{-1, c.err};
        pipe.data.insert(pipe.data.end(), moved.begin(), moved.end());
        return Result{c.ret, 0};
      }
      kind = Kind::kFileToPipe;
      OpenFile& file = in_file->second;
      int64_t pos = off_in != nullptr ? *off_in : file.pos;
      if (pos < 0) return Result{-1, EINVAL};
      const auto size = static_cast<int64_t>(file.data.size());
      const auto n = static_cast<size_t>(
          std::min<int64_t>(static_cast<int64_t>(std::min(len, room)), std::max<int64_t>(0, size - pos)));
      pipe.data.insert(pipe.data.end(), file.data.begin() + pos,
                       file.data.begin() + pos + static_cast<int64_t>(n));
      pos += static_cast<int64_t>(n);
      (off_in != nullptr ? *off_in : file.pos) = pos;
      return Result{static_cast<int64_t>(n), 0};
    }
    if (in_pipe != pipes_.end() && out_socket) {
      if (off_in != nullptr || off_out != nullptr) return Result{-1, ESPIPE};
      kind = Kind::kPipeToSocket;
      PipeBuffer& pipe = *in_pipe->second.pipe;
      if (len == 0) return Result{0, 0};
      if (pipe.data.empty()) {
        if (!pipe.writer) return Result{0, 0};
        if (nonblocking) return Result{-1, EAGAIN};
        return std::nullopt;
      }
      const size_t n = std::min(len, pipe.data.size());
      moved.assign(pipe.data.begin(), pipe.data.begin() + static_cast<long>(n));
      return Result{0, 0};
    }
    return Result{-1, EINVAL};  // pipe to pipe and the rest: not modelled
  });
  if (kind != Kind::kPipeToSocket || r.ret < 0) return r;
  // splice_to_socket(): the pipe's bytes as a write; what the socket took
  // leaves the pipe.
  const iovec iov{moved.data(), moved.size()};
  const Result written = WriteFrom(fd_out, &iov, 1, 0);
  if (written.ret <= 0) return written;
  return shared_.Call([&](Stack&, Instant) -> std::optional<Result> {
    if (auto in_pipe = pipes_.find(fd_in); in_pipe != pipes_.end()) {
      std::deque<uint8_t>& data = in_pipe->second.pipe->data;
      data.erase(data.begin(),
                 data.begin() + std::min<long>(written.ret, static_cast<long>(data.size())));
    }
    return written;
  });
}

}  // namespace synack::stack
