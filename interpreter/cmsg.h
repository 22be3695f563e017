// Control messages (a msghdr's msg_control): encoding the script's list for
// sendmsg(), and comparing what recvmsg() received with the script's list.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "interpreter/syscall.h"
#include "interpreter/values.h"

namespace synack::interpreter {

// Encodes `[{cmsg_level=L, cmsg_type=T, cmsg_data=D}, ...]`; D is an int.
bool EncodeCmsgs(const grammar::Expr& list, Evaluator& eval,
                 std::vector<uint8_t>* out);

// Room to receive the control messages the script expects.
size_t CmsgSpace(const grammar::Expr& list);

// Compares the control messages in `msg` with the script's list. cmsg_data
// may be an int, `{scm_sec=, scm_nsec=}` (SCM_TIMESTAMPING: the software
// time stamp, script time with the event's tolerance), `{ee_errno=, ...}`
// (a sock_extended_err), or `...` (not checked). Returns a failure message,
// empty when they match.
std::string CheckCmsgs(const std::string& call_name,
                       const grammar::Expr& expected, const msghdr& msg,
                       CallEnv& env);

}  // namespace synack::interpreter
