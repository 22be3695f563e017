// Kernel arguments, releases and unpacking a Debian kernel package.
#include "runtime/vm/kernel_image.h"

#include <sys/utsname.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "runtime/vm/subprocess.h"

namespace synack::vm {

namespace fs = std::filesystem;

namespace {

bool EndsWith(const std::string& text, const std::string& end) {
  return text.size() >= end.size() &&
         text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The folders of a kernel package's lib/modules/RELEASE/kernel that hold
// what a guest loads: virtio (PCI, console), 9p and what it needs (netfs,
// fscache), overlayfs, tun, and the network's own modules (qdiscs,
// congestion control) that scripts' commands ask for.
constexpr const char* kModuleFolders[] = {
    "drivers/virtio", "drivers/char", "drivers/net", "fs", "net", "lib",
    "crypto", "arch"};

}  // namespace

std::string BzImageRelease(const std::string& image) {
  std::ifstream in(image, std::ios::binary);
  std::string header(0x400, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header.size()))) {
    return "";
  }
  // "HdrS" at 0x202 marks boot protocol 2.00 and later.
  if (header.compare(0x202, 4, "HdrS") != 0) return "";
  const uint16_t offset = static_cast<uint16_t>(
      static_cast<unsigned char>(header[0x20E]) |
      static_cast<unsigned char>(header[0x20F]) << 8);
  if (offset == 0) return "";
  in.clear();
  in.seekg(offset + 0x200);
  std::string version(256, '\0');
  in.read(version.data(), static_cast<std::streamsize>(version.size()));
  version.resize(static_cast<size_t>(in.gcount()));
  const size_t end = version.find_first_of(std::string(" \0", 2));
  version.resize(end == std::string::npos ? version.size() : end);
  for (char c : version) {
    if (c < 0x21 || c > 0x7e) return "";
  }
  return version;
}

std::string ReleaseOfPackage(const std::string& package) {
  const std::string prefix = "linux-image-";
  if (package.rfind(prefix, 0) != 0) return "";
  std::string release = package.substr(prefix.size());
  if (EndsWith(release, "-unsigned")) release.resize(release.size() - 9);
  // A meta-package (linux-image-amd64) names no release.
  if (release.empty() || !std::isdigit(static_cast<unsigned char>(release[0]))) {
    return "";
  }
  return release;
}

bool ResolveKernel(const std::string& arg, KernelSource* source,
                   std::string* error) {
  if (arg == "host") {
    utsname uts{};
    uname(&uts);
    *source = {KernelSource::Kind::kHost, "", uts.release};
    return true;
  }
  std::error_code ec;
  if (!fs::is_regular_file(arg, ec)) {
    *error = arg + ": no such kernel image or package";
    return false;
  }
  if (EndsWith(arg, ".deb")) {
    std::string package;
    if (!RunTool({"dpkg-deb", "-f", arg, "Package"}, &package, error)) {
      return false;
    }
    while (!package.empty() && std::isspace(static_cast<unsigned char>(package.back()))) {
      package.pop_back();
    }
    const std::string release = ReleaseOfPackage(package);
    if (release.empty()) {
      *error = arg + ": package " + package +
               " is no kernel image (linux-image-RELEASE)";
      return false;
    }
    *source = {KernelSource::Kind::kDeb, fs::absolute(arg).string(), release};
    return true;
  }
  const std::string release = BzImageRelease(arg);
  if (release.empty()) {
    *error = arg + ": not a Linux kernel image (no bzImage header)";
    return false;
  }
  *source = {KernelSource::Kind::kImage, fs::absolute(arg).string(), release};
  return true;
}

bool PrepareKernel(const KernelSource& source, const std::string& work_dir,
                   PreparedKernel* kernel, std::string* error) {
  std::error_code ec;
  if (source.kind == KernelSource::Kind::kDeb) {
    const std::string root = work_dir + "/kernel";
    fs::create_directories(root, ec);
    const std::string modules = "./lib/modules/" + source.release;
    std::string members = ShellQuote("./boot/vmlinuz-" + source.release) +
                          " " + ShellQuote(modules + "/modules.builtin");
    for (const char* folder : kModuleFolders) {
      members += " " + ShellQuote(modules + "/kernel/" + folder);
    }
    // tar leaves out what the package lacks only with an error: folders
    // vary between releases, so its status is not the test; the image is.
    std::string out, tar_error;
    RunShell("dpkg-deb --fsys-tarfile " + ShellQuote(source.path) +
                 " | tar -x -C " + ShellQuote(root) + " " + members +
                 " 2>/dev/null",
             &out, &tar_error);
    kernel->image = root + "/boot/vmlinuz-" + source.release;
    kernel->modules_dir = root + "/lib/modules/" + source.release;
    if (!fs::is_regular_file(kernel->image, ec)) {
      *error = source.path + ": no boot/vmlinuz-" + source.release +
               " in the package" + (tar_error.empty() ? "" : " (" + tar_error + ")");
      return false;
    }
    return true;
  }
  if (source.kind == KernelSource::Kind::kHost) {
    *error = "the host's kernel boots no guest";
    return false;
  }
  kernel->image = source.path;
  // An unpacked tree: DIR/boot/vmlinuz-R beside DIR/lib/modules/R.
  const fs::path beside = fs::path(source.path).parent_path().parent_path() /
                          "lib/modules" / source.release;
  kernel->modules_dir = fs::is_directory(beside, ec)
                            ? beside.string()
                            : "/lib/modules/" + source.release;
  if (!fs::is_directory(kernel->modules_dir, ec)) {
    *error = source.path + ": no modules for " + source.release + " in " +
             kernel->modules_dir +
             " (install its linux-image package, or give the .deb instead)";
    return false;
  }
  return true;
}

}  // namespace synack::vm
