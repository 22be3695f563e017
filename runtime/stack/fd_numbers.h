// FdNumbers: descriptor numbers as a process hands them out, the lowest
// free one first, in O(log N) however many are open.
#pragma once

#include <set>

namespace synack::stack {

class FdNumbers {
 public:
  // Numbers start at `first` (3: a process with stdio open).
  explicit FdNumbers(int first) : next_(first) {}
  // The lowest number not taken (POSIX's rule for open(), socket(),
  // accept()), taken from now on.
  int Take();
  // `fd` is free again; a number never taken is ignored.
  void Release(int fd);

 private:
  // Every number below next_ is taken except those in free_; none from
  // next_ up is.
  int next_;
  std::set<int> free_;
};

}  // namespace synack::stack
