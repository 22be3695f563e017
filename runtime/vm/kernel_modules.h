// A guest's kernel modules: which files a set of modules needs, in the
// order they load (each after what it depends on), read from a
// /lib/modules/RELEASE tree whose modules.dep may be missing (a package
// unpacked by dpkg-deb has none: depmod makes it at installation).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace synack::vm {

// The modules a module's .modinfo names in its "depends=" field, the
// field modpost writes ("depends=virtio,virtio_ring"); empty for none.
std::vector<std::string> ModuleDepends(std::string_view module_bytes);

// "virtio-pci", "virtio_pci.ko.xz" -> "virtio_pci": the kernel treats '-'
// and '_' in module names alike.
std::string ModuleName(std::string_view file_or_name);

class ModuleTree {
 public:
  // Indexes every *.ko, *.ko.xz, *.ko.zst and *.ko.gz under `dir`/kernel,
  // and the built-in ones its modules.builtin lists.
  explicit ModuleTree(const std::string& dir);

  // The module's file, uncompressed (xz, zstd or gzip run for it).
  bool Read(const std::string& name, std::string* bytes,
            std::string* error) const;

  // The modules to load for `wanted`, dependencies first, each with its
  // bytes; a built-in one is left out. A wanted module that is neither
  // here nor built in is an error when `required`, else left out.
  struct Module {
    std::string name;
    std::string bytes;
  };
  bool LoadOrder(const std::vector<std::string>& required,
                 const std::vector<std::string>& optional,
                 std::vector<Module>* order, std::string* error) const;

  bool Has(const std::string& name) const { return files_.count(name) > 0; }
  bool BuiltIn(const std::string& name) const {
    return builtin_.count(name) > 0;
  }

 private:
  bool Visit(const std::string& name, bool required,
             std::vector<Module>* order, std::map<std::string, int>* state,
             std::string* error) const;
  std::map<std::string, std::string> files_;  // name -> path
  std::map<std::string, bool> builtin_;
};

}  // namespace synack::vm
