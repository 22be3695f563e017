// Running a Debian tool (dpkg-deb, tar, xz) to completion and taking its
// standard output.
#pragma once

#include <string>
#include <vector>

namespace synack::vm {

// Runs argv[0] (looked up in PATH) with its stdin /dev/null; its stdout in
// `out`. False, with `error` naming the program and its stderr's first
// line or exit status, when it cannot start or does not exit 0.
bool RunTool(const std::vector<std::string>& argv, std::string* out,
             std::string* error);

// The same for `shell_command` run by bash -c with pipefail (a pipeline
// fails when any of its programs does).
bool RunShell(const std::string& shell_command, std::string* out,
              std::string* error);

// `text` quoted for /bin/sh.
std::string ShellQuote(const std::string& text);

}  // namespace synack::vm
