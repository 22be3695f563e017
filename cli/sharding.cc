// Resolving the shard from flags and environment; Bazel's status file.
#include "cli/sharding.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace synack::cli {

namespace {

bool ParseCount(const std::string& text, int* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long parsed = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || parsed < 0 || parsed > 1000000) {
    return false;
  }
  *value = static_cast<int>(parsed);
  return true;
}

// One source of a shard: the index and count variables of one driver.
std::optional<Shard> FromPair(std::optional<int> index,
                              std::optional<int> count,
                              const std::string& index_name,
                              const std::string& count_name,
                              std::string* error) {
  if (!index && !count) return std::nullopt;
  if (!index || !count) {
    *error = index ? count_name + " is not set but " + index_name + " is"
                   : index_name + " is not set but " + count_name + " is";
    return std::nullopt;
  }
  if (*count < 1 || *index >= *count) {
    *error = index_name + "=" + std::to_string(*index) + " is not below " +
             count_name + "=" + std::to_string(*count);
    return std::nullopt;
  }
  return Shard{*index, *count};
}

// Reads one variable as a count; sets `error` when it is set but bad.
std::optional<int> EnvNumber(const EnvLookup& env, const char* name,
                             std::string* error) {
  std::optional<std::string> text = env(name);
  if (!text) return std::nullopt;
  int value = 0;
  if (!ParseCount(*text, &value)) {
    *error = std::string(name) + " must be a non-negative number, found '" +
             *text + "'";
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<Shard> ResolveShard(std::optional<int> flag_index,
                                  std::optional<int> flag_count,
                                  const EnvLookup& env, std::string* error) {
  error->clear();
  if (flag_index || flag_count) {
    std::optional<Shard> shard = FromPair(flag_index, flag_count,
                                          "--shard-index", "--shard-count",
                                          error);
    if (!error->empty()) return std::nullopt;
    return shard;
  }
  const char* kDrivers[][2] = {{"TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS"},
                               {"GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS"}};
  for (const auto& [index_name, count_name] : kDrivers) {
    std::optional<int> index = EnvNumber(env, index_name, error);
    if (!error->empty()) return std::nullopt;
    std::optional<int> count = EnvNumber(env, count_name, error);
    if (!error->empty()) return std::nullopt;
    std::optional<Shard> shard =
        FromPair(index, count, index_name, count_name, error);
    if (!error->empty()) return std::nullopt;
    if (shard) return shard;
  }
  return Shard{};
}

std::string TouchShardStatusFile(const EnvLookup& env) {
  std::optional<std::string> path = env("TEST_SHARD_STATUS_FILE");
  if (!path || path->empty()) return "";
  const int fd = open(path->c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || futimens(fd, nullptr) != 0) {
    std::string message = "cannot touch TEST_SHARD_STATUS_FILE " + *path +
                          ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return message;
  }
  close(fd);
  return "";
}

}  // namespace synack::cli
