// `%{ }%` blocks: the python3 driver that runs them.
#include "interpreter/python_blocks.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "grammar/checker.h"
#include "grammar/known_names.h"
#include "interpreter/block_server.h"
#include "interpreter/process.h"

namespace synack::interpreter {

namespace {


void AppendJsonString(std::string* out, const std::string& text) {
  *out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      case '\r': *out += "\\r"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          *out += escaped;
        } else {
          *out += static_cast<char>(c);
        }
    }
  }
  *out += '"';
}

void AppendJsonValues(std::string* out, const NamedValues& values) {
  *out += '{';
  bool first = true;
  for (const auto& [name, value] : values) {
    if (!first) *out += ", ";
    first = false;
    AppendJsonString(out, name);
    *out += ": " + std::to_string(value);
  }
  *out += '}';
}

// The constants blocks compare with: every constant name the language
// knows, which includes TCPI_OPT_*, TCP_CA_* and the TCP states.
NamedValues Constants() {
  NamedValues values;
  for (std::string_view name : grammar::ConstantNames()) {
    if (name == "NULL") continue;
    if (std::optional<int64_t> value =
            grammar::LookupConstant(std::string(name))) {
      values.emplace_back(std::string(name), *value);
    }
  }
  return values;
}

// Decodes a JSON string literal as json.dumps writes it (ensure_ascii off:
// only quotes, backslashes and control characters are escaped).
std::string JsonString(const std::string& quoted) {
  std::string value;
  if (quoted.size() < 2 || quoted.front() != '"') return quoted;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c != '\\' || i + 2 >= quoted.size()) {
      value += c;
      continue;
    }
    char e = quoted[++i];
    switch (e) {
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      case 'r': value += '\r'; break;
      case 'b': value += '\b'; break;
      case 'f': value += '\f'; break;
      case 'u': {
        unsigned code = static_cast<unsigned>(
            std::strtoul(quoted.substr(i + 1, 4).c_str(), nullptr, 16));
        value += static_cast<char>(code < 0x80 ? code : '?');
        i += 4;
        break;
      }
      default: value += e; break;
    }
  }
  return value;
}

// A new file in `dir`, else in $TMPDIR or /tmp; removed with the object.
struct TempFile {
  std::string path;
  TempFile(const std::string& dir, const char* pattern) {
    std::error_code error;
    const std::string base =
        !dir.empty() ? dir
                     : std::filesystem::temp_directory_path(error).string();
    if (error) return;
    std::string templ = base + "/" + pattern + "XXXXXX";
    int fd = mkstemp(templ.data());
    if (fd >= 0) {
      close(fd);
      path = templ;
    }
  }
  ~TempFile() {
    if (!path.empty()) unlink(path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

}  // namespace

const char* PythonDriver() {
  return R"PY(
import json, sys, textwrap, traceback

def normalize(code):
    # The first line follows '%{' on the event's line; the others are
    # indented as the script's layout wants. Python needs the statements at
    # column 0, and the line count must not change so errors keep their line.
    lines = code.split('\n')
    first = lines[0].strip()
    rest = '\n'.join(lines[1:])
    if not first.endswith(':'):
        rest = textwrap.dedent(rest)
    source = (first + '\n' + rest if len(lines) > 1 else first).rstrip()
    # A last line continued with a backslash (`...;\` before `}%`) would
    # end the source mid-statement.
    if source.endswith('\\'):
        source = source[:-1]
    return source + '\n'

def main():
    with open(sys.argv[1], encoding='utf-8', errors='replace') as f:
        data = json.load(f)
    scope = {'__name__': '__synack__'}
    scope.update(data['constants'])
    result = (-1, 0, '', '', '')
    for index, block in enumerate(data['blocks']):
        scope.update(block['values'])
        name = '<block %d>' % index
        source = normalize(block['code'])
        try:
            exec(compile(source, name, 'exec'), scope)
        except SyntaxError as e:
            result = (index, e.lineno or 1, 'SyntaxError', '', str(e.msg))
            break
        except BaseException as e:
            line = 1
            for frame in traceback.extract_tb(e.__traceback__):
                if frame.filename == name:
                    line = frame.lineno
            lines = source.split('\n')
            text = lines[line - 1].strip() if 0 < line <= len(lines) else ''
            result = (index, line, type(e).__name__, text, str(e))
            break
    sys.stdout.flush()
    sys.stderr.flush()
    # One item per line; the strings JSON-quoted so they stay on theirs.
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        f.write('%d\n%d\n%s\n%s\n%s\n' % (
            result[0], result[1], result[2],
            json.dumps(result[3], ensure_ascii=False),
            json.dumps(result[4], ensure_ascii=False)))

main()
)PY";
}

CodeVerdict RunCodeBlocks(const std::vector<CodeSnapshot>& blocks,
                          const std::string& python, int server_fd,
                          const std::string& temp_dir) {
  CodeVerdict verdict;
  if (blocks.empty()) return verdict;
  std::string json = "{\"constants\": ";
  AppendJsonValues(&json, Constants());
  json += ", \"blocks\": [";
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (i > 0) json += ", ";
    json += "{\"code\": ";
    AppendJsonString(&json, blocks[i].code);
    json += ", \"values\": ";
    AppendJsonValues(&json, blocks[i].values);
    json += "}";
  }
  json += "]}";

  TempFile input(temp_dir, "synack-blocks-"), output(temp_dir, "synack-verdict-");
  verdict.loc = blocks[0].loc;
  if (input.path.empty() || output.path.empty()) {
    verdict.ok = false;
    verdict.message = "cannot create a temporary file for %{ }% blocks";
    return verdict;
  }
  std::ofstream(input.path) << json;
  std::optional<ProcessResult> served;
  if (server_fd >= 0) {
    served = RunOnBlockServer(server_fd, {input.path, output.path});
  }
  const ProcessResult run =
      served ? *served
             : RunProcess({python, "-c", PythonDriver(), input.path,
                           output.path});
  if (!run.start_error.empty()) {
    verdict.ok = false;
    verdict.message = "cannot run %{ }% blocks: " + run.start_error;
    return verdict;
  }
  std::ifstream result(output.path);
  std::string failed, line_text, kind, source, message;
  const bool complete =
      std::getline(result, failed) && std::getline(result, line_text) &&
      std::getline(result, kind) && std::getline(result, source) &&
      std::getline(result, message);
  if (run.exit_status != 0 || !complete) {
    verdict.ok = false;
    verdict.message = "python3 failed running %{ }% blocks (exit status " +
                      std::to_string(run.exit_status) + ")";
    if (!run.output.empty()) verdict.message += ":\n" + run.output;
    return verdict;
  }
  if (failed == "-1") return verdict;

  const size_t index = std::strtoul(failed.c_str(), nullptr, 10);
  const int line = std::atoi(line_text.c_str());
  source = JsonString(source);
  message = JsonString(message);
  verdict.ok = false;
  if (index < blocks.size()) verdict.loc = blocks[index].loc;
  verdict.loc.line += line > 0 ? line - 1 : 0;
  if (kind == "AssertionError") {
    verdict.message = "assertion failed: " + source;
    if (!message.empty()) verdict.message += "\nAssertionError: " + message;
  } else if (kind == "SyntaxError") {
    verdict.message = "python syntax error in %{ }% block: " + message;
  } else {
    verdict.message = "%{ }% block raised " + kind + ": " + message;
    if (!source.empty()) verdict.message += "\nin: " + source;
    if (kind == "NameError" && message.find("'tcpi_") != std::string::npos) {
      verdict.message +=
          "\n(tcpi_* names exist only while a socket from socket() or "
          "accept() is open)";
    }
    if (kind == "NameError" && message.find("'SK_MEMINFO_") != std::string::npos) {
      verdict.message +=
          "\n(SK_MEMINFO_* names exist only while a socket is open and its "
          "backend answers getsockopt(SO_MEMINFO); the own stack does not)";
    }
  }
  if (!run.output.empty()) verdict.message += "\npython output:\n" + run.output;
  return verdict;
}

}  // namespace synack::interpreter
