// Parsing /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6.
#include "runtime/kernel/counters.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {
namespace {

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    size_t end = at;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end > at) words.push_back(line.substr(at, end - at));
    at = end;
  }
  return words;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// Counters are unsigned 64-bit in the kernel, a few fields signed (Tcp
// MaxConn is -1); both fit int64_t as nstat prints them, modulo 2^64.
bool ParseValue(std::string_view word, int64_t* value) {
  const char* end = word.data() + word.size();
  if (!word.empty() && word[0] == '-') {
    auto [ptr, ec] = std::from_chars(word.data(), end, *value);
    return ec == std::errc() && ptr == end;
  }
  uint64_t unsigned_value;
  auto [ptr, ec] = std::from_chars(word.data(), end, unsigned_value);
  if (ec != std::errc() || ptr != end) return false;
  *value = static_cast<int64_t>(unsigned_value);
  return true;
}

std::string LineError(size_t index, const std::string& what) {
  return "line " + std::to_string(index + 1) + ": " + what;
}

std::string ReadFile(const char* path, std::string* text, bool* missing) {
  UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (missing) *missing = errno == ENOENT;
    return std::string("cannot open ") + path + ": " + std::strerror(errno);
  }
  char buffer[8192];
  for (;;) {
    ssize_t got = read(fd.get(), buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return std::string("cannot read ") + path + ": " + std::strerror(errno);
    }
    if (got == 0) return "";
    text->append(buffer, static_cast<size_t>(got));
  }
}

}  // namespace

std::string ParseCounterTable(std::string_view text, Counters* out) {
  std::vector<std::string_view> lines = Lines(text);
  if (lines.size() % 2 != 0) {
    return LineError(lines.size() - 1, "header line without a value line");
  }
  for (size_t i = 0; i < lines.size(); i += 2) {
    std::vector<std::string_view> names = Split(lines[i]);
    std::vector<std::string_view> values = Split(lines[i + 1]);
    if (names.empty() || names[0].back() != ':') {
      return LineError(i, "expected a \"Prefix:\" header line");
    }
    if (values.empty() || values[0] != names[0]) {
      return LineError(i + 1, "expected values for " + std::string(names[0]));
    }
    if (values.size() != names.size()) {
      return LineError(i + 1, std::to_string(values.size() - 1) +
                                  " values for " +
                                  std::to_string(names.size() - 1) + " names");
    }
    std::string prefix(names[0].substr(0, names[0].size() - 1));
    for (size_t k = 1; k < names.size(); ++k) {
      int64_t value;
      if (!ParseValue(values[k], &value)) {
        return LineError(i + 1, "bad value \"" + std::string(values[k]) +
                                    "\" for " + std::string(names[k]));
      }
      (*out)[prefix + std::string(names[k])] = value;
    }
  }
  return "";
}

std::string ParseCounterList(std::string_view text, Counters* out) {
  std::vector<std::string_view> lines = Lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string_view> words = Split(lines[i]);
    int64_t value;
    if (words.size() != 2 || !ParseValue(words[1], &value)) {
      return LineError(i, "expected \"Name value\"");
    }
    (*out)[std::string(words[0])] = value;
  }
  return "";
}

std::string ReadCounters(Counters* out) {
  // thread-self: /proc/self/net would show the main thread's namespace,
  // which is not this thread's if Sandbox::Create ran on another.
  for (const char* path : {"/proc/thread-self/net/netstat",
                           "/proc/thread-self/net/snmp"}) {
    std::string text;
    std::string error = ReadFile(path, &text, nullptr);
    if (error.empty()) error = ParseCounterTable(text, out);
    if (!error.empty()) return std::string(path) + ": " + error;
  }
  std::string text;
  bool missing = false;
  std::string error = ReadFile("/proc/thread-self/net/snmp6", &text, &missing);
  if (missing) return "";
  if (error.empty()) error = ParseCounterList(text, out);
  if (!error.empty()) return std::string("/proc/thread-self/net/snmp6: ") + error;
  return "";
}

}  // namespace synack::kernel
