// Expanding paths into scripts and scripts into runs.
#include "cli/suite_plan.h"

#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <ostream>

namespace synack::cli {

namespace fs = std::filesystem;

namespace {

// The name a directory argument contributes: its own ("tcp" for "/x/tcp/"),
// resolved for "." and "..".
std::string DirectoryName(const std::string& path) {
  fs::path dir = fs::path(path).lexically_normal();
  if (dir.has_filename() && dir.filename() != "." && dir.filename() != "..") {
    return dir.filename().string();
  }
  if (!dir.has_filename() && dir.has_parent_path() &&
      dir.parent_path().filename() != "..") {
    std::string parent = dir.parent_path().filename().string();
    if (!parent.empty() && parent != ".") return parent;
  }
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(path), ec);
  return ec || absolute.filename().empty() ? std::string("scripts")
                                           : absolute.filename().string();
}

std::string FileName(const std::string& path) {
  const fs::path file = fs::path(path).lexically_normal();
  if (file.is_relative() && *file.begin() != "..") return file.string();
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(path), ec);
  const fs::path& base = ec ? file : absolute;
  const std::string dir = base.parent_path().filename().string();
  return dir.empty() ? base.filename().string()
                     : dir + "/" + base.filename().string();
}

}  // namespace

std::vector<ScriptFile> ExpandScripts(const std::vector<std::string>& paths,
                                      std::ostream& err, bool* ok) {
  std::vector<ScriptFile> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      const std::string top = DirectoryName(path);
      std::vector<ScriptFile> found;
      for (const auto& entry : fs::recursive_directory_iterator(
               path, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".pkt") {
          const std::string under =
              entry.path().lexically_relative(path).lexically_normal().string();
          found.push_back({entry.path().string(), top + "/" + under});
        }
      }
      std::sort(found.begin(), found.end(),
                [](const ScriptFile& a, const ScriptFile& b) {
                  return a.path < b.path;
                });
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back({path, FileName(path)});
    } else {
      err << "synack: " << path << ": no such file or directory\n";
      *ok = false;
    }
  }
  return files;
}

std::vector<PlannedRun> PlanRuns(const std::vector<ScriptFile>& files,
                                 const VariantsFn& variants,
                                 const std::string& filter, const Shard& shard,
                                 int repeat) {
  std::optional<RE2> re;
  if (!filter.empty()) re.emplace(filter, RE2::Quiet);
  std::vector<PlannedRun> runs;
  size_t index = 0;  // among the runs that pass the filter
  for (size_t file = 0; file < files.size(); ++file) {
    if (re && !RE2::PartialMatch(files[file].path, *re)) continue;
    for (interpreter::IpVersion variant : variants(files[file].path)) {
      if (!InShard(index++, shard)) continue;
      for (int repetition = 1; repetition <= repeat; ++repetition) {
        runs.push_back({file, variant, repetition});
      }
    }
  }
  return runs;
}

std::string RunSuffix(const RunName& run) {
  std::string suffix =
      " (" + run.variant + (run.kernel.empty() ? "" : ", " + run.kernel) + ")";
  if (!run.backend.empty()) suffix += " [" + run.backend + "]";
  if (run.repetition > 0) suffix += " #" + std::to_string(run.repetition);
  return suffix;
}

std::string PcapFileName(const std::string& dir, const std::string& name,
                         const RunName& run) {
  std::string stem = name;
  if (stem.size() > 4 && stem.compare(stem.size() - 4, 4, ".pkt") == 0) {
    stem.resize(stem.size() - 4);
  }
  std::string file = stem + "." + run.variant;
  if (!run.kernel.empty()) file += "." + run.kernel;
  if (!run.backend.empty()) file += "." + run.backend;
  if (run.repetition > 0) file += ".run" + std::to_string(run.repetition);
  return (fs::path(dir) / (file + ".pcap")).string();
}

}  // namespace synack::cli
