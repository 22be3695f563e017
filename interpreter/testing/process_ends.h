// Waiting for another process to end, for tests that kill or orphan one.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace synack::interpreter::testing {

// True once `pid` has ended (gone, or a zombie no one has reaped yet),
// within 10 s.
inline bool ProcessEnds(pid_t pid) {
  for (int i = 0; i < 1000; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return true;
    const size_t state = text.rfind(") ");
    if (state != std::string::npos && text[state + 2] == 'Z') return true;
    usleep(10 * 1000);
  }
  return false;
}

}  // namespace synack::interpreter::testing
