// The errno names a script may write after a result (`= -1 EAGAIN`), with
// their values from <errno.h>.
#include <errno.h>

#include <map>
#include <string>

#include "grammar/checker.h"
#include "grammar/known_names.h"

namespace synack::grammar {

namespace {

struct ErrnoName {
  std::string_view name;
  int value;
};

#define E(name) ErrnoName{#name, name}

// The names sockets return come first, so a hint prefers them on a tie.
// clang-format off
constexpr ErrnoName kErrnos[] = {
    E(EAGAIN),
    E(EINPROGRESS),
    E(EALREADY),
    E(ECONNREFUSED),
    E(ECONNRESET),
    E(ETIMEDOUT),
    E(EPIPE),
    E(EFAULT),
    E(EINVAL),
    E(EISCONN),
    E(ENOTCONN),
    E(EOPNOTSUPP),
    E(EHOSTUNREACH),
    E(ENETUNREACH),
    E(EBADF),
    E(ENOTSOCK),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(EMSGSIZE),
    E(ENOBUFS),
    E(ENOMEM),
    E(ENOPROTOOPT),
    E(ENOMSG),
    E(EWOULDBLOCK),
    E(EPERM),
    E(ENOENT),
    E(ESRCH),
    E(EINTR),
    E(EIO),
    E(ENXIO),
    E(E2BIG),
    E(ENOEXEC),
    E(ECHILD),
    E(EACCES),
    E(ENOTBLK),
    E(EBUSY),
    E(EEXIST),
    E(EXDEV),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(ENFILE),
    E(EMFILE),
    E(ENOTTY),
    E(ETXTBSY),
    E(EFBIG),
    E(ENOSPC),
    E(ESPIPE),
    E(EROFS),
    E(EMLINK),
    E(EDOM),
    E(ERANGE),
    E(EDEADLK),
    E(ENAMETOOLONG),
    E(ENOLCK),
    E(ENOSYS),
    E(ENOTEMPTY),
    E(ELOOP),
    E(EIDRM),
    E(ECHRNG),
    E(EL2NSYNC),
    E(EL3HLT),
    E(EL3RST),
    E(ELNRNG),
    E(EUNATCH),
    E(ENOCSI),
    E(EL2HLT),
    E(EBADE),
    E(EBADR),
    E(EXFULL),
    E(ENOANO),
    E(EBADRQC),
    E(EBADSLT),
    E(EBFONT),
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(ENONET),
    E(ENOPKG),
    E(EREMOTE),
    E(ENOLINK),
    E(EADV),
    E(ESRMNT),
    E(ECOMM),
    E(EPROTO),
    E(EMULTIHOP),
    E(EDOTDOT),
    E(EBADMSG),
    E(EOVERFLOW),
    E(ENOTUNIQ),
    E(EBADFD),
    E(EREMCHG),
    E(ELIBACC),
    E(ELIBBAD),
    E(ELIBSCN),
    E(ELIBMAX),
    E(ELIBEXEC),
    E(EILSEQ),
    E(ERESTART),
    E(ESTRPIPE),
    E(EUSERS),
    E(EDESTADDRREQ),
    E(EPROTOTYPE),
    E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT),
    E(EPFNOSUPPORT),
    E(EAFNOSUPPORT),
    E(ENETDOWN),
    E(ENETRESET),
    E(ECONNABORTED),
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(EHOSTDOWN),
    E(ESTALE),
    E(EUCLEAN),
    E(ENOTNAM),
    E(ENAVAIL),
    E(EISNAM),
    E(EREMOTEIO),
    E(EDQUOT),
    E(ENOMEDIUM),
    E(EMEDIUMTYPE),
    E(ECANCELED),
    E(ENOKEY),
    E(EKEYEXPIRED),
    E(EKEYREVOKED),
    E(EKEYREJECTED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
    E(ERFKILL),
    E(EHWPOISON),
    E(EDEADLOCK),
    E(ENOTSUP),
};
// clang-format on

#undef E

}  // namespace

std::optional<int> LookupErrno(const std::string& name) {
  static const std::map<std::string_view, int> by_name = [] {
    std::map<std::string_view, int> table;
    for (const ErrnoName& entry : kErrnos) {
      table.emplace(entry.name, entry.value);
    }
    return table;
  }();
  auto it = by_name.find(name);
  if (it == by_name.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string_view> ErrnoNames() {
  std::vector<std::string_view> names;
  for (const ErrnoName& entry : kErrnos) names.push_back(entry.name);
  return names;
}

}  // namespace synack::grammar
