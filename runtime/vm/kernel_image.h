// The kernels `synack run --kernel=IMAGE` boots: what an argument names
// (the host's own kernel, a vmlinuz, a Debian linux-image-*.deb), the
// release each reports as `uname -r`, and the image and modules a guest
// boots from.
#pragma once

#include <string>

namespace synack::vm {

struct KernelSource {
  enum class Kind { kHost, kImage, kDeb };
  Kind kind = Kind::kHost;
  std::string path;     // the vmlinuz or the .deb; empty for the host
  std::string release;  // "6.1.0-57-amd64"
};

// --kernel's argument: "host" (the kernel synack runs on, no VM), a .deb
// (the release from its package name: linux-image-RELEASE[-unsigned]), or
// a vmlinuz (the release from its boot header). Reads no more than a
// header; false with `error` when the argument is none of these.
bool ResolveKernel(const std::string& arg, KernelSource* source,
                   std::string* error);

// The release string in a bzImage's header: the setup header's
// kernel_version field (offset 0x20E) points, less 0x200, at
// "6.1.0-57-amd64 (debian-kernel@...) #1 SMP ..."; the release is its
// first word. Empty when `image` is no bzImage of boot protocol 2.00 on.
std::string BzImageRelease(const std::string& image);

// The release in a linux-image package name, "linux-image-6.1.0-57-amd64"
// or "...-unsigned"; empty when the name is not one.
std::string ReleaseOfPackage(const std::string& package);

struct PreparedKernel {
  std::string image;        // the vmlinuz to boot
  std::string modules_dir;  // its /lib/modules/RELEASE
};

// The image and its modules: for a .deb, unpacked (dpkg-deb) into
// `work_dir`, only the image and the module folders a guest loads from;
// for a vmlinuz, the modules in /lib/modules/RELEASE, or, for an image in
// an unpacked tree (DIR/boot/vmlinuz-R), DIR/lib/modules/RELEASE.
bool PrepareKernel(const KernelSource& source, const std::string& work_dir,
                   PreparedKernel* kernel, std::string* error);

}  // namespace synack::vm
