// Frames: encoding, incremental decoding, fields.
#include "runtime/vm/channel.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace synack::vm {

namespace {

// A header longer than this is no header.
constexpr size_t kMaxHeader = 64;

}  // namespace

std::string EncodeFrame(const Frame& frame) {
  return frame.kind + " " + std::to_string(frame.tag) + " " +
         std::to_string(frame.payload.size()) + "\n" + frame.payload;
}

std::optional<Frame> FrameReader::Next() {
  if (bad_) return std::nullopt;
  const size_t newline = buffer_.find('\n');
  if (newline == std::string::npos) {
    if (buffer_.size() > kMaxHeader) bad_ = true;
    return std::nullopt;
  }
  const std::string header = buffer_.substr(0, newline);
  const size_t space1 = header.find(' ');
  const size_t space2 =
      space1 == std::string::npos ? space1 : header.find(' ', space1 + 1);
  if (space2 == std::string::npos || space1 == 0) {
    bad_ = true;
    return std::nullopt;
  }
  char* end = nullptr;
  const std::string tag_text = header.substr(space1 + 1, space2 - space1 - 1);
  const std::string length_text = header.substr(space2 + 1);
  const uint64_t tag = std::strtoull(tag_text.c_str(), &end, 10);
  if (tag_text.empty() || *end != '\0') {
    bad_ = true;
    return std::nullopt;
  }
  const uint64_t length = std::strtoull(length_text.c_str(), &end, 10);
  if (length_text.empty() || *end != '\0') {
    bad_ = true;
    return std::nullopt;
  }
  if (buffer_.size() - newline - 1 < length) return std::nullopt;
  Frame frame{header.substr(0, space1), tag,
              buffer_.substr(newline + 1, length)};
  buffer_.erase(0, newline + 1 + length);
  return frame;
}

std::string JoinFields(const std::vector<std::string>& fields) {
  std::string payload;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) payload.push_back('\0');
    payload += fields[i];
  }
  return payload;
}

std::vector<std::string> SplitFields(std::string_view payload) {
  std::vector<std::string> fields;
  size_t from = 0;
  while (true) {
    const size_t nul = payload.find('\0', from);
    fields.emplace_back(payload.substr(from, nul == std::string_view::npos
                                                 ? nul
                                                 : nul - from));
    if (nul == std::string_view::npos) break;
    from = nul + 1;
  }
  return fields;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd out{fd, POLLOUT, 0};
      poll(&out, 1, -1);
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace synack::vm
