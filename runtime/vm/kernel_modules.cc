// Module dependencies from .modinfo, and a load order from them.
#include "runtime/vm/kernel_modules.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/vm/subprocess.h"

namespace synack::vm {

namespace fs = std::filesystem;

std::vector<std::string> ModuleDepends(std::string_view bytes) {
  // .modinfo holds NUL-terminated "key=value" strings; "depends=" is
  // always there, empty for a module that needs none.
  const std::string_view key("\0depends=", 9);
  const size_t at = bytes.find(key);
  if (at == std::string_view::npos) return {};
  const size_t start = at + key.size();
  const size_t end = bytes.find('\0', start);
  const std::string_view list = bytes.substr(start, end - start);
  std::vector<std::string> depends;
  size_t from = 0;
  while (from < list.size()) {
    const size_t comma = list.find(',', from);
    const std::string_view one =
        list.substr(from, comma == std::string_view::npos ? comma : comma - from);
    if (!one.empty()) depends.push_back(ModuleName(one));
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return depends;
}

std::string ModuleName(std::string_view file_or_name) {
  std::string name(file_or_name.substr(file_or_name.rfind('/') + 1));
  const size_t ko = name.find(".ko");
  if (ko != std::string::npos) name.resize(ko);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

ModuleTree::ModuleTree(const std::string& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir + "/kernel", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (it->is_regular_file() && file.find(".ko") != std::string::npos) {
      files_[ModuleName(file)] = it->path().string();
    }
  }
  std::ifstream builtin(dir + "/modules.builtin");
  for (std::string line; std::getline(builtin, line);) {
    if (!line.empty()) builtin_[ModuleName(line)] = true;
  }
}

bool ModuleTree::Read(const std::string& name, std::string* bytes,
                      std::string* error) const {
  const auto found = files_.find(name);
  if (found == files_.end()) {
    *error = "no module " + name;
    return false;
  }
  const std::string& path = found->second;
  const auto ends = [&path](const std::string& end) {
    return path.size() > end.size() &&
           path.compare(path.size() - end.size(), end.size(), end) == 0;
  };
  if (ends(".xz")) return RunTool({"xz", "-dc", path}, bytes, error);
  if (ends(".zst")) return RunTool({"zstd", "-dcq", path}, bytes, error);
  if (ends(".gz")) return RunTool({"gzip", "-dc", path}, bytes, error);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  *bytes = data.str();
  return true;
}

// Depth first: a module's dependencies are appended before it. `state`:
// 1 while visiting (a cycle is left to the kernel), 2 when done.
bool ModuleTree::Visit(const std::string& name, bool required,
                       std::vector<Module>* order,
                       std::map<std::string, int>* state,
                       std::string* error) const {
  if ((*state)[name] != 0) return true;
  (*state)[name] = 1;
  if (!Has(name)) {
    (*state)[name] = 2;
    if (BuiltIn(name) || !required) return true;
    *error = "the kernel has no module " + name + " and does not build it in";
    return false;
  }
  Module module{name, ""};
  if (!Read(name, &module.bytes, error)) return false;
  for (const std::string& dependency : ModuleDepends(module.bytes)) {
    if (!Visit(dependency, true, order, state, error)) return false;
  }
  order->push_back(std::move(module));
  (*state)[name] = 2;
  return true;
}

bool ModuleTree::LoadOrder(const std::vector<std::string>& required,
                           const std::vector<std::string>& optional,
                           std::vector<Module>* order,
                           std::string* error) const {
  std::map<std::string, int> state;
  for (const std::string& name : required) {
    if (!Visit(ModuleName(name), true, order, &state, error)) return false;
  }
  for (const std::string& name : optional) {
    if (!Visit(ModuleName(name), false, order, &state, error)) return false;
  }
  return true;
}

}  // namespace synack::vm
