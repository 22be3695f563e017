// The checks of one system call line: the call's name and argument count,
// `-D` symbols and constant names in its expressions, the shapes of the
// structs it passes (sockaddr, msghdr, iovec, pollfd, epoll_event, ...) and
// its result and errno.
#include <arpa/inet.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <string>

#include "grammar/check_internal.h"
#include "grammar/known_names.h"
#include "grammar/spelling.h"

namespace synack::grammar {

namespace {

// The struct a `{...}` stands for. The tree keeps structs generic, so the
// kind comes from where the struct sits (the argument of bind() is a
// sockaddr) or, failing that, from its field names.
enum class StructKind {
  kUnknown,
  kSockaddr,
  kMsghdr,
  kIovec,
  kPollfd,
  kEpollEvent,
  kLinger,
  kCmsg,
  kExtendedErr,
  kScmTimestamping,
};

struct StructSpec {
  StructKind kind;
  std::string_view name;
  std::vector<std::string_view> fields;
  // Each group needs one of its fields; a group of one is a plain
  // requirement.
  std::vector<std::vector<std::string_view>> required;
};

const std::vector<StructSpec>& StructSpecs() {
  static const std::vector<StructSpec> specs = {
      {StructKind::kSockaddr,
       "sockaddr",
       {"sa_family", "sin_port", "sin_addr", "sin6_port", "sin6_addr",
        "sin6_flowinfo", "sin6_scope_id"},
       {{"sa_family"}, {"sin_port", "sin6_port"}, {"sin_addr", "sin6_addr"}}},
      {StructKind::kMsghdr,
       "msghdr",
       {"msg_name", "msg_iov", "msg_flags", "msg_control"},
       {{"msg_name"}, {"msg_iov"}, {"msg_flags"}}},
      {StructKind::kPollfd,
       "pollfd",
       {"fd", "events", "revents"},
       {{"fd"}, {"events"}}},
      {StructKind::kEpollEvent,
       "epoll_event",
       {"events", "fd", "ptr", "u32", "u64"},
       {{"events"}, {"fd", "ptr", "u32", "u64"}}},
      {StructKind::kLinger,
       "linger",
       {"onoff", "linger"},
       {{"onoff"}, {"linger"}}},
      {StructKind::kCmsg,
       "cmsg",
       {"cmsg_level", "cmsg_type", "cmsg_data"},
       {{"cmsg_level"}, {"cmsg_type"}, {"cmsg_data"}}},
      {StructKind::kExtendedErr,
       "sock_extended_err",
       {"ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data"},
       {{"ee_errno"},
        {"ee_origin"},
        {"ee_type"},
        {"ee_code"},
        {"ee_info"},
        {"ee_data"}}},
      {StructKind::kScmTimestamping,
       "scm_timestamping",
       {"scm_sec", "scm_nsec"},
       {{"scm_sec"}, {"scm_nsec"}}},
  };
  return specs;
}

const StructSpec* SpecFor(StructKind kind) {
  for (const StructSpec& spec : StructSpecs()) {
    if (spec.kind == kind) return &spec;
  }
  return nullptr;
}

bool Contains(const std::vector<std::string_view>& names,
              std::string_view name) {
  for (std::string_view candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

// A field's name: `fd` in `fd=4`, `msg_iov` in `msg_iov(1)=[...]`.
std::string KeyName(const Field& field) {
  if (!field.key) return "";
  if (const auto* symbol = std::get_if<Symbol>(&field.key->node)) {
    return symbol->name;
  }
  if (const auto* call = std::get_if<Call>(&field.key->node)) return call->name;
  return "";
}

// Picks the struct whose fields the keys name most often; on a tie the
// first key decides (`{fd=..., events=...}` is a pollfd, `{events=...,
// fd=...}` an epoll_event, as in packetdrill's grammar).
StructKind KindFromKeys(const Struct& record) {
  StructKind best = StructKind::kUnknown;
  int best_count = 0;
  std::string first_key =
      record.fields.empty() ? "" : KeyName(record.fields[0]);
  for (const StructSpec& spec : StructSpecs()) {
    int count = 0;
    for (const Field& field : record.fields) {
      if (Contains(spec.fields, KeyName(field))) ++count;
    }
    bool wins = count > best_count;
    if (count == best_count && count > 0 && !spec.required.empty() &&
        Contains(spec.required[0], first_key) &&
        !Contains(SpecFor(best)->required[0], first_key)) {
      wins = true;
    }
    if (wins) {
      best = spec.kind;
      best_count = count;
    }
  }
  return best;
}

std::vector<std::string_view> AllFieldNames() {
  std::vector<std::string_view> names;
  for (const StructSpec& spec : StructSpecs()) {
    for (std::string_view field : spec.fields) {
      if (!Contains(names, field)) names.push_back(field);
    }
  }
  return names;
}

std::string Plural(size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string QuotedList(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += "'" + std::string(names[i]) + "'";
  }
  return out;
}

std::optional<int64_t> IntegerValue(const Expr& expr) {
  if (const auto* integer = std::get_if<Integer>(&expr.node)) {
    return integer->value;
  }
  return std::nullopt;
}

// A `-D` value as the script would have spelled it: an integer, a quoted
// string, or a name.
decltype(Expr::node) ParseDefineValue(const std::string& value) {
  std::string digits = value;
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  bool hex = digits.size() > 2 && digits[0] == '0' &&
             (digits[1] == 'x' || digits[1] == 'X');
  if (!digits.empty()) {
    errno = 0;
    char* end = nullptr;
    unsigned long long parsed =
        std::strtoull(digits.c_str(), &end, hex ? 16 : 10);
    bool all_digits = std::isdigit(static_cast<unsigned char>(digits[0]));
    if (all_digits && errno == 0 && *end == '\0' &&
        parsed <= static_cast<unsigned long long>(INT64_MAX)) {
      int64_t number = static_cast<int64_t>(parsed);
      return Integer{negative ? -number : number, hex};
    }
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return String{value.substr(1, value.size() - 2), false};
  }
  return Symbol{value};
}

class SyscallChecker {
 public:
  SyscallChecker(const Defines& defines, Reporter& reporter)
      : defines_(defines), reporter_(reporter) {}

  void Check(SyscallEvent& call) {
    const SyscallInfo* info = LookupSyscall(call.name);
    if (info == nullptr) {
      reporter_.Error(call.name_loc, "unknown system call '" + call.name + "'",
                      DidYouMean(call.name, SyscallNames()));
    } else {
      CheckArgCount(call, *info);
    }
    for (size_t i = 0; i < call.args.size(); ++i) {
      if (call.args[i]) Value(*call.args[i], ArgKind(call.name, i));
    }
    if (info != nullptr) CheckCounts(call);
    if (call.result) Value(*call.result, StructKind::kUnknown);
    CheckResult(call);
  }

 private:
  void CheckArgCount(const SyscallEvent& call, const SyscallInfo& info) {
    int found = static_cast<int>(call.args.size());
    if (found >= info.min_args && found <= info.max_args) return;
    std::string wanted = info.min_args == info.max_args
                             ? Plural(info.max_args, "argument")
                             : std::to_string(info.min_args) + " or " +
                                   Plural(info.max_args, "argument");
    reporter_.Error(call.name_loc, call.name + "() takes " + wanted +
                                       ", found " + std::to_string(found));
  }

  // The struct each call's arguments hold, by position.
  static StructKind ArgKind(const std::string& name, size_t index) {
    if (index == 1 &&
        (name == "bind" || name == "connect" || name == "accept" ||
         name == "accept4" || name == "getsockname" || name == "getpeername")) {
      return StructKind::kSockaddr;
    }
    if (index == 4 && (name == "sendto" || name == "recvfrom")) {
      return StructKind::kSockaddr;
    }
    if (index == 1 && (name == "sendmsg" || name == "recvmsg")) {
      return StructKind::kMsghdr;
    }
    if (index == 1 && (name == "readv" || name == "writev")) {
      return StructKind::kIovec;
    }
    if (index == 0 && name == "poll") return StructKind::kPollfd;
    if ((index == 3 && name == "epoll_ctl") ||
        (index == 1 && name == "epoll_wait")) {
      return StructKind::kEpollEvent;
    }
    return StructKind::kUnknown;
  }

  // Counts that must match the arrays they describe, as the kernel reads
  // them: poll()'s nfds, readv()/writev()'s iovcnt.
  void CheckCounts(const SyscallEvent& call) {
    size_t array_index = 0, count_index = 0;
    const char *what = nullptr, *count_name = nullptr;
    if (call.name == "poll") {
      array_index = 0, count_index = 1, what = "pollfd", count_name = "nfds";
    } else if (call.name == "readv" || call.name == "writev") {
      array_index = 1, count_index = 2, what = "iovec", count_name = "iovcnt";
    } else {
      return;
    }
    if (call.args.size() <= count_index || !call.args[array_index] ||
        !call.args[count_index]) {
      return;
    }
    const auto* array = std::get_if<Array>(&call.args[array_index]->node);
    std::optional<int64_t> count = IntegerValue(*call.args[count_index]);
    if (array == nullptr || !count) return;
    if (*count != static_cast<int64_t>(array->elements.size())) {
      reporter_.Error(call.args[count_index]->loc,
                      std::string(count_name) + " " + std::to_string(*count) +
                          " does not match the " +
                          Plural(array->elements.size(), what) +
                          " in the array");
    }
  }

  void CheckResult(const SyscallEvent& call) {
    if (!call.errno_name) return;
    // The tree keeps no location for the errno name; the result's is the
    // nearest.
    Location at = call.result ? call.result->loc : call.name_loc;
    if (!LookupErrno(*call.errno_name)) {
      reporter_.Error(at, "unknown errno '" + *call.errno_name + "'",
                      DidYouMean(*call.errno_name, ErrnoNames()));
    }
    if (call.result) {
      std::optional<int64_t> value = IntegerValue(*call.result);
      if (value && *value != -1) {
        reporter_.Error(at, "a call that fails with " + *call.errno_name +
                                " returns -1, not " + std::to_string(*value));
      }
    }
  }

  // Resolves `-D` symbols in place, then checks the value. `expect` is the
  // struct the value holds (or an array of), when its position says so.
  void Value(Expr& expr, StructKind expect) {
    std::string define;
    if (const auto* symbol = std::get_if<Symbol>(&expr.node)) {
      if (auto it = defines_.find(symbol->name); it != defines_.end()) {
        define = "-D " + it->first + "=" + it->second;
        expr.node = ParseDefineValue(it->second);
      }
    }
    if (auto* symbol = std::get_if<Symbol>(&expr.node)) {
      CheckSymbol(expr.loc, symbol->name, define);
    } else if (auto* bit_or = std::get_if<BitOr>(&expr.node)) {
      for (ExprPtr& operand : bit_or->operands) {
        if (operand) Value(*operand, StructKind::kUnknown);
      }
    } else if (auto* array = std::get_if<Array>(&expr.node)) {
      for (ExprPtr& element : array->elements) {
        if (element) Value(*element, expect);
      }
    } else if (auto* call = std::get_if<Call>(&expr.node)) {
      CallValue(expr, *call);
    } else if (auto* record = std::get_if<Struct>(&expr.node)) {
      StructValue(expr, *record, expect);
    } else if (auto* assign = std::get_if<Assign>(&expr.node)) {
      // packetdrill evaluates the name as a constant (a TCP_NLA_* type).
      CheckSymbol(expr.loc, assign->name, "");
      if (assign->value) Value(*assign->value, StructKind::kUnknown);
    }
  }

  void CheckSymbol(Location at, const std::string& name,
                   const std::string& define) {
    if (LookupConstant(name)) return;
    std::vector<std::string_view> candidates = ConstantNames();
    for (const auto& [defined, value] : defines_) candidates.push_back(defined);
    std::string message = "unknown symbol '" + name + "'";
    if (!define.empty()) message = define + ": " + message;
    std::string hint = DidYouMean(name, candidates);
    if (hint.empty() && define.empty()) {
      hint = "a constant from the system headers, or define it with -D " +
             name + "=<value>";
    }
    reporter_.Error(at, message, hint);
  }

  // htons(8080), inet_addr("192.0.2.1"), inet6_addr("::1").
  void CallValue(Expr& expr, Call& call) {
    for (ExprPtr& arg : call.args) {
      if (arg) Value(*arg, StructKind::kUnknown);
    }
    static const std::vector<std::string_view> kFunctions = {
        "htons", "inet_addr", "inet6_addr"};
    if (!Contains(kFunctions, call.name)) {
      reporter_.Error(expr.loc, "unknown function '" + call.name + "'",
                      DidYouMean(call.name, kFunctions));
      return;
    }
    if (call.args.size() != 1 || !call.args[0]) {
      reporter_.Error(expr.loc, call.name + "() takes 1 argument, found " +
                                    std::to_string(call.args.size()));
      return;
    }
    const Expr& arg = *call.args[0];
    if (call.name == "htons") {
      std::optional<int64_t> port = IntegerValue(arg);
      if (port && (*port < 0 || *port > 65535)) {
        reporter_.Error(arg.loc, "htons() of " + std::to_string(*port) +
                                     " does not fit in 16 bits");
      }
      return;
    }
    const auto* text = std::get_if<String>(&arg.node);
    if (text == nullptr) {
      reporter_.Error(arg.loc, call.name + "() takes a quoted address");
      return;
    }
    bool v6 = call.name == "inet6_addr";
    unsigned char buffer[16];
    if (inet_pton(v6 ? AF_INET6 : AF_INET, text->value.c_str(), buffer) != 1) {
      reporter_.Error(arg.loc, "'" + text->value + "' is not an " +
                                   (v6 ? "IPv6" : "IPv4") + " address");
    }
  }

  void StructValue(Expr& expr, Struct& record, StructKind expect) {
    bool keyed = false;
    for (const Field& field : record.fields) keyed = keyed || field.key;
    if (expect == StructKind::kIovec) {
      Iovec(expr, record);
      return;
    }
    StructKind kind = expect;
    if (kind == StructKind::kUnknown && keyed) kind = KindFromKeys(record);
    const StructSpec* spec = SpecFor(kind);
    if (spec == nullptr) {
      // A plain `{a, b}` list, or keys of no struct the language has.
      for (Field& field : record.fields) {
        if (field.key) {
          std::string name = KeyName(field);
          reporter_.Error(field.key->loc, "unknown field '" + name + "'",
                          DidYouMean(name, AllFieldNames()));
        }
        if (field.value) Value(*field.value, StructKind::kUnknown);
      }
      return;
    }
    std::set<std::string> seen;
    for (Field& field : record.fields) {
      if (!field.key) {
        Location at = field.value ? field.value->loc : expr.loc;
        reporter_.Error(at, std::string(spec->name) +
                                " fields need names: write name=value");
      } else {
        std::string name = KeyName(field);
        if (!Contains(spec->fields, name)) {
          std::string hint = DidYouMean(name, spec->fields);
          reporter_.Error(
              field.key->loc,
              "'" + name + "' is not a field of " + std::string(spec->name),
              hint.empty() ? "its fields are " + QuotedList(spec->fields)
                           : hint);
        } else if (!seen.insert(name).second) {
          reporter_.Error(field.key->loc, "field '" + name + "' appears twice");
        }
        KeyCall(field, *spec);
      }
      if (field.value) Value(*field.value, FieldKind(kind, KeyName(field)));
    }
    for (const auto& group : spec->required) {
      int present = 0;
      for (std::string_view name : group) {
        if (seen.count(std::string(name))) ++present;
      }
      if (present == 0) {
        reporter_.Error(
            expr.loc, std::string(spec->name) + " needs " + QuotedList(group));
      } else if (present > 1 && kind == StructKind::kEpollEvent) {
        // The data member is a union: one of them only.
        reporter_.Error(expr.loc,
                        "epoll_event takes only one of " + QuotedList(group));
      }
    }
    if (kind == StructKind::kMsghdr) MsgIovCount(record);
  }

  // The struct a field's value holds.
  static StructKind FieldKind(StructKind kind, const std::string& field) {
    if (kind == StructKind::kMsghdr) {
      if (field == "msg_name") return StructKind::kSockaddr;
      if (field == "msg_iov") return StructKind::kIovec;
      if (field == "msg_control") return StructKind::kCmsg;
    }
    return StructKind::kUnknown;
  }

  // `msg_name(...)=` and `msg_iov(N)=` are the only keys with arguments.
  void KeyCall(Field& field, const StructSpec& spec) {
    auto* call = std::get_if<Call>(&field.key->node);
    if (call == nullptr) return;
    if (spec.kind != StructKind::kMsghdr ||
        (call->name != "msg_name" && call->name != "msg_iov")) {
      reporter_.Error(field.key->loc,
                      "'" + call->name + "' takes no arguments here");
      return;
    }
    bool ok = call->args.size() == 1 && call->args[0];
    if (ok && call->name == "msg_name") {
      ok = std::holds_alternative<Ellipsis>(call->args[0]->node);
    } else if (ok) {
      ok = IntegerValue(*call->args[0]).has_value();
    }
    if (!ok) {
      reporter_.Error(field.key->loc, call->name == "msg_name"
                                          ? "write msg_name(...)"
                                          : "write msg_iov(N), N the number "
                                            "of iovecs");
    }
  }

  // msg_iov(N)=[...] holds N iovecs.
  void MsgIovCount(const Struct& record) {
    for (const Field& field : record.fields) {
      if (!field.key || !field.value) continue;
      const auto* call = std::get_if<Call>(&field.key->node);
      const auto* array = std::get_if<Array>(&field.value->node);
      if (call == nullptr || call->name != "msg_iov" || array == nullptr ||
          call->args.size() != 1 || !call->args[0]) {
        continue;
      }
      std::optional<int64_t> count = IntegerValue(*call->args[0]);
      if (count && *count != static_cast<int64_t>(array->elements.size())) {
        reporter_.Error(field.key->loc,
                        "msg_iov(" + std::to_string(*count) + ") holds " +
                            Plural(array->elements.size(), "iovec"));
      }
    }
  }

  // `{buffer, length}`: packetdrill writes `{..., 1000}`.
  void Iovec(Expr& expr, Struct& record) {
    bool keyed = false;
    for (const Field& field : record.fields) keyed = keyed || field.key;
    if (keyed || record.fields.size() != 2) {
      reporter_.Error(expr.loc, "an iovec is {buffer, length}, found " +
                                    Plural(record.fields.size(), "field") +
                                    (keyed ? " with names" : ""));
    }
    for (Field& field : record.fields) {
      if (field.value) Value(*field.value, StructKind::kUnknown);
    }
  }

  const Defines& defines_;
  Reporter& reporter_;
};

}  // namespace

void CheckSyscall(SyscallEvent& call, const Defines& defines,
                  Reporter& reporter) {
  SyscallChecker(defines, reporter).Check(call);
}

}  // namespace synack::grammar
