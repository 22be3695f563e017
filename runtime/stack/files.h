// FileTable: the files of the stack backend's world. The host's file
// system is never touched: the shell's `dd if=/dev/zero of=FILE` makes a
// file of zeros here (packetdrill's payloads are zeros), `rm` removes it,
// and open() and sendfile() read it (sendfile/sendfile-simple.pkt).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace synack::stack {

// Thread-safe: the shell and blocking calls' threads share it.
class FileTable {
 public:
  void Put(const std::string& path, std::vector<uint8_t> data) {
    std::lock_guard<std::mutex> lock(mutex_);
    files_[path] = std::move(data);
  }
  // Whether there was such a file.
  bool Remove(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return files_.erase(path) != 0;
  }
  std::optional<std::vector<uint8_t>> Get(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<uint8_t>> files_;
};

}  // namespace synack::stack
