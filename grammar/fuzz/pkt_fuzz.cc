// libFuzzer target for the .pkt front end: any text goes through the lexer,
// parser and checker without crashing, and a script that parses prints to
// text that parses to the same tree (Dump), which prints the same again.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "grammar/checker.h"
#include "grammar/diagnostics.h"
#include "grammar/dump.h"
#include "grammar/parser.h"
#include "grammar/printer.h"

namespace {

[[noreturn]] void Broken(const char* property, std::string_view input,
                         const std::string& printed) {
  std::cerr << "property broken: " << property << "\n--- input\n"
            << input << "\n--- printed\n"
            << printed << "\n";
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synack::grammar;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseResult parsed = Parse(text);
  (void)RenderAll(parsed.diagnostics, "fuzz.pkt", text);
  if (!parsed.ok()) return 0;
  const std::string printed = Print(parsed.script);
  const std::string dumped = Dump(parsed.script);
  std::vector<Diagnostic> checked = Check(parsed.script, {});
  (void)RenderAll(checked, "fuzz.pkt", text);

  ParseResult again = Parse(printed);
  if (!again.ok()) Broken("the printed script parses", text, printed);
  if (Dump(again.script) != dumped) {
    Broken("the printed script is the same tree", text, printed);
  }
  if (Print(again.script) != printed) {
    Broken("printing is idempotent", text, printed);
  }
  return 0;
}
