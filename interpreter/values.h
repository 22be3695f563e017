// Script expressions turned into the C arguments of a system call: integers
// and flags, socket addresses, data buffers, iovecs, ints passed by pointer.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "interpreter/config.h"
#include "interpreter/fd_table.h"

namespace synack::interpreter {

// Why an expression could not be evaluated, and where it is.
struct EvalError {
  grammar::Location loc;
  std::string message;
};

// A socket address argument; `null` passes a null pointer.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t len = 0;
  bool null = false;
  const sockaddr* get() const {
    return null ? nullptr : reinterpret_cast<const sockaddr*>(&storage);
  }
  sockaddr* get() {
    return null ? nullptr : reinterpret_cast<sockaddr*>(&storage);
  }
  // The port, host order; 0 for AF_UNSPEC and null.
  uint16_t port() const;
};

// A data buffer argument; `null` passes a null pointer.
struct Buffer {
  std::vector<uint8_t> bytes;
  bool null = false;
  uint8_t* data() { return null ? nullptr : bytes.data(); }
  const uint8_t* data() const { return null ? nullptr : bytes.data(); }
};

// Which default address `...` stands for.
enum class AddressRole {
  kLocal,   // bind(): local_ip:bind_port
  kRemote,  // connect(), sendto(): remote_ip:connect_port
  kOutput,  // accept(), getsockname(): room for the kernel to fill in
};

// The default address for a role in the run's socket family: an IPv4 run
// uses sockaddr_in, ipv6 and ipv4-mapped-ipv6 use sockaddr_in6 (the latter
// with ::ffff:a.b.c.d).
SocketAddress DefaultAddress(const NetConfig& net, AddressRole role);

// `{...}` field lookup: the field whose key is `name` or `name(...)`.
const grammar::Field* FindField(const grammar::Struct& record,
                                const std::string& name);
// The name of a field's key: `events` for `events=...`, `msg_iov` for
// `msg_iov(1)=...`; empty for a positional field.
std::string FieldName(const grammar::Field& field);

bool IsEllipsis(const grammar::Expr& expr);
// NULL, or the integer 0 where a pointer is expected.
bool IsNull(const grammar::Expr& expr);

// Evaluates expressions for one system call. Each method returns nullopt on
// error and keeps the first error.
class Evaluator {
 public:
  Evaluator(const NetConfig& net, const FdTable& fds) : net_(net), fds_(fds) {}

  // An integer: literal, constant name, `A|B`, htons(N).
  std::optional<int64_t> Int(const grammar::Expr& expr);
  // A file descriptor argument: the script's number mapped to the live one.
  std::optional<int> Fd(const grammar::Expr& expr);
  // `[N]`: the int behind the pointer.
  std::optional<int64_t> IntPointer(const grammar::Expr& expr);

  std::optional<SocketAddress> Address(const grammar::Expr& expr,
                                       AddressRole role);
  // An address length argument next to `address`: `...` means its size.
  std::optional<socklen_t> AddressLength(const grammar::Expr& expr,
                                         const SocketAddress& address);

  // Data to send: `...` is `len` filler bytes, a string its bytes (padded to
  // `len`), NULL a null pointer.
  std::optional<Buffer> DataOut(const grammar::Expr& expr, size_t len);
  // Room to receive `len` bytes, or a null pointer.
  std::optional<Buffer> DataIn(const grammar::Expr& expr, size_t len);

  // `[{..., 1000}, {..., 20}]`: one buffer per iovec, to send or receive.
  std::optional<std::vector<Buffer>> Iovecs(const grammar::Expr& expr,
                                            bool to_send);

  // A setsockopt value: `[N]` (an int of `len` bytes), `{onoff=, linger=}`,
  // a string, or `...`/NULL (a null pointer).
  std::optional<Buffer> OptionValue(const grammar::Expr& expr, size_t len);

  bool failed() const { return error_.has_value(); }
  const EvalError& error() const { return *error_; }
  // Records an error found by a caller (a wrong shape it knows about).
  std::nullopt_t Fail(const grammar::Expr& expr, std::string message);

 private:
  std::optional<SocketAddress> ExplicitAddress(const grammar::Expr& expr,
                                               const grammar::Struct& record);
  std::optional<Buffer> IovecBuffer(const grammar::Expr& expr, bool to_send);

  const NetConfig& net_;
  const FdTable& fds_;
  std::optional<EvalError> error_;
};

// Reads an integer of `len` bytes (1, 2, 4 or 8; host order) and compares
// it with an expected value on the same width, so 0xffffffff matches a
// 4-byte -1.
bool SameInt(int64_t expected, const uint8_t* data, size_t len,
             int64_t* actual);

}  // namespace synack::interpreter
