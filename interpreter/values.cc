// Script expressions turned into system call arguments.
#include "interpreter/values.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "grammar/checker.h"
#include "grammar/printer.h"

namespace synack::interpreter {

namespace {

using grammar::Expr;

void FillAddress(sockaddr_storage* storage, socklen_t* len, int family,
                 const wire::IpAddress& ip, uint16_t port) {
  *storage = {};
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, ip.bytes.data(), 4);
    *len = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, ip.bytes.data(), 16);
    *len = sizeof(sockaddr_in6);
  }
}

const grammar::Array* AsArray(const Expr& expr) {
  return std::get_if<grammar::Array>(&expr.node);
}

const grammar::Struct* AsStruct(const Expr& expr) {
  return std::get_if<grammar::Struct>(&expr.node);
}

}  // namespace

uint16_t SocketAddress::port() const {
  if (null) return 0;
  if (storage.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  }
  if (storage.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return 0;
}

SocketAddress DefaultAddress(const NetConfig& net, AddressRole role) {
  SocketAddress address;
  const int family = net.socket_family();
  wire::IpAddress ip = role == AddressRole::kRemote ? net.remote_ip
                                                    : net.local_ip;
  if (family == AF_INET6 && ip.family == AF_INET) ip = ip.ToV4Mapped();
  const uint16_t port = role == AddressRole::kRemote ? net.connect_port
                                                     : net.bind_port;
  FillAddress(&address.storage, &address.len, family, ip, port);
  if (role == AddressRole::kOutput) {
    // Room for whatever the kernel writes back.
    address.storage = {};
    address.len = sizeof(sockaddr_storage);
  }
  return address;
}

std::string FieldName(const grammar::Field& field) {
  if (!field.key) return "";
  if (const auto* symbol = std::get_if<grammar::Symbol>(&field.key->node)) {
    return symbol->name;
  }
  if (const auto* call = std::get_if<grammar::Call>(&field.key->node)) {
    return call->name;
  }
  return "";
}

const grammar::Field* FindField(const grammar::Struct& record,
                                const std::string& name) {
  for (const grammar::Field& field : record.fields) {
    if (FieldName(field) == name) return &field;
  }
  return nullptr;
}

bool IsEllipsis(const Expr& expr) {
  return std::holds_alternative<grammar::Ellipsis>(expr.node);
}

bool IsNull(const Expr& expr) {
  if (const auto* symbol = std::get_if<grammar::Symbol>(&expr.node)) {
    return symbol->name == "NULL";
  }
  if (const auto* integer = std::get_if<grammar::Integer>(&expr.node)) {
    return integer->value == 0;
  }
  return false;
}

std::nullopt_t Evaluator::Fail(const Expr& expr, std::string message) {
  if (!error_) error_ = EvalError{expr.loc, std::move(message)};
  return std::nullopt;
}

std::optional<int64_t> Evaluator::Int(const Expr& expr) {
  if (const auto* integer = std::get_if<grammar::Integer>(&expr.node)) {
    return integer->value;
  }
  if (const auto* symbol = std::get_if<grammar::Symbol>(&expr.node)) {
    if (std::optional<int64_t> value = grammar::LookupConstant(symbol->name)) {
      return value;
    }
    return Fail(expr, "unknown constant '" + symbol->name + "'");
  }
  if (const auto* bit_or = std::get_if<grammar::BitOr>(&expr.node)) {
    int64_t value = 0;
    for (const grammar::ExprPtr& operand : bit_or->operands) {
      std::optional<int64_t> part = Int(*operand);
      if (!part) return std::nullopt;
      value |= *part;
    }
    return value;
  }
  if (const auto* call = std::get_if<grammar::Call>(&expr.node)) {
    // htons(8080) and htonl(N) as values: the number itself; the callers
    // that need network order (sockaddr) convert.
    if ((call->name == "htons" || call->name == "htonl") &&
        call->args.size() == 1) {
      return Int(*call->args[0]);
    }
  }
  return Fail(expr, "expected an integer, found '" + grammar::PrintExpr(expr) +
                        "'");
}

std::optional<int> Evaluator::Fd(const Expr& expr) {
  std::optional<int64_t> value = Int(expr);
  if (!value) return std::nullopt;
  return fds_.Translate(static_cast<int>(*value));
}

std::optional<int64_t> Evaluator::IntPointer(const Expr& expr) {
  const grammar::Array* array = AsArray(expr);
  if (array == nullptr || array->elements.size() != 1) {
    return Fail(expr, "expected an int by pointer like [1], found '" +
                          grammar::PrintExpr(expr) + "'");
  }
  return Int(*array->elements[0]);
}

std::optional<SocketAddress> Evaluator::Address(const Expr& expr,
                                                AddressRole role) {
  if (IsEllipsis(expr)) return DefaultAddress(net_, role);
  if (IsNull(expr)) {
    SocketAddress address;
    address.null = true;
    return address;
  }
  if (const grammar::Struct* record = AsStruct(expr)) {
    return ExplicitAddress(expr, *record);
  }
  // A bare family (`AF_UNSPEC`): an address of that family and nothing else,
  // as scripts use to test the kernel's family checks.
  std::optional<int64_t> family = Int(expr);
  if (!family) return std::nullopt;
  SocketAddress address = DefaultAddress(net_, AddressRole::kRemote);
  address.storage = {};
  address.storage.ss_family = static_cast<sa_family_t>(*family);
  return address;
}

std::optional<SocketAddress> Evaluator::ExplicitAddress(
    const Expr& expr, const grammar::Struct& record) {
  const grammar::Field* family_field = FindField(record, "sa_family");
  if (family_field == nullptr) {
    return Fail(expr, "a sockaddr needs sa_family=AF_INET or AF_INET6");
  }
  std::optional<int64_t> family = Int(*family_field->value);
  if (!family) return std::nullopt;
  const bool v6 = *family == AF_INET6;
  const grammar::Field* port_field =
      FindField(record, v6 ? "sin6_port" : "sin_port");
  const grammar::Field* addr_field =
      FindField(record, v6 ? "sin6_addr" : "sin_addr");
  int64_t port = 0;
  if (port_field != nullptr) {
    std::optional<int64_t> value = Int(*port_field->value);
    if (!value) return std::nullopt;
    port = *value;
  }
  wire::IpAddress ip;
  ip.family = v6 ? AF_INET6 : AF_INET;
  if (addr_field != nullptr) {
    const Expr& value = *addr_field->value;
    const auto* call = std::get_if<grammar::Call>(&value.node);
    const grammar::String* text =
        call != nullptr && call->args.size() == 1
            ? std::get_if<grammar::String>(&call->args[0]->node)
            : nullptr;
    if (text != nullptr) {
      std::optional<wire::IpAddress> parsed =
          wire::IpAddress::Parse(text->value);
      if (!parsed || parsed->family != ip.family) {
        return Fail(value, "not an " + std::string(v6 ? "IPv6" : "IPv4") +
                               " address: '" + text->value + "'");
      }
      ip = *parsed;
    } else {
      // INADDR_ANY and friends: host-order integers.
      std::optional<int64_t> number = Int(value);
      if (!number) return std::nullopt;
      const uint32_t host = static_cast<uint32_t>(*number);
      const uint32_t network = htonl(host);
      std::memcpy(ip.bytes.data(), &network, 4);
    }
  }
  SocketAddress address;
  if (*family != AF_INET && *family != AF_INET6) {
    address.storage.ss_family = static_cast<sa_family_t>(*family);
    address.len = sizeof(sockaddr_in6);
    return address;
  }
  FillAddress(&address.storage, &address.len, static_cast<int>(*family), ip,
              static_cast<uint16_t>(port));
  if (v6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
    if (const grammar::Field* flow = FindField(record, "sin6_flowinfo")) {
      std::optional<int64_t> value = Int(*flow->value);
      if (!value) return std::nullopt;
      sin6->sin6_flowinfo = htonl(static_cast<uint32_t>(*value));
    }
    if (const grammar::Field* scope = FindField(record, "sin6_scope_id")) {
      std::optional<int64_t> value = Int(*scope->value);
      if (!value) return std::nullopt;
      sin6->sin6_scope_id = static_cast<uint32_t>(*value);
    }
  }
  return address;
}

std::optional<socklen_t> Evaluator::AddressLength(
    const Expr& expr, const SocketAddress& address) {
  if (IsEllipsis(expr)) return address.null ? 0 : address.len;
  // `[N]`: a length passed by pointer (accept, getsockname).
  if (AsArray(expr) != nullptr) {
    std::optional<int64_t> value = IntPointer(expr);
    if (!value) return std::nullopt;
    return static_cast<socklen_t>(*value);
  }
  std::optional<int64_t> value = Int(expr);
  if (!value) return std::nullopt;
  return static_cast<socklen_t>(*value);
}

std::optional<Buffer> Evaluator::DataOut(const Expr& expr, size_t len) {
  Buffer buffer;
  if (IsNull(expr)) {
    buffer.null = true;
    return buffer;
  }
  if (const auto* text = std::get_if<grammar::String>(&expr.node)) {
    buffer.bytes.assign(text->value.begin(), text->value.end());
    if (buffer.bytes.size() < len) buffer.bytes.resize(len, 0);
    return buffer;
  }
  if (!IsEllipsis(expr)) {
    return Fail(expr, "expected ... or a string as data, found '" +
                          grammar::PrintExpr(expr) + "'");
  }
  // The content of written data does not matter to any check: zeros.
  buffer.bytes.assign(len, 0);
  return buffer;
}

std::optional<Buffer> Evaluator::DataIn(const Expr& expr, size_t len) {
  Buffer buffer;
  if (IsNull(expr)) {
    buffer.null = true;
    return buffer;
  }
  // `...` or a string: room for `len` bytes; what arrives is not compared.
  buffer.bytes.assign(len, 0);
  return buffer;
}

std::optional<Buffer> Evaluator::IovecBuffer(const Expr& expr,
                                             bool to_send) {
  const grammar::Struct* record = AsStruct(expr);
  const Expr* base = nullptr;
  const Expr* len = nullptr;
  if (record != nullptr) {
    const grammar::Field* base_field = FindField(*record, "iov_base");
    const grammar::Field* len_field = FindField(*record, "iov_len");
    if (base_field != nullptr && len_field != nullptr) {
      base = base_field->value.get();
      len = len_field->value.get();
    } else if (record->fields.size() == 2 && !record->fields[0].key &&
               !record->fields[1].key) {
      base = record->fields[0].value.get();
      len = record->fields[1].value.get();
    }
  }
  if (base == nullptr || len == nullptr) {
    return Fail(expr, "expected an iovec like {..., 1000}, found '" +
                          grammar::PrintExpr(expr) + "'");
  }
  std::optional<int64_t> size = Int(*len);
  if (!size) return std::nullopt;
  if (*size < 0) return Fail(*len, "an iovec length cannot be negative");
  return to_send ? DataOut(*base, static_cast<size_t>(*size))
                 : DataIn(*base, static_cast<size_t>(*size));
}

std::optional<std::vector<Buffer>> Evaluator::Iovecs(const Expr& expr,
                                                     bool to_send) {
  std::vector<Buffer> buffers;
  if (IsNull(expr)) return buffers;
  const grammar::Array* array = AsArray(expr);
  if (array == nullptr) {
    return Fail(expr, "expected an iovec array like [{..., 1000}], found '" +
                          grammar::PrintExpr(expr) + "'");
  }
  for (const grammar::ExprPtr& element : array->elements) {
    std::optional<Buffer> buffer = IovecBuffer(*element, to_send);
    if (!buffer) return std::nullopt;
    buffers.push_back(std::move(*buffer));
  }
  return buffers;
}

std::optional<Buffer> Evaluator::OptionValue(const Expr& expr, size_t len) {
  Buffer buffer;
  if (IsEllipsis(expr) || IsNull(expr)) {
    buffer.null = true;
    return buffer;
  }
  if (const auto* text = std::get_if<grammar::String>(&expr.node)) {
    buffer.bytes.assign(text->value.begin(), text->value.end());
    if (buffer.bytes.size() < len) buffer.bytes.resize(len, 0);
    return buffer;
  }
  if (const grammar::Struct* record = AsStruct(expr)) {
    const grammar::Field* onoff = FindField(*record, "onoff");
    const grammar::Field* seconds = FindField(*record, "linger");
    if (onoff == nullptr || seconds == nullptr) {
      return Fail(expr, "expected {onoff=..., linger=...}, found '" +
                            grammar::PrintExpr(expr) + "'");
    }
    std::optional<int64_t> on = Int(*onoff->value);
    std::optional<int64_t> secs = Int(*seconds->value);
    if (!on || !secs) return std::nullopt;
    linger value{static_cast<int>(*on), static_cast<int>(*secs)};
    buffer.bytes.resize(std::max(sizeof value, len), 0);
    std::memcpy(buffer.bytes.data(), &value, sizeof value);
    return buffer;
  }
  std::optional<int64_t> value = AsArray(expr) ? IntPointer(expr) : Int(expr);
  if (!value) return std::nullopt;
  // An int of the width the script passes: `[4], 1` hands the kernel one
  // byte, which on a little-endian host is the low byte of the int.
  buffer.bytes.resize(std::max<size_t>(len, 8), 0);
  if (len >= 8) {
    std::memcpy(buffer.bytes.data(), &*value, 8);
  } else {
    const int32_t narrow = static_cast<int32_t>(*value);
    std::memcpy(buffer.bytes.data(), &narrow, 4);
  }
  return buffer;
}

bool SameInt(int64_t expected, const uint8_t* data, size_t len,
             int64_t* actual) {
  uint64_t mask = ~uint64_t{0};
  uint64_t raw = 0;
  switch (len) {
    case 1: {
      raw = data[0];
      mask = 0xff;
      break;
    }
    case 2: {
      uint16_t value;
      std::memcpy(&value, data, 2);
      raw = value;
      mask = 0xffff;
      break;
    }
    case 4: {
      uint32_t value;
      std::memcpy(&value, data, 4);
      // Report as the kernel's int would read: signed.
      raw = value;
      mask = 0xffffffff;
      break;
    }
    default: {
      uint64_t value = 0;
      std::memcpy(&value, data, len < 8 ? len : 8);
      raw = value;
      break;
    }
  }
  if (len == 4) {
    *actual = static_cast<int32_t>(static_cast<uint32_t>(raw));
  } else {
    *actual = static_cast<int64_t>(raw);
  }
  // The width holds -2^(bits-1) .. 2^bits-1 (get_s32()'s INT_MIN..UINT_MAX
  // for 4 bytes); a value outside it is no match, whatever its low bits.
  if (len < 8) {
    const int64_t top = int64_t{1} << (8 * len);
    if (expected >= top || expected < -(top / 2)) return false;
  }
  return (static_cast<uint64_t>(expected) & mask) == (raw & mask);
}

}  // namespace synack::interpreter
