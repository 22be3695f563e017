// `synack import CAPTURE`: reads a capture and prints (or writes) the draft
// script that capture_import.cc makes of its TCP connection.
#include <fstream>
#include <ostream>

#include "cli/capture_import.h"
#include "cli/commands.h"
#include "runtime/wire/pcap_reader.h"

namespace synack::cli {

int ImportCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  const std::string& path = cl.files.front();
  const wire::Capture capture = wire::ReadCaptureFile(path);
  if (!capture.error.empty()) {
    err << "synack: " << capture.error << "\n";
    return 1;
  }
  ImportOptions options;
  options.source = path;
  options.flow = cl.import_flow;
  options.local = cl.import_local;
  options.non_ip_frames = capture.non_ip_frames;
  const ImportResult result = ImportCapture(capture.packets, options);
  if (!result.error.empty()) {
    err << "synack: " << result.error << "\n";
    return 1;
  }
  if (cl.import_output.empty()) {
    out << result.script;
    return 0;
  }
  std::ofstream file(cl.import_output);
  file << result.script;
  file.close();
  if (!file) {
    err << "synack: " << cl.import_output << ": cannot write the script\n";
    return 1;
  }
  return 0;
}

}  // namespace synack::cli
