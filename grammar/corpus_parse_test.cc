// Every packetdrill corpus script parses without a diagnostic.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "grammar/diagnostics.h"
#include "grammar/parser.h"

namespace synack::grammar {
namespace {

std::filesystem::path CorpusDir() {
  return std::filesystem::path(SYNACK_SOURCE_DIR) / ".." / "shared" /
         "corpus" / "packetdrill" / "tcp";
}

std::vector<std::filesystem::path> CorpusScripts() {
  std::vector<std::filesystem::path> scripts;
  std::error_code error;
  if (!std::filesystem::is_directory(CorpusDir(), error)) return scripts;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(CorpusDir(), error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".pkt") {
      scripts.push_back(entry.path());
    }
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CorpusParseTest, EveryScriptParsesCleanly) {
  std::vector<std::filesystem::path> scripts = CorpusScripts();
  if (scripts.empty()) GTEST_SKIP() << "no corpus at " << CorpusDir();
  int clean = 0;
  for (const auto& path : scripts) {
    std::string text = ReadFile(path);
    ParseResult result = Parse(text);
    EXPECT_TRUE(result.diagnostics.empty())
        << RenderAll(result.diagnostics, path.string(), text);
    EXPECT_FALSE(result.script.events.empty()) << path;
    if (result.diagnostics.empty()) ++clean;
  }
  EXPECT_EQ(clean, static_cast<int>(scripts.size()));
  // The corpus held 162 scripts when this was written: fewer means the
  // directory walk missed some.
  EXPECT_GE(scripts.size(), 162u);
  std::cout << "[ corpus   ] " << clean << " of " << scripts.size()
            << " scripts parse cleanly\n";
}

}  // namespace
}  // namespace synack::grammar
