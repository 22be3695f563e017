// Option and control calls: getsockopt, setsockopt, fcntl, ioctl.
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "grammar/printer.h"
#include "interpreter/syscall_handlers.h"

namespace synack::interpreter::syscalls {

namespace {

// Large enough for any option scripts read (tcp_info is about 250 bytes).
constexpr size_t kOptionRoom = 512;

bool IsArray(const grammar::Expr& expr) {
  return std::holds_alternative<grammar::Array>(expr.node);
}

// The ioctls that only write an int back: they get a value unlike the
// expected one, so that a backend which leaves it alone fails the check.
// Every other `[N]` goes in as the script's value.
bool IoctlWritesInt(unsigned long request) {
  return request == SIOCINQ || request == SIOCOUTQ ||
         request == SIOCOUTQNSD || request == SIOCATMARK;
}

// Bytes for a diagnostic: printable ASCII as is, the rest as \xNN.
std::string Printable(const std::string& bytes) {
  std::string text;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\' && byte != '"') {
      text += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      text += escaped;
    }
  }
  return text;
}

std::string CompareLinger(const grammar::Struct& expected,
                          const uint8_t* data, Evaluator& eval) {
  linger actual;
  std::memcpy(&actual, data, sizeof actual);
  const std::pair<const char*, int> fields[] = {
      {"onoff", actual.l_onoff}, {"linger", actual.l_linger}};
  for (const auto& [name, value] : fields) {
    const grammar::Field* field = FindField(expected, name);
    if (field == nullptr) continue;
    std::optional<int64_t> want = eval.Int(*field->value);
    if (!want) return eval.error().message;
    if (*want != value) {
      return "getsockopt: expected " + std::string(name) + " " +
             std::to_string(*want) + ", got " + std::to_string(value);
    }
  }
  return "";
}

}  // namespace

bool Getsockopt(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
                PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> level = eval.Int(*call.args[1]);
  std::optional<int64_t> name = eval.Int(*call.args[2]);
  if (!fd || !level || !name) return false;
  const grammar::Expr& value = *call.args[3];
  const grammar::Expr& length = *call.args[4];
  std::optional<int64_t> expected_len;
  if (!IsEllipsis(length)) {
    expected_len = eval.IntPointer(length);
    if (!expected_len) return false;
  }
  const auto* text = std::get_if<grammar::String>(&value.node);
  // syscall_getsockopt(): a string's length is the stated optlen.
  if (text != nullptr && expected_len &&
      *expected_len != static_cast<int64_t>(text->value.size())) {
    eval.Fail(length, "optlen " + std::to_string(*expected_len) +
                          " does not match the " +
                          std::to_string(text->value.size()) +
                          "-byte string \"" + Printable(text->value) + "\"");
    return false;
  }
  // What the script expects back decides how much room the call gets.
  socklen_t room = kOptionRoom;
  if (expected_len) {
    room = static_cast<socklen_t>(*expected_len);
  } else if (IsArray(value)) {
    room = sizeof(int);
  } else if (std::holds_alternative<grammar::Struct>(value.node)) {
    room = sizeof(linger);
  }
  if (room > kOptionRoom) room = kOptionRoom;
  struct State {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(kOptionRoom, 0);
    socklen_t len = 0;
  };
  auto state = std::make_shared<State>();
  state->len = room;
  out->live_fd = *fd;
  out->execute = [state, fd = *fd, level = static_cast<int>(*level),
                  name = static_cast<int>(*name)](Syscalls& s) {
    return s.Getsockopt(fd, level, name, state->bytes.data(), &state->len);
  };
  out->after = [state, &value, text, expected_len](
                   const SyscallResult& result, CallEnv& env) -> std::string {
    if (result.ret != 0) return "";
    if (expected_len && *expected_len != state->len) {
      return "getsockopt: expected length " + std::to_string(*expected_len) +
             ", got " + std::to_string(state->len);
    }
    Evaluator values(env.config.net, env.fds);
    if (IsArray(value)) {
      std::optional<int64_t> want = values.IntPointer(value);
      if (!want) return values.error().message;
      int64_t got = 0;
      const size_t width = state->len >= 8 ? 8 : state->len;
      if (width == 0 || !SameInt(*want, state->bytes.data(), width, &got)) {
        return "getsockopt: expected value " +
               grammar::PrintExpr(*std::get<grammar::Array>(value.node)
                                       .elements[0]) +
               ", got " + std::to_string(got);
      }
    } else if (const auto* record = std::get_if<grammar::Struct>(&value.node)) {
      return CompareLinger(*record, state->bytes.data(), values);
    } else if (text != nullptr) {
      // With the length stated (and so equal to the string's and to the
      // returned one) every byte is compared, as packetdrill's memcmp();
      // with `...` the NUL padding of a name (TCP_CONGESTION) is left out.
      std::string got(reinterpret_cast<const char*>(state->bytes.data()),
                      state->len);
      if (!expected_len) {
        const size_t end = got.find_last_not_of('\0');
        got.resize(end == std::string::npos ? 0 : end + 1);
      }
      if (got != text->value) {
        return "getsockopt: expected value \"" + Printable(text->value) +
               "\", got \"" + Printable(got) + "\"";
      }
    }
    return "";
  };
  return true;
}

bool Setsockopt(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
                PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> level = eval.Int(*call.args[1]);
  std::optional<int64_t> name = eval.Int(*call.args[2]);
  std::optional<int64_t> len = eval.Int(*call.args[4]);
  if (!fd || !level || !name || !len) return false;
  if (*len < 0) {
    eval.Fail(*call.args[4], "an option length cannot be negative");
    return false;
  }
  std::optional<Buffer> value =
      eval.OptionValue(*call.args[3], static_cast<size_t>(*len));
  if (!value) return false;
  auto state = std::make_shared<Buffer>(std::move(*value));
  out->live_fd = *fd;
  out->execute = [state, fd = *fd, level = static_cast<int>(*level),
                  name = static_cast<int>(*name),
                  len = static_cast<socklen_t>(*len)](Syscalls& s) {
    return s.Setsockopt(fd, level, name, state->data(), len);
  };
  return true;
}

bool Fcntl(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
           PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> cmd = eval.Int(*call.args[1]);
  std::optional<int64_t> arg =
      call.args.size() > 2 ? eval.Int(*call.args[2]) : 0;
  if (!fd || !cmd || !arg) return false;
  out->live_fd = *fd;
  out->execute = [fd = *fd, cmd = static_cast<int>(*cmd),
                  arg = *arg](Syscalls& s) { return s.Fcntl(fd, cmd, arg); };
  return true;
}

bool Ioctl(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
           PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> request = eval.Int(*call.args[1]);
  if (!fd || !request) return false;
  out->live_fd = *fd;
  const auto req = static_cast<unsigned long>(*request);
  const grammar::Expr* arg = call.args.size() > 2 ? call.args[2].get() : nullptr;
  if (arg == nullptr || IsEllipsis(*arg) || !IsArray(*arg)) {
    // No argument, or a plain integer passed by value.
    std::optional<int64_t> value =
        arg == nullptr || IsEllipsis(*arg) ? 0 : eval.Int(*arg);
    if (!value) return false;
    out->execute = [fd = *fd, req, value = *value](Syscalls& s) {
      return s.Ioctl(fd, req,
                     reinterpret_cast<void*>(static_cast<intptr_t>(value)));
    };
    return true;
  }
  std::optional<int64_t> value = eval.IntPointer(*arg);
  if (!value) return false;
  // syscall_ioctl() compares the int after the call for every request.
  const int want = static_cast<int>(*value);
  auto state = std::make_shared<int>(IoctlWritesInt(req) ? ~want : want);
  out->execute = [state, fd = *fd, req](Syscalls& s) {
    return s.Ioctl(fd, req, state.get());
  };
  out->after = [state, want](const SyscallResult& result,
                             CallEnv&) -> std::string {
    if (result.ret < 0 || *state == want) return "";
    return "ioctl: expected value " + std::to_string(want) + ", got " +
           std::to_string(*state);
  };
  return true;
}

}  // namespace synack::interpreter::syscalls
