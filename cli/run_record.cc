// A run's record: its text form and the difference between two runs.
#include "cli/run_record.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace synack::cli {

const RunRecord::Failure* RunRecord::FailureAt(int line) const {
  for (const Failure& failure : failures) {
    if (failure.line == line) return &failure;
  }
  return nullptr;
}

RunRecord::Event ParseTraceLine(std::string_view line) {
  RunRecord::Event event;
  if (line.substr(0, 5) == "line ") line.remove_prefix(5);
  event.line = std::atoi(std::string(line.substr(0, line.find(':'))).c_str());
  const size_t colon = line.find(": ");
  if (colon == std::string_view::npos) {
    event.text = std::string(line);
    return event;
  }
  const std::string_view rest = line.substr(colon + 2);
  const size_t space = rest.find(' ');
  event.seconds = std::string(rest.substr(0, space));
  if (space != std::string_view::npos) event.text = std::string(rest.substr(space + 1));
  return event;
}

std::string SerializeRecord(const RunRecord& record) {
  std::string text;
  for (const RunRecord::Event& event : record.events) {
    text += "E line " + std::to_string(event.line) + ": " + event.seconds +
            " " + event.text + "\n";
  }
  for (const RunRecord::Failure& failure : record.failures) {
    text += "F " + std::to_string(failure.line) + " " +
            failure.message.substr(0, failure.message.find('\n')) + "\n";
  }
  return text;
}

RunRecord ParseRecord(std::string_view text) {
  RunRecord record;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line.size() < 2) continue;
    const std::string_view rest = line.substr(2);
    if (line[0] == 'E') {
      record.events.push_back(ParseTraceLine(rest));
    } else if (line[0] == 'F') {
      const size_t space = rest.find(' ');
      record.failures.push_back(
          {std::atoi(std::string(rest.substr(0, space)).c_str()),
           space == std::string_view::npos ? ""
                                           : std::string(rest.substr(space + 1))});
    }
  }
  return record;
}

void WriteRecord(int fd, const RunRecord& record) {
  const std::string text = SerializeRecord(record);
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

RunRecord ReadRecord(int fd) {
  std::string text;
  lseek(fd, 0, SEEK_SET);
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    text.append(buf, static_cast<size_t>(n));
  }
  return ParseRecord(text);
}

std::string FirstDifference(const RunRecord& kernel, const RunRecord& stack) {
  auto describe = [](const RunRecord& run, size_t i) -> std::string {
    if (i >= run.events.size()) {
      // The run stopped before this event: the first failure says why
      // (the lowest line, as the runs are compared by line).
      const RunRecord::Failure* first = nullptr;
      for (const RunRecord::Failure& failure : run.failures) {
        if (!first || failure.line < first->line) first = &failure;
      }
      return first ? "not reached (stopped: " + run.FailureAt(first->line)->message + ")"
                   : "not reached";
    }
    const RunRecord::Event& event = run.events[i];
    const RunRecord::Failure* failure = run.FailureAt(event.line);
    if (!failure) return "ok at " + event.seconds + " s";
    return "error: " + failure->message;
  };
  const size_t count = std::max(kernel.events.size(), stack.events.size());
  for (size_t i = 0; i < count; ++i) {
    const bool both = i < kernel.events.size() && i < stack.events.size();
    if (both && kernel.events[i].line == stack.events[i].line &&
        !kernel.FailureAt(kernel.events[i].line) ==
            !stack.FailureAt(stack.events[i].line)) {
      continue;
    }
    const RunRecord::Event& any =
        i < kernel.events.size() ? kernel.events[i] : stack.events[i];
    return "line " + std::to_string(any.line) + ": kernel: " +
           describe(kernel, i) + "; stack: " + describe(stack, i);
  }
  if (!kernel.FailureAt(0) != !stack.FailureAt(0)) {
    auto text = [](const RunRecord& run) {
      const RunRecord::Failure* failure = run.FailureAt(0);
      return failure ? "error: " + failure->message : std::string("ok");
    };
    return "end of run: kernel: " + text(kernel) + "; stack: " + text(stack);
  }
  return "";
}

}  // namespace synack::cli
