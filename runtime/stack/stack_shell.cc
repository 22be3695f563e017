// StackShell: a small /bin/sh (words, quotes, $VAR and $((...)), pipes,
// && || ! ;, redirections) whose commands act on the stack.
#include "runtime/stack/stack_shell.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

namespace synack::stack {

namespace {

// --- Syntax --------------------------------------------------------------------

struct Redirect {
  int fd = 1;
  std::string op;      // ">", ">>", "<", ">&" (dup: target is a fd number)
  std::string target;
};

struct SimpleCommand {
  std::vector<std::string> words;
  std::vector<Redirect> redirects;
  std::string text;  // as written, for messages
};

struct Pipeline {
  bool negate = false;
  std::vector<SimpleCommand> commands;
};

// Pipelines joined by && and ||; connectors[i] joins pipelines i and i+1.
struct AndOrList {
  std::vector<Pipeline> pipelines;
  std::vector<std::string> connectors;
};

struct Token {
  enum Kind { kWord, kOp, kRedirect } kind = kWord;
  std::string value;  // the word, or the operator: ; && || | !
  Redirect redirect;
  size_t begin = 0, end = 0;  // in the source, for the command's text
};

using Env = std::map<std::string, std::string>;

std::string Lookup(const Env& env, const std::string& name) {
  if (auto it = env.find(name); it != env.end()) return it->second;
  if (const char* value = std::getenv(name.c_str())) return value;
  return "";
}

// $((...)): integers with + - * / % and parentheses, variables by name.
class Arithmetic {
 public:
  Arithmetic(const std::string& text, const Env& env) : s_(text), env_(env) {}
  std::optional<long long> Eval() {
    std::optional<long long> v = Sum();
    Skip();
    if (!v || i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void Skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::optional<long long> Sum() {
    std::optional<long long> v = Product();
    while (v) {
      Skip();
      if (i_ >= s_.size() || (s_[i_] != '+' && s_[i_] != '-')) break;
      const char op = s_[i_++];
      std::optional<long long> r = Product();
      if (!r) return std::nullopt;
      v = op == '+' ? *v + *r : *v - *r;
    }
    return v;
  }
  std::optional<long long> Product() {
    std::optional<long long> v = Unary();
    while (v) {
      Skip();
      if (i_ >= s_.size() || (s_[i_] != '*' && s_[i_] != '/' && s_[i_] != '%')) break;
      const char op = s_[i_++];
      std::optional<long long> r = Unary();
      if (!r || (op != '*' && *r == 0)) return std::nullopt;
      v = op == '*' ? *v * *r : op == '/' ? *v / *r : *v % *r;
    }
    return v;
  }
  std::optional<long long> Unary() {
    Skip();
    if (i_ < s_.size() && s_[i_] == '-') {
      ++i_;
      std::optional<long long> v = Unary();
      if (!v) return std::nullopt;
      return -*v;
    }
    if (i_ < s_.size() && s_[i_] == '(') {
      ++i_;
      std::optional<long long> v = Sum();
      Skip();
      if (!v || i_ >= s_.size() || s_[i_] != ')') return std::nullopt;
      ++i_;
      return v;
    }
    const size_t start = i_;
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
      ++i_;
    }
    if (start == i_) return std::nullopt;
    std::string word = s_.substr(start, i_ - start);
    if (!std::isdigit(static_cast<unsigned char>(word[0]))) word = Lookup(env_, word);
    if (word.empty()) return 0;
    char* end = nullptr;
    const long long v = std::strtoll(word.c_str(), &end, 0);
    if (*end != '\0') return std::nullopt;
    return v;
  }

  const std::string& s_;
  const Env& env_;
  size_t i_ = 0;
};

class Lexer {
 public:
  Lexer(const std::string& src, const Env& env) : s_(src), env_(env) {}

  // Returns an error message, empty on success.
  std::string Tokenize(std::vector<Token>* tokens) {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      const size_t begin = i_;
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else if (c == '\\' && Peek(1) == '\n') {
        i_ += 2;
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '\n' || c == ';') {
        ++i_;
        Op(tokens, ";", begin);
      } else if (c == '&' && Peek(1) == '&') {
        i_ += 2;
        Op(tokens, "&&", begin);
      } else if (c == '|' && Peek(1) == '|') {
        i_ += 2;
        Op(tokens, "||", begin);
      } else if (c == '|') {
        ++i_;
        Op(tokens, "|", begin);
      } else if (c == '&') {
        // Background: runs to completion here. `cmd &> FILE` is bash's;
        // /bin/sh (dash), which runs the kernel backend's commands, reads
        // `cmd &` and then `> FILE`, an empty command that succeeds
        // (measured: fastopen/client/nonblocking-sendto.pkt's
        // `sysctl ... &> /dev/null || ip tcp_metrics flush all` leaves the
        // cookie cache as it was).
        ++i_;
        Op(tokens, ";", begin);
      } else if (c == '>' || c == '<' ||
                 (std::isdigit(static_cast<unsigned char>(c)) &&
                  (Peek(1) == '>' || Peek(1) == '<'))) {
        int fd = c == '<' ? 0 : 1;
        if (std::isdigit(static_cast<unsigned char>(c))) {
          fd = c - '0';
          ++i_;
        }
        std::string op(1, s_[i_++]);
        if (op == ">" && Peek(0) == '>') {
          op = ">>";
          ++i_;
        }
        Token t;
        if (Peek(0) == '&') {
          ++i_;
          t.kind = Token::kRedirect;
          std::string target;
          while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
            target += s_[i_++];
          }
          if (target.empty()) return "bad redirection";
          t.redirect = {fd, ">&", target};
          t.end = i_;
        } else if (std::string e = RedirectTarget(fd, op, &t); !e.empty()) {
          return e;
        }
        t.begin = begin;
        tokens->push_back(t);
      } else {
        Token t;
        t.kind = Token::kWord;
        bool quoted = false;
        if (std::string e = Word(&t.value, &quoted); !e.empty()) return e;
        if (t.value == "!" && !quoted) {
          t.kind = Token::kOp;
        }
        t.begin = begin;
        t.end = i_;
        tokens->push_back(t);
      }
    }
    return "";
  }

 private:
  char Peek(size_t ahead) const {
    return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0';
  }

  void Op(std::vector<Token>* tokens, const std::string& op, size_t begin) {
    Token t;
    t.kind = Token::kOp;
    t.value = op;
    t.begin = begin;
    t.end = i_;
    tokens->push_back(t);
  }

  std::string RedirectTarget(int fd, const std::string& op, Token* t) {
    while (Peek(0) == ' ' || Peek(0) == '\t') ++i_;
    t->kind = Token::kRedirect;
    bool quoted = false;
    std::string target;
    if (std::string e = Word(&target, &quoted); !e.empty()) return e;
    if (target.empty() && !quoted) return "redirection without a file";
    t->redirect = {fd, op, target};
    t->end = i_;
    return "";
  }

  static bool EndsWord(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' ||
           c == '&' || c == '|' || c == '<' || c == '>';
  }

  std::string Word(std::string* out, bool* quoted) {
    while (i_ < s_.size() && !EndsWord(s_[i_])) {
      const char c = s_[i_];
      if (c == '\'') {
        *quoted = true;
        const size_t close = s_.find('\'', i_ + 1);
        if (close == std::string::npos) return "unterminated quote";
        *out += s_.substr(i_ + 1, close - i_ - 1);
        i_ = close + 1;
      } else if (c == '"') {
        *quoted = true;
        ++i_;
        while (true) {
          if (i_ >= s_.size()) return "unterminated quote";
          const char d = s_[i_];
          if (d == '"') {
            ++i_;
            break;
          }
          if (d == '\\' && i_ + 1 < s_.size() &&
              std::string("\"\\$`\n").find(s_[i_ + 1]) != std::string::npos) {
            if (s_[i_ + 1] != '\n') *out += s_[i_ + 1];
            i_ += 2;
          } else if (d == '$') {
            if (std::string e = Dollar(out); !e.empty()) return e;
          } else {
            *out += d;
            ++i_;
          }
        }
      } else if (c == '\\') {
        if (i_ + 1 < s_.size() && s_[i_ + 1] != '\n') *out += s_[i_ + 1];
        i_ += 2;
      } else if (c == '$') {
        if (std::string e = Dollar(out); !e.empty()) return e;
      } else if (c == '`') {
        return "command substitution is not supported on the stack backend";
      } else {
        *out += c;
        ++i_;
      }
    }
    return "";
  }

  // $NAME, ${NAME}, $((expr)), $$, $?.
  std::string Dollar(std::string* out) {
    ++i_;
    if (Peek(0) == '(' && Peek(1) == '(') {
      const size_t close = s_.find("))", i_ + 2);
      if (close == std::string::npos) return "unterminated $((";
      const std::string expr = s_.substr(i_ + 2, close - i_ - 2);
      std::optional<long long> value = Arithmetic(expr, env_).Eval();
      if (!value) return "bad arithmetic: $((" + expr + "))";
      *out += std::to_string(*value);
      i_ = close + 2;
      return "";
    }
    if (Peek(0) == '(') return "command substitution is not supported on the stack backend";
    std::string name;
    if (Peek(0) == '{') {
      const size_t close = s_.find('}', i_);
      if (close == std::string::npos) return "unterminated ${";
      name = s_.substr(i_ + 1, close - i_ - 1);
      i_ = close + 1;
    } else if (Peek(0) == '$' || Peek(0) == '?') {
      name = std::string(1, Peek(0));
      ++i_;
    } else {
      while (i_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
        name += s_[i_++];
      }
      if (name.empty()) {
        *out += '$';
        return "";
      }
    }
    if (name == "$") {
      *out += Lookup(env_, "PACKETDRILL_PID");
    } else if (name == "?") {
      *out += "0";
    } else {
      *out += Lookup(env_, name);
    }
    return "";
  }

  const std::string& s_;
  const Env& env_;
  size_t i_ = 0;
};

// Returns an error message, empty on success.
std::string Parse(const std::string& src, const std::vector<Token>& tokens,
                  std::vector<AndOrList>* lists) {
  AndOrList list;
  Pipeline pipeline;
  SimpleCommand command;
  size_t command_begin = 0, command_end = 0;
  bool has_command = false;
  auto end_command = [&]() -> bool {
    if (!has_command) return false;
    command.text = src.substr(command_begin, command_end - command_begin);
    pipeline.commands.push_back(std::move(command));
    command = SimpleCommand{};
    has_command = false;
    return true;
  };
  auto end_pipeline = [&]() -> bool {
    const bool had = end_command();
    if (!had && pipeline.commands.empty()) return false;
    list.pipelines.push_back(std::move(pipeline));
    pipeline = Pipeline{};
    return true;
  };
  for (const Token& t : tokens) {
    if (t.kind == Token::kOp && t.value == "!" && !has_command &&
        pipeline.commands.empty()) {
      pipeline.negate = !pipeline.negate;
      continue;
    }
    if (t.kind == Token::kWord || t.kind == Token::kRedirect ||
        (t.kind == Token::kOp && t.value == "!")) {
      if (!has_command) command_begin = t.begin;
      has_command = true;
      command_end = t.end;
      if (t.kind == Token::kRedirect) {
        command.redirects.push_back(t.redirect);
      } else {
        command.words.push_back(t.value);
      }
      continue;
    }
    if (t.value == "|") {
      if (!end_command()) return "syntax error near '|'";
      continue;
    }
    if (t.value == "&&" || t.value == "||") {
      if (!end_pipeline()) return "syntax error near '" + t.value + "'";
      list.connectors.push_back(t.value);
      continue;
    }
    // ";" or a new line ends the list, unless a `&&` or `||` awaits its
    // right-hand side.
    end_pipeline();
    if (!list.pipelines.empty() &&
        list.connectors.size() + 1 == list.pipelines.size()) {
      lists->push_back(std::move(list));
      list = AndOrList{};
    }
  }
  end_pipeline();
  if (!list.pipelines.empty()) {
    if (list.connectors.size() + 1 != list.pipelines.size()) {
      return "syntax error: unexpected end of command";
    }
    lists->push_back(std::move(list));
  }
  return "";
}

// --- Helpers ---------------------------------------------------------------------

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "/proc/sys/net/ipv4/tcp_sack" -> "net.ipv4.tcp_sack"; empty otherwise.
std::string ProcSysName(const std::string& path) {
  std::string p = path;
  const std::string prefix = "/proc/sys/";
  if (p.rfind(prefix, 0) != 0) return "";
  p = p.substr(prefix.size());
  for (char& c : p) {
    if (c == '/') c = '.';
  }
  return p;
}

// The errno text the kernel's answer becomes in sysctl's and sh's messages.
std::string ErrnoText(const std::string& error) {
  if (error.rfind("ENOENT", 0) == 0) return "No such file or directory";
  return "Invalid argument";
}

// The value as /proc/sys shows it (tabs between a vector's numbers).
std::string ShowValue(const std::string& value) { return value; }

}  // namespace

// --- Running -----------------------------------------------------------------------

// One run of StackShell::Run: the working directory, the skipped commands
// and the exit request.
class ShellRun {
 public:
  ShellRun(StackShell& shell, Env env) : shell_(shell), env_(std::move(env)) {
    char buf[4096];
    if (getcwd(buf, sizeof buf) != nullptr) cwd_ = buf;
  }

  int RunText(const std::string& text, std::string* out, std::string* err) {
    std::vector<Token> tokens;
    std::vector<AndOrList> lists;
    std::string error = Lexer(text, env_).Tokenize(&tokens);
    if (error.empty()) error = Parse(text, tokens, &lists);
    if (!error.empty()) {
      *err += "sh: " + error + "\n";
      return 2;
    }
    int status = 0;
    for (const AndOrList& list : lists) {
      status = RunList(list, out, err);
      if (exiting_) break;
    }
    return status;
  }

  std::vector<std::string>& skipped() { return skipped_; }
  bool exiting() const { return exiting_; }
  int exit_status() const { return exit_status_; }

 private:
  int RunList(const AndOrList& list, std::string* out, std::string* err) {
    int status = RunPipeline(list.pipelines[0], out, err);
    for (size_t i = 1; i < list.pipelines.size() && !exiting_; ++i) {
      const bool run = list.connectors[i - 1] == "&&" ? status == 0 : status != 0;
      if (run) status = RunPipeline(list.pipelines[i], out, err);
    }
    return status;
  }

  int RunPipeline(const Pipeline& pipeline, std::string* out, std::string* err) {
    std::string input;
    int status = 0;
    for (size_t i = 0; i < pipeline.commands.size() && !exiting_; ++i) {
      std::string stage_out;
      const bool last = i + 1 == pipeline.commands.size();
      status = RunCommand(pipeline.commands[i], input, last ? out : &stage_out, err);
      input = std::move(stage_out);
    }
    if (pipeline.negate) status = status == 0 ? 1 : 0;
    return status;
  }

  // Applies the redirections around one command.
  int RunCommand(const SimpleCommand& command, const std::string& input,
                 std::string* out, std::string* err) {
    std::string cmd_out, cmd_err;
    std::string out_file, err_file;  // "" terminal, else the target
    bool err_to_out = false, out_to_err = false;
    for (const Redirect& r : command.redirects) {
      if (r.op == ">&") {
        if (r.fd == 2 && r.target == "1") err_to_out = true;
        if (r.fd == 1 && r.target == "2") out_to_err = true;
      } else if (r.op == ">" || r.op == ">>") {
        if (r.fd == 1) out_file = r.target;
        if (r.fd == 2) err_file = r.target;
      }
    }
    const std::string proc_target = ProcSysName(out_file);
    if (!out_file.empty() && out_file != "/dev/null" && proc_target.empty()) {
      Skip(command.text);
      return 0;
    }
    if (command.words.empty()) return 0;
    int status = Dispatch(command, input, &cmd_out, &cmd_err);
    if (!proc_target.empty()) {
      // echo VALUE > /proc/sys/...: the write sets the sysctl.
      std::string value = cmd_out;
      cmd_out.clear();
      std::string e = shell_.host_.SetSysctl(proc_target, value);
      if (!e.empty()) {
        cmd_err += "sh: write error: " + ErrnoText(e) + "\n";
        status = 1;
      }
    }
    if (out_file == "/dev/null") cmd_out.clear();
    if (err_file == "/dev/null") cmd_err.clear();
    if (err_to_out) {
      cmd_out += cmd_err;
      cmd_err.clear();
    }
    if (out_to_err) {
      cmd_err += cmd_out;
      cmd_out.clear();
    }
    *out += cmd_out;
    *err += cmd_err;
    return status;
  }

  void Skip(const std::string& text) { skipped_.push_back(text); }

  std::string Resolve(const std::string& path) const {
    if (!path.empty() && path[0] == '/') return path;
    return cwd_ + "/" + path;
  }

  int Dispatch(const SimpleCommand& command, const std::string& input,
               std::string* out, std::string* err) {
    const std::vector<std::string>& w = command.words;
    const std::string& name = w[0];
    if (name == "cd") return Cd(w, err);
    if (name == "exit") {
      exiting_ = true;
      exit_status_ = w.size() > 1 ? std::atoi(w[1].c_str()) : 0;
      return exit_status_;
    }
    if (name == "true" || name == ":") return 0;
    if (name == "false") return 1;
    if (name == "echo") return Echo(w, out);
    if (name == "cat") return Cat(command, out, err);
    if (name == "sysctl") return Sysctl(w, out, err);
    if (name == "ss") return SsCommand({w.begin() + 1, w.end()},
                                       shell_.host_.Sockets(), out, err);
    if (name == "nstat") {
      return NstatCommand({w.begin() + 1, w.end()}, shell_.host_.Counters(),
                          &shell_.nstat_history_, out, err);
    }
    if (name == "grep") return Grep(command, input, out, err);
    if (name == "sleep") return Sleep(w, err);
    if (name == "ip" && w.size() >= 3 && (w[1] == "tcp_metrics" || w[1] == "tcpmetrics") &&
        w[2] == "flush") {
      shell_.host_.FlushTcpMetrics();
      return 0;
    }
    if (name == "ip" && w.size() >= 4 && w[1] == "route" &&
        (w[2] == "change" || w[2] == "replace" || w[2] == "add")) {
      if (std::optional<int> status = IpRoute(w, err)) return *status;
    }
    if (name == "ip" && w.size() >= 3 && w[1] == "link" && w[2] == "set") {
      if (std::optional<int> status = IpLinkSet(w, err)) return *status;
    }
    if (name == "tc") {
      if (std::optional<int> status = Tc(w)) return *status;
    }
    if (name == "ethtool") {
      if (std::optional<int> status = Ethtool(w, err)) return *status;
    }
    if (Basename(name) == "set_sysctls.py") return SetSysctls(w, err);
    if (Basename(name) == "dd") {
      if (std::optional<int> status = Dd(w, err)) return *status;
    }
    if (Basename(name) == "rm") {
      if (std::optional<int> status = Rm(w, err)) return *status;
    }
    const std::string restore =
        "/tmp/sysctl_restore_" + Lookup(env_, "PACKETDRILL_PID") + ".sh";
    if (name == restore) return Restore();
    if (name.find('/') != std::string::npos) {
      if (std::optional<int> status = Script(command, out, err)) return *status;
    }
    Skip(command.text);
    return 0;
  }

  // ip route change|replace|add DST [via GW] [dev DEV] [advmss N]
  // [mtu [lock] N] [initcwnd N] ...: the metrics TCP reads (other words
  // are taken and ignored). The route is replaced whole, as `ip route
  // change` replaces it: a metric not given is gone.
  std::optional<int> IpRoute(const std::vector<std::string>& w, std::string* err) {
    RouteMetrics metrics;
    const auto number = [&](size_t i) -> std::optional<int> {
      if (i >= w.size()) return std::nullopt;
      char* end = nullptr;
      const long v = std::strtol(w[i].c_str(), &end, 10);
      if (end == w[i].c_str() || *end != '\0' || v <= 0) return std::nullopt;
      return static_cast<int>(v);
    };
    for (size_t i = 4; i < w.size(); ++i) {
      if (w[i] == "advmss") {
        metrics.advmss = number(++i);
      } else if (w[i] == "mtu") {
        if (i + 1 < w.size() && w[i + 1] == "lock") {
          metrics.mtu_lock = true;
          ++i;
        }
        metrics.mtu = number(++i);
      } else if (w[i] == "initcwnd") {
        metrics.initcwnd = number(++i);
      }
    }
    if (!shell_.host_.SetRoute(w[3], metrics)) {
      *err += "Error: inet prefix is expected rather than \"" + w[3] + "\".\n";
      return 1;
    }
    return 0;
  }

  // ip link set [dev] tun0 mtu N: the device's MTU (nullopt, so skipped,
  // for another device or any other change), refused as ip refuses it
  // (measured: tun0 takes 68 to 65535).
  std::optional<int> IpLinkSet(const std::vector<std::string>& w, std::string* err) {
    size_t i = 3;
    if (i < w.size() && w[i] == "dev") ++i;
    if (i + 3 != w.size() || w[i] != "tun0" || w[i + 1] != "mtu") return std::nullopt;
    const std::string& value = w[i + 2];
    char* end = nullptr;
    const long mtu = std::strtol(value.c_str(), &end, 10);
    if (end == value.c_str() || *end != '\0' || mtu < 0) {
      *err += "Error: argument \"" + value + "\" is wrong: Invalid \"mtu\" value\n";
      return 255;
    }
    if (mtu < 68 || mtu > 65535) {
      *err += mtu < 68 ? "Error: mtu less than device minimum.\n"
                       : "Error: mtu greater than device maximum.\n";
      return 2;
    }
    shell_.host_.SetDeviceMtu(static_cast<int>(mtu));
    return 0;
  }

  int Cd(const std::vector<std::string>& w, std::string* err) {
    size_t i = 1;
    if (i < w.size() && w[i] == "--") ++i;
    if (i >= w.size()) return 0;
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path target = fs::path(Resolve(w[i])).lexically_normal();
    if (!fs::is_directory(target, ec)) {
      *err += "sh: cd: can't cd to " + w[i] + "\n";
      return 2;
    }
    cwd_ = target.string();
    while (cwd_.size() > 1 && cwd_.back() == '/') cwd_.pop_back();
    return 0;
  }

  static int Echo(const std::vector<std::string>& w, std::string* out) {
    size_t i = 1;
    bool newline = true;
    if (i < w.size() && w[i] == "-n") {
      newline = false;
      ++i;
    }
    for (size_t first = i; i < w.size(); ++i) {
      if (i > first) *out += ' ';
      *out += w[i];
    }
    if (newline) *out += '\n';
    return 0;
  }

  // Files the stack can show: /proc/net/tcp and /proc/net/tcp6.
  std::optional<std::string> VirtualFile(const std::string& path) {
    if (path == "/proc/net/tcp" || path == "/proc/net/tcp6") {
      return ProcNetTcp(shell_.host_.Sockets(), path.back() == '6');
    }
    return std::nullopt;
  }

  int Cat(const SimpleCommand& command, std::string* out, std::string* err) {
    const std::vector<std::string>& w = command.words;
    for (size_t i = 1; i < w.size(); ++i) {
      if (std::optional<std::string> text = VirtualFile(w[i])) {
        *out += *text;
        continue;
      }
      const std::string name = ProcSysName(w[i]);
      if (name.empty()) {
        Skip(command.text);
        return 0;
      }
      std::string value;
      if (std::string e = shell_.host_.GetSysctl(name, &value); !e.empty()) {
        *err += "cat: " + w[i] + ": " + ErrnoText(e) + "\n";
        return 1;
      }
      *out += ShowValue(value) + "\n";
    }
    return 0;
  }

  // procps-ng's sysctl: NAME=VALUE writes, NAME reads; -q quiet, -n values
  // only, -e ignores unknown names, -w is implied by '='.
  int Sysctl(const std::vector<std::string>& w, std::string* out, std::string* err) {
    bool quiet = false, values_only = false, ignore_unknown = false;
    int status = 0;
    for (size_t i = 1; i < w.size(); ++i) {
      const std::string& arg = w[i];
      if (arg.size() > 1 && arg[0] == '-' && arg.find('=') == std::string::npos) {
        for (char c : arg.substr(1)) {
          if (c == 'q') quiet = true;
          if (c == 'n') values_only = true;
          if (c == 'e') ignore_unknown = true;
        }
        continue;
      }
      const size_t eq = arg.find('=');
      std::string key = arg.substr(0, eq);
      for (char& c : key) {
        if (c == '/') c = '.';
      }
      if (eq == std::string::npos) {
        std::string value;
        if (std::string e = shell_.host_.GetSysctl(key, &value); !e.empty()) {
          if (ignore_unknown && e.rfind("ENOENT", 0) == 0) continue;
          *err += "sysctl: cannot stat /proc/sys/" + Slashes(key) + ": " +
                  ErrnoText(e) + "\n";
          status = 1;
          continue;
        }
        for (char& c : value) {
          if (c == '\t') c = ' ';
        }
        *out += values_only ? value + "\n" : key + " = " + value + "\n";
        continue;
      }
      const std::string value = arg.substr(eq + 1);
      std::string e = shell_.host_.SetSysctl(key, value);
      if (!e.empty()) {
        if (ignore_unknown && e.rfind("ENOENT", 0) == 0) continue;
        if (e.rfind("ENOENT", 0) == 0) {
          *err += "sysctl: cannot stat /proc/sys/" + Slashes(key) + ": " +
                  ErrnoText(e) + "\n";
        } else {
          *err += "sysctl: setting key \"" + key + "\": " + ErrnoText(e) + "\n";
        }
        status = 1;
        continue;
      }
      if (!quiet) *out += values_only ? value + "\n" : key + " = " + value + "\n";
    }
    return status;
  }

  static std::string Slashes(std::string key) {
    for (char& c : key) {
      if (c == '.') c = '/';
    }
    return key;
  }

  // grep [-q] [-v] [-c] [-E] [-F] [-e] PATTERN, reading the pipe.
  int Grep(const SimpleCommand& command, const std::string& input,
           std::string* out, std::string* err) {
    const std::vector<std::string>& w = command.words;
    bool quiet = false, invert = false, count = false, extended = false,
         fixed = false;
    std::optional<std::string> pattern;
    size_t i = 1;
    for (; i < w.size(); ++i) {
      const std::string& arg = w[i];
      if (arg == "-e" && i + 1 < w.size()) {
        pattern = w[++i];
        continue;
      }
      if (arg.size() > 1 && arg[0] == '-' && !pattern) {
        for (char c : arg.substr(1)) {
          if (c == 'q' || c == 's') quiet = quiet || c == 'q';
          if (c == 'v') invert = true;
          if (c == 'c') count = true;
          if (c == 'E') extended = true;
          if (c == 'F') fixed = true;
        }
        continue;
      }
      if (!pattern) {
        pattern = arg;
        continue;
      }
      break;  // the file arguments
    }
    if (!pattern) {
      Skip(command.text);
      return 0;
    }
    // Files: only those the stack can show; with more than one, each line
    // is prefixed by its file's name.
    std::vector<std::pair<std::string, std::string>> files;
    for (; i < w.size(); ++i) {
      std::optional<std::string> text = VirtualFile(w[i]);
      if (!text) {
        Skip(command.text);
        return 0;
      }
      files.emplace_back(w[i], std::move(*text));
    }
    if (files.empty()) files.emplace_back("", input);
    std::optional<std::regex> re;
    if (!fixed) {
      try {
        re.emplace(*pattern, extended ? std::regex::extended : std::regex::basic);
      } catch (const std::regex_error&) {
        *err += "grep: invalid pattern: " + *pattern + "\n";
        return 2;
      }
    }
    int matches = 0;
    for (const auto& [name, text] : files) {
      const std::string prefix = files.size() > 1 ? name + ":" : "";
      int file_matches = 0;
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line)) {
        bool match = re ? std::regex_search(line, *re)
                        : line.find(*pattern) != std::string::npos;
        if (invert) match = !match;
        if (!match) continue;
        ++file_matches;
        if (!quiet && !count) *out += prefix + line + "\n";
      }
      if (count && !quiet) *out += prefix + std::to_string(file_matches) + "\n";
      matches += file_matches;
    }
    return matches > 0 ? 0 : 1;
  }

  // dd if=/dev/zero of=FILE [bs=N] [count=N] [conv=notrunc] [status=...]:
  // bs x count zeros at the start of a file among the backend's files
  // (512-byte blocks by default, as GNU dd), cut there unless notrunc.
  // Other inputs, conversions and suffixes are not modelled.
  std::optional<int> Dd(const std::vector<std::string>& w, std::string* err) {
    std::string input, output;
    uint64_t bs = 512, count = 0;
    bool counted = false, notrunc = false;
    for (size_t i = 1; i < w.size(); ++i) {
      const size_t eq = w[i].find('=');
      if (eq == std::string::npos) return std::nullopt;
      const std::string key = w[i].substr(0, eq), value = w[i].substr(eq + 1);
      if (key == "if") {
        input = value;
      } else if (key == "of") {
        output = value;
      } else if (key == "bs" || key == "count") {
        char* end = nullptr;
        const uint64_t n = std::strtoull(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0') return std::nullopt;
        (key == "bs" ? bs : count) = n;
        counted = counted || key == "count";
      } else if (key == "conv" && value == "notrunc") {
        notrunc = true;
      } else if (key != "status") {
        return std::nullopt;
      }
    }
    if (input != "/dev/zero" || output.empty() || !counted) return std::nullopt;
    // Room for what the stack's scripts send, not for a disk.
    constexpr uint64_t kMaxFile = 64u << 20;
    if (bs != 0 && count > kMaxFile / bs) {
      *err += "dd: " + output + ": no more than 64 MiB on the stack backend\n";
      return 1;
    }
    std::vector<uint8_t> data(bs * count, 0);
    if (notrunc) {
      // Zeros over the start; whatever lies beyond stays.
      if (std::optional<std::vector<uint8_t>> old = shell_.host_.GetFile(Resolve(output));
          old && old->size() > data.size()) {
        std::fill(old->begin(), old->begin() + static_cast<long>(data.size()), 0);
        data = std::move(*old);
      }
    }
    shell_.host_.PutFile(Resolve(output), std::move(data));
    return 0;
  }

  // rm [-f] FILE...: from the backend's files; -f quiets a missing one.
  std::optional<int> Rm(const std::vector<std::string>& w, std::string* err) {
    bool force = false;
    int status = 0;
    for (size_t i = 1; i < w.size(); ++i) {
      if (w[i] == "-f") {
        force = true;
        continue;
      }
      if (!w[i].empty() && w[i][0] == '-') return std::nullopt;
      if (!shell_.host_.RemoveFile(Resolve(w[i])) && !force) {
        *err += "rm: cannot remove '" + w[i] + "': No such file or directory\n";
        status = 1;
      }
    }
    return status;
  }

  int Sleep(const std::vector<std::string>& w, std::string* err) {
    if (w.size() != 2) {
      *err += "sleep: expected one duration\n";
      return 1;
    }
    char* end = nullptr;
    const double seconds = std::strtod(w[1].c_str(), &end);
    if (*end != '\0' || !(seconds >= 0)) {
      *err += "sleep: invalid time interval '" + w[1] + "'\n";
      return 1;
    }
    shell_.host_.Sleep(std::chrono::duration_cast<Duration>(
        std::chrono::duration<double>(seconds)));
    return 0;
  }

  // tc qdisc add|replace|change|del dev DEV root [pfifo|bfifo|pfifo_fast
  // [limit N]]: the stack's packets leave at once, so a FIFO only matters
  // by dropping everything at limit 0. Qdiscs that delay or shape (netem,
  // tbf, fq's pacing) are not modelled: nullopt.
  std::optional<int> Tc(const std::vector<std::string>& w) {
    if (w.size() < 6 || w[1] != "qdisc" || w[3] != "dev" || w[5] != "root") {
      return std::nullopt;
    }
    const std::string& verb = w[2];
    if (verb == "del" || verb == "delete") {
      shell_.host_.SetQdiscLimit(std::nullopt);
      return 0;
    }
    if (verb != "add" && verb != "replace" && verb != "change") return std::nullopt;
    if (w.size() < 7) return std::nullopt;
    const std::string& kind = w[6];
    if (kind != "pfifo" && kind != "bfifo" && kind != "pfifo_fast") return std::nullopt;
    std::optional<int> limit;
    for (size_t i = 7; i < w.size(); ++i) {
      if (w[i] == "limit" && i + 1 < w.size()) {
        limit = std::atoi(w[++i].c_str());
      } else {
        return std::nullopt;
      }
    }
    shell_.host_.SetQdiscLimit(limit);
    return 0;
  }

  // ethtool -K|--features|--offload DEVICE FEATURE on|off ...: TSO (and
  // what it depends on: checksums and scatter-gather) turns the stack's
  // segmentation offload on or off; the receive side and software GSO
  // change nothing a TUN reader sees. Other uses of ethtool: nullopt.
  std::optional<int> Ethtool(const std::vector<std::string>& w, std::string* err) {
    if (w.size() < 3 || (w[1] != "-K" && w[1] != "--features" && w[1] != "--offload")) {
      return std::nullopt;
    }
    if ((w.size() - 3) % 2 != 0 || w.size() == 3) {
      *err += "ethtool: bad command line argument(s)\n";
      return 1;
    }
    for (size_t i = 3; i + 1 < w.size(); i += 2) {
      const std::string& feature = w[i];
      const std::string& value = w[i + 1];
      if (value != "on" && value != "off") {
        *err += "ethtool: bad command line argument(s)\n";
        return 1;
      }
      const bool on = value == "on";
      if (feature == "tso" || feature == "tcp-segmentation-offload") {
        shell_.host_.SetDeviceTso(on);
      } else if (feature == "tx" || feature == "tx-checksumming" || feature == "sg" ||
                 feature == "scatter-gather") {
        if (!on) shell_.host_.SetDeviceTso(false);
      } else if (feature != "gso" && feature != "generic-segmentation-offload" &&
                 feature != "gro" && feature != "generic-receive-offload" &&
                 feature != "lro" && feature != "large-receive-offload" &&
                 feature != "rx" && feature != "rx-checksumming") {
        return std::nullopt;
      }
    }
    return 0;
  }

  // packetdrill's set_sysctls.py: /proc/sys/NAME=VALUE arguments, the old
  // values kept for its restore script.
  int SetSysctls(const std::vector<std::string>& w, std::string* err) {
    shell_.saved_.clear();
    for (size_t i = 1; i < w.size(); ++i) {
      const size_t eq = w[i].find('=');
      const std::string name = ProcSysName(w[i].substr(0, eq));
      if (eq == std::string::npos || name.empty()) {
        *err += "set_sysctls.py: not /proc/sys/NAME=VALUE: " + w[i] + "\n";
        return 1;
      }
      std::string old;
      if (std::string e = shell_.host_.GetSysctl(name, &old); !e.empty()) {
        *err += "cat: " + w[i].substr(0, eq) + ": " + ErrnoText(e) + "\n";
        return 1;
      }
      shell_.saved_.emplace_back(name, old);
      if (std::string e = shell_.host_.SetSysctl(name, w[i].substr(eq + 1));
          !e.empty()) {
        *err += "sh: write error: " + ErrnoText(e) + "\n";
      }
    }
    return 0;
  }

  int Restore() {
    for (auto it = shell_.saved_.rbegin(); it != shell_.saved_.rend(); ++it) {
      shell_.host_.SetSysctl(it->first, it->second);
    }
    shell_.saved_.clear();
    return 0;
  }

  // A shell script file: its lines run here, in a subshell (its `cd` and
  // `exit` end with it). Other programs (python, binaries) are skipped.
  std::optional<int> Script(const SimpleCommand& command, std::string* out,
                            std::string* err) {
    const std::string path = Resolve(command.words[0]);
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      *err += "sh: " + command.words[0] + ": not found\n";
      return 127;
    }
    // A script that runs itself (a git symlink checked out as a text file
    // naming its own path, as tcp/common/defaults.sh in a copy without
    // symlinks) would recurse until the process ran out of stack.
    if (depth_ >= kMaxScriptDepth) {
      *err += "sh: " + command.words[0] + ": scripts nested too deep\n";
      return 2;
    }
    std::stringstream text;
    text << file.rdbuf();
    const std::string body = text.str();
    if (body.rfind("#!", 0) == 0) {
      const std::string shebang = body.substr(0, body.find('\n'));
      if (shebang.find("sh") == std::string::npos ||
          shebang.find("python") != std::string::npos) {
        return std::nullopt;
      }
    } else if (body.find('\0') != std::string::npos) {
      return std::nullopt;  // a binary
    }
    ShellRun sub(shell_, env_);
    sub.cwd_ = cwd_;
    sub.depth_ = depth_ + 1;
    const int status = sub.RunText(body, out, err);
    for (std::string& s : sub.skipped_) skipped_.push_back(std::move(s));
    return sub.exiting_ ? sub.exit_status_ : status;
  }

  static constexpr int kMaxScriptDepth = 16;

  StackShell& shell_;
  Env env_;
  std::string cwd_;
  int depth_ = 0;
  std::vector<std::string> skipped_;
  bool exiting_ = false;
  int exit_status_ = 0;
};

ShellResult StackShell::Run(const std::string& command,
                            const std::map<std::string, std::string>& env) {
  Env full = env;
  if (full.count("PPID") == 0 && full.count("PACKETDRILL_PID") != 0) {
    full["PPID"] = full["PACKETDRILL_PID"];
  }
  if (full.count("PACKETDRILL_PID") == 0) {
    full["PACKETDRILL_PID"] = std::to_string(getpid());
    full["PPID"] = full["PACKETDRILL_PID"];
  }
  ShellRun run(*this, std::move(full));
  std::string out, err;
  int status = run.RunText(command, &out, &err);
  if (run.exiting()) status = run.exit_status();
  ShellResult result;
  result.exit_status = status;
  result.output = out + err;
  result.skipped = std::move(run.skipped());
  return result;
}

std::string StackShell::SkippedLine(const std::vector<std::string>& skipped) {
  if (skipped.empty()) return "";
  // Not "without meaning": `ip link set dev tun0 mtu 9000` means much, and
  // a verdict given without it may differ from the kernel's.
  std::string line = "not modelled by the stack backend, so skipped: ";
  for (size_t i = 0; i < skipped.size(); ++i) {
    if (i > 0) line += ", ";
    std::string text = skipped[i];
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    line += "`" + text + "`";
  }
  return line;
}

}  // namespace synack::stack
