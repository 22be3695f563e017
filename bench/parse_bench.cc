// Parses (and checks) every script of packetdrill's corpus, held in memory:
// the cost of turning the whole corpus into checked trees, single-threaded.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "grammar/checker.h"
#include "grammar/parser.h"

namespace {

std::vector<std::string> LoadCorpus() {
  namespace fs = std::filesystem;
  const char* dir = std::getenv("SYNACK_CORPUS");
  const fs::path root =
      dir ? fs::path(dir)
          : fs::path(SYNACK_SOURCE_DIR) / "../shared/corpus/packetdrill/tcp";
  std::vector<std::string> texts;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (entry.path().extension() != ".pkt") continue;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

void BM_ParseCorpus(benchmark::State& state) {
  const std::vector<std::string> corpus = LoadCorpus();
  if (corpus.empty()) {
    state.SkipWithError("corpus not found (set SYNACK_CORPUS)");
    return;
  }
  size_t bytes = 0;
  for (const std::string& text : corpus) bytes += text.size();
  for (auto _ : state) {
    for (const std::string& text : corpus) {
      benchmark::DoNotOptimize(synack::grammar::Parse(text));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes * state.iterations()));
  state.counters["scripts"] = static_cast<double>(corpus.size());
}
BENCHMARK(BM_ParseCorpus)->Unit(benchmark::kMillisecond);

void BM_ParseAndCheckCorpus(benchmark::State& state) {
  const std::vector<std::string> corpus = LoadCorpus();
  if (corpus.empty()) {
    state.SkipWithError("corpus not found (set SYNACK_CORPUS)");
    return;
  }
  synack::grammar::CheckOptions options;
  options.defines = {{"TFO_COOKIE", "de4f234f0f433a55"},
                     {"CMSG_LEVEL_IP", "SOL_IP"},
                     {"CMSG_TYPE_RECVERR", "IP_RECVERR"}};
  for (auto _ : state) {
    for (const std::string& text : corpus) {
      synack::grammar::ParseResult parsed = synack::grammar::Parse(text);
      benchmark::DoNotOptimize(synack::grammar::Check(parsed.script, options));
    }
  }
  state.counters["scripts"] = static_cast<double>(corpus.size());
}
BENCHMARK(BM_ParseAndCheckCorpus)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
