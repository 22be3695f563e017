// The block server: its Python program, starting it, and a run's request.
#include "interpreter/block_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace synack::interpreter {

namespace {

constexpr int kRequestFd = 3;  // the server's end, as the server sees it

// A worker's exit status when it cannot enter the run's network namespace
// (setns needs CAP_SYS_ADMIN): the run then starts python3 itself.
constexpr int kNoNamespaceStatus = 121;

// Reads `fd` to its end: from its start with pread() (`positional`, for a
// file another process wrote), else with read().
std::string ReadAll(int fd, bool positional) {
  std::string text;
  char buffer[4096];
  for (off_t at = 0;;) {
    const ssize_t n = positional ? pread(fd, buffer, sizeof buffer, at)
                                 : read(fd, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<size_t>(n));
      at += n;
    } else if (n == 0 || errno != EINTR) {
      return text;
    }
  }
}

}  // namespace

const char* BlockServerSource() {
  return R"PY(
import ctypes, os, select, signal, socket, sys, traceback
# What the driver imports, loaded once here rather than in every worker.
import json, textwrap

driver = compile(sys.argv[1], '<string>', 'exec')
requests = socket.socket(fileno=3)
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
CLONE_NEWNET = 0x40000000
NO_NAMESPACE = 121  # kNoNamespaceStatus in block_server.cc
# ^C reaches the whole process group; synack decides what it stops.
signal.signal(signal.SIGINT, signal.SIG_IGN)
wake_read, wake_write = os.pipe()
os.set_blocking(wake_write, False)
signal.set_wakeup_fd(wake_write)
signal.signal(signal.SIGCHLD, lambda *_: None)
workers = {}  # pid: the run's reply socket, None once the run is gone
server = os.getpid()

def exit_code(e):
    # What python3 itself makes of SystemExit.
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xff
    print(e.code, file=sys.stderr)
    return 1

def work(reply, output, netns, request):
    # A fork of the server that runs the driver as `python3 -c` would, in
    # the run's network namespace.
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server:
        os._exit(1)  # the server died before the prctl
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sock in [requests, reply] + [s for s in workers.values() if s]:
        sock.close()
    os.close(wake_read)
    os.close(wake_write)
    if netns is not None:
        if (os.fstat(netns).st_ino != os.stat('/proc/self/ns/net').st_ino
                and libc.setns(netns, CLONE_NEWNET) != 0):
            os._exit(NO_NAMESPACE)
        os.close(netns)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    cwd, *args = request.decode('utf-8', 'surrogateescape').split('\0')
    status = 0
    try:
        os.chdir(cwd)
        sys.argv = ['-c'] + args
        exec(driver, {'__name__': '__main__', '__builtins__': __builtins__})
    except SystemExit as e:
        status = exit_code(e)
    except BaseException as e:
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        status = 1
    for stream in sys.stdout, sys.stderr:
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(status)

def reap():
    while workers:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        reply = workers.pop(pid, None)
        if reply:
            code = os.waitstatus_to_exitcode(status)
            try:
                reply.sendall(b'%d' % (code if code >= 0 else 128 - code))
            except OSError:
                pass
            reply.close()

while True:
    waiting = [s for s in workers.values() if s]
    ready = select.select([requests, wake_read] + waiting, [], [])[0]
    if wake_read in ready:
        os.read(wake_read, 512)
        reap()
    for pid, reply in list(workers.items()):
        # A reply socket is readable only at its end: the run was killed
        # (its timeout, ^C), and its worker goes with it.
        if reply in ready:
            os.kill(pid, signal.SIGKILL)
            reply.close()
            workers[pid] = None
    if requests in ready:
        request, fds, _, _ = socket.recv_fds(requests, 65536, 3)
        if not request and not fds:
            sys.exit(0)  # every run and synack closed their ends
        if len(fds) not in (2, 3):
            for fd in fds:
                os.close(fd)
            continue
        netns = fds[2] if len(fds) == 3 else None
        pid = os.fork()
        if pid == 0:
            work(socket.socket(fileno=fds[0]), fds[1], netns, request)
        for fd in fds[1:]:
            os.close(fd)
        workers[pid] = socket.socket(fileno=fds[0])
)PY";
}

std::unique_ptr<BlockServer> BlockServer::Start(const std::string& python,
                                                const std::string& driver) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return nullptr;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return nullptr;
  }
  if (pid == 0) {
    // Killed when synack goes, however it goes; if it went before the
    // prctl, there is no one to serve.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (fds[1] == kRequestFd) {
      fcntl(kRequestFd, F_SETFD, 0);
    } else {
      dup2(fds[1], kRequestFd);
    }
    const int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    execlp(python.c_str(), python.c_str(), "-c", BlockServerSource(),
           driver.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  return std::unique_ptr<BlockServer>(new BlockServer(pid, fds[0]));
}

BlockServer::~BlockServer() {
  close(client_fd_);
  kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

std::optional<ProcessResult> RunOnBlockServer(
    int server_fd, const std::vector<std::string>& args) {
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return std::nullopt;
  std::string request = cwd;
  for (const std::string& arg : args) request += '\0' + arg;
  int reply[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, reply) != 0) {
    return std::nullopt;
  }
  const int output = memfd_create("synack-block-output", MFD_CLOEXEC);
  if (output < 0) {
    close(reply[0]);
    close(reply[1]);
    return std::nullopt;
  }

  // The run's network namespace: a block reads /proc/net, runs `ss`, as in
  // the run. Without it (no /proc), the server's own.
  const int netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

  // One datagram: the request, then the reply socket, the output file and
  // the namespace.
  const int passed[3] = {reply[1], output, netns};
  const size_t passing = netns >= 0 ? 3 : 2;
  iovec data{request.data(), request.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(3 * sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = CMSG_SPACE(passing * sizeof(int));
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(passing * sizeof(int));
  std::memcpy(CMSG_DATA(header), passed, passing * sizeof(int));
  ssize_t sent;
  do {
    sent = sendmsg(server_fd, &message, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  close(reply[1]);
  if (netns >= 0) close(netns);

  // The exit status, once the worker has ended; nothing if the server died.
  const std::string status = sent < 0 ? "" : ReadAll(reply[0], false);
  close(reply[0]);
  std::optional<ProcessResult> result;
  if (!status.empty() && std::atoi(status.c_str()) != kNoNamespaceStatus) {
    result.emplace();
    result->exit_status = std::atoi(status.c_str());
    result->output = ReadAll(output, true);
  }
  close(output);
  return result;
}

}  // namespace synack::interpreter
