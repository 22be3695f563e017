// FdNumbers: a high-water mark and the freed numbers below it.
#include "runtime/stack/fd_numbers.h"

namespace synack::stack {

int FdNumbers::Take() {
  if (!free_.empty()) {
    const int fd = *free_.begin();
    free_.erase(free_.begin());
    return fd;
  }
  return next_++;
}

void FdNumbers::Release(int fd) {
  if (fd >= next_ || free_.count(fd) != 0) return;
  if (fd != next_ - 1) {
    free_.insert(fd);
    return;
  }
  // The highest number taken: lower the mark past every free number below.
  --next_;
  while (!free_.empty() && *free_.rbegin() == next_ - 1) {
    free_.erase(std::prev(free_.end()));
    --next_;
  }
}

}  // namespace synack::stack
