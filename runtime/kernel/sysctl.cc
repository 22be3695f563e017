// Sysctl access through /proc/sys.
#include "runtime/kernel/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {
namespace {

constexpr char kRoot[] = "/proc/sys/";

std::string Failure(const std::string& what, const std::string& path,
                    int err) {
  return what + " " + path + ": " + std::strerror(err);
}

}  // namespace

std::string SysctlPath(const std::string& name) {
  if (name.rfind(kRoot, 0) == 0) return name;
  std::string path = name;
  if (path.find('/') == std::string::npos) {
    for (char& c : path) {
      if (c == '.') c = '/';
    }
  }
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  return kRoot + path;
}

std::string ReadSysctl(const std::string& name, std::string* value) {
  std::string path = SysctlPath(name);
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Failure("cannot open", path, errno);
  value->clear();
  char buffer[4096];
  for (;;) {
    ssize_t got = read(fd.get(), buffer, sizeof(buffer));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Failure("cannot read", path, errno);
    }
    if (got == 0) break;
    value->append(buffer, static_cast<size_t>(got));
  }
  if (!value->empty() && value->back() == '\n') value->pop_back();
  return "";
}

std::string WriteSysctl(const std::string& name, const std::string& value) {
  std::string path = SysctlPath(name);
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) return Failure("cannot open", path, errno);
  // One write: the kernel parses a sysctl value from a single write call.
  std::string text = value + "\n";
  ssize_t wrote;
  do {
    wrote = write(fd.get(), text.data(), text.size());
  } while (wrote < 0 && errno == EINTR);
  if (wrote < 0) return Failure("cannot write", path, errno);
  if (static_cast<size_t>(wrote) != text.size()) {
    return "short write to " + path;
  }
  return "";
}

}  // namespace synack::kernel
