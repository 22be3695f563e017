// Control messages: encoding for sendmsg(), comparing after recvmsg().
#include "interpreter/cmsg.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <time.h>

#include <cstring>

#include "grammar/printer.h"
#include "interpreter/timeline.h"

namespace synack::interpreter {

namespace {

// Every received cmsg in the kernel's order.
std::vector<const cmsghdr*> Received(const msghdr& msg) {
  std::vector<const cmsghdr*> out;
  if (msg.msg_control == nullptr) return out;
  // CMSG_NXTHDR takes non-const pointers but only reads.
  auto* m = const_cast<msghdr*>(&msg);
  for (cmsghdr* c = CMSG_FIRSTHDR(m); c != nullptr; c = CMSG_NXTHDR(m, c)) {
    out.push_back(c);
  }
  return out;
}

const grammar::Array* AsArray(const grammar::Expr& expr) {
  return std::get_if<grammar::Array>(&expr.node);
}

const grammar::Expr* FieldValue(const grammar::Expr& cmsg,
                                const std::string& name) {
  const auto* record = std::get_if<grammar::Struct>(&cmsg.node);
  if (record == nullptr) return nullptr;
  const grammar::Field* field = FindField(*record, name);
  return field ? field->value.get() : nullptr;
}

std::string CompareTimestamp(const grammar::Struct& expected,
                             const uint8_t* data, size_t len, CallEnv& env,
                             Evaluator& eval) {
  // struct scm_timestamping: ts[0] software, ts[1] deprecated, ts[2] raw
  // hardware. Only the software stamp exists on tun devices.
  // cmsg_expect_eq() compares cmsg_len: the whole struct.
  if (len != 3 * sizeof(timespec)) {
    return "expected " + std::to_string(3 * sizeof(timespec)) +
           " bytes of scm_timestamping, got " + std::to_string(len);
  }
  timespec ts;
  std::memcpy(&ts, data, sizeof ts);
  const grammar::Field* sec = FindField(expected, "scm_sec");
  const grammar::Field* nsec = FindField(expected, "scm_nsec");
  if (sec == nullptr || nsec == nullptr) return "expected {scm_sec=, scm_nsec=}";
  std::optional<int64_t> s = eval.Int(*sec->value);
  std::optional<int64_t> ns = eval.Int(*nsec->value);
  if (!s || !ns) return eval.error().message;
  // scm_timestamping_expect_eq() ignores a stamp expected as 0.
  if (*s == 0 && *ns == 0) return "";
  const int64_t actual_ns = static_cast<int64_t>(ts.tv_sec) * 1000000000 +
                            ts.tv_nsec - env.wall_time_zero.count();
  ExpectedTime when;
  when.start_us = when.end_us = *s * 1000000 + *ns / 1000;
  std::string timing =
      CheckTiming("time stamp", when, env.tolerance_us, actual_ns / 1000);
  return timing;
}

std::string CompareExtendedErr(const grammar::Struct& expected,
                               const uint8_t* data, size_t len, int level,
                               Evaluator& eval) {
  // cmsg_new() sizes the expected cmsg as ip_recv_error() and
  // ipv6_recv_error() fill it: the error and its offender's address; and
  // cmsg_expect_eq() compares cmsg_len.
  const size_t want_len =
      sizeof(sock_extended_err) +
      (level == SOL_IP ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
  if (len != want_len) {
    return "expected " + std::to_string(want_len) +
           " bytes of sock_extended_err and offender, got " +
           std::to_string(len);
  }
  sock_extended_err err;
  std::memcpy(&err, data, sizeof err);
  const std::pair<const char*, int64_t> fields[] = {
      {"ee_errno", err.ee_errno}, {"ee_origin", err.ee_origin},
      {"ee_type", err.ee_type},   {"ee_code", err.ee_code},
      {"ee_info", err.ee_info},   {"ee_data", err.ee_data},
  };
  for (const auto& [name, actual] : fields) {
    const grammar::Field* field = FindField(expected, name);
    if (field == nullptr || IsEllipsis(*field->value)) continue;
    std::optional<int64_t> value = eval.Int(*field->value);
    if (!value) return eval.error().message;
    if (*value != actual) {
      return "expected " + std::string(name) + " " +
             grammar::PrintExpr(*field->value) + ", got " +
             std::to_string(actual);
    }
  }
  return "";
}

std::string CompareData(const grammar::Expr& expected, const cmsghdr& c,
                        CallEnv& env, Evaluator& eval) {
  if (IsEllipsis(expected)) return "";
  const uint8_t* data = CMSG_DATA(&c);
  const size_t len = c.cmsg_len - CMSG_LEN(0);
  if (const auto* record = std::get_if<grammar::Struct>(&expected.node)) {
    if (FindField(*record, "scm_sec") != nullptr) {
      return CompareTimestamp(*record, data, len, env, eval);
    }
    return CompareExtendedErr(*record, data, len, c.cmsg_level, eval);
  }
  std::optional<int64_t> value = eval.Int(expected);
  if (!value) return eval.error().message;
  // An integer is an int, as cmsg_new() encodes it, and cmsg_expect_eq()
  // compares cmsg_len before the bytes.
  if (len != sizeof(int)) {
    return "expected " + std::to_string(sizeof(int)) +
           " bytes of data, got " + std::to_string(len);
  }
  int64_t actual = 0;
  if (!SameInt(*value, data, len, &actual)) {
    return "expected data " + grammar::PrintExpr(expected) + ", got " +
           std::to_string(actual);
  }
  return "";
}

}  // namespace

bool EncodeCmsgs(const grammar::Expr& list, Evaluator& eval,
                 std::vector<uint8_t>* out) {
  const grammar::Array* array = AsArray(list);
  if (array == nullptr) {
    eval.Fail(list, "expected a cmsg list like [{cmsg_level=..., "
                    "cmsg_type=..., cmsg_data=...}]");
    return false;
  }
  out->assign(array->elements.size() * CMSG_SPACE(sizeof(int64_t)), 0);
  size_t offset = 0;
  for (const grammar::ExprPtr& element : array->elements) {
    const grammar::Expr* level = FieldValue(*element, "cmsg_level");
    const grammar::Expr* type = FieldValue(*element, "cmsg_type");
    const grammar::Expr* data = FieldValue(*element, "cmsg_data");
    if (level == nullptr || type == nullptr || data == nullptr) {
      eval.Fail(*element, "a cmsg needs cmsg_level, cmsg_type and cmsg_data");
      return false;
    }
    std::optional<int64_t> l = eval.Int(*level);
    std::optional<int64_t> t = eval.Int(*type);
    std::optional<int64_t> d = eval.Int(*data);
    if (!l || !t || !d) return false;
    cmsghdr header{};
    header.cmsg_len = CMSG_LEN(sizeof(int));
    header.cmsg_level = static_cast<int>(*l);
    header.cmsg_type = static_cast<int>(*t);
    std::memcpy(out->data() + offset, &header, sizeof header);
    const int value = static_cast<int>(*d);
    std::memcpy(out->data() + offset + CMSG_LEN(0), &value, sizeof value);
    offset += CMSG_SPACE(sizeof(int));
  }
  out->resize(offset);
  return true;
}

size_t CmsgSpace(const grammar::Expr& list) {
  const grammar::Array* array = AsArray(list);
  const size_t count = array ? array->elements.size() : 0;
  // Generous: a sock_extended_err with its offender address is the largest
  // cmsg scripts expect.
  return (count + 2) * CMSG_SPACE(sizeof(sock_extended_err) + 32);
}

std::string CheckCmsgs(const std::string& call_name,
                       const grammar::Expr& expected, const msghdr& msg,
                       CallEnv& env) {
  const grammar::Array* array = AsArray(expected);
  if (array == nullptr) return "";
  std::vector<const cmsghdr*> received = Received(msg);
  if (received.size() != array->elements.size()) {
    return call_name + ": expected " + std::to_string(array->elements.size()) +
           " control messages, got " + std::to_string(received.size());
  }
  Evaluator eval(env.config.net, env.fds);
  for (size_t i = 0; i < received.size(); ++i) {
    const grammar::Expr& want = *array->elements[i];
    const cmsghdr& got = *received[i];
    const grammar::Expr* level = FieldValue(want, "cmsg_level");
    const grammar::Expr* type = FieldValue(want, "cmsg_type");
    const grammar::Expr* data = FieldValue(want, "cmsg_data");
    const std::string where =
        call_name + ": control message " + std::to_string(i + 1) + ": ";
    if (level == nullptr || type == nullptr || data == nullptr) {
      return where + "expected {cmsg_level=, cmsg_type=, cmsg_data=}";
    }
    std::optional<int64_t> l = eval.Int(*level);
    std::optional<int64_t> t = eval.Int(*type);
    if (!l || !t) return where + eval.error().message;
    if (*l != got.cmsg_level || *t != got.cmsg_type) {
      return where + "expected level " + grammar::PrintExpr(*level) +
             " type " + grammar::PrintExpr(*type) + ", got level " +
             std::to_string(got.cmsg_level) + " type " +
             std::to_string(got.cmsg_type);
    }
    std::string difference = CompareData(*data, got, env, eval);
    if (!difference.empty()) {
      return where + "(" + grammar::PrintExpr(*type) + ") " + difference;
    }
  }
  return "";
}

}  // namespace synack::interpreter
