// The messages between the host and a guest's agent over the virtio serial
// port (and between synack's run processes and the VM's keeper): a frame
// is a line "KIND TAG LENGTH\n" and LENGTH bytes of payload, so outputs
// and records of any bytes pass whole.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace synack::vm {

struct Frame {
  std::string kind;  // a word: "hello", "plan", "run", "done", "kill", ...
  uint64_t tag = 0;  // which run a frame is about; 0: the VM as a whole
  std::string payload;
  bool operator==(const Frame&) const = default;
};

std::string EncodeFrame(const Frame& frame);

// Frames out of a byte stream, in whatever pieces it comes.
class FrameReader {
 public:
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole frame; nullopt until one is there. A malformed header
  // sets bad() and yields nothing more.
  std::optional<Frame> Next();
  bool bad() const { return bad_; }

 private:
  std::string buffer_;
  bool bad_ = false;
};

// Payload fields separated by NUL: a command line, a run's request.
std::string JoinFields(const std::vector<std::string>& fields);
std::vector<std::string> SplitFields(std::string_view payload);

// Writes all of `bytes` to a blocking or non-blocking fd (waiting in
// poll() when it is full); false when the other end is gone.
bool WriteAll(int fd, std::string_view bytes);

}  // namespace synack::vm
