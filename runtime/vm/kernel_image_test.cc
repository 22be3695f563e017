#include "runtime/vm/kernel_image.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace synack::vm {
namespace {

namespace fs = std::filesystem;

// A file with a bzImage's setup header: "HdrS" at 0x202, the version
// string's offset (less 0x200) at 0x20E.
std::string WriteImage(const std::string& version, bool magic = true) {
  std::string bytes(0x1000, '\0');
  if (magic) bytes.replace(0x202, 4, "HdrS");
  const uint16_t at = 0x800 - 0x200;
  bytes[0x20E] = static_cast<char>(at & 0xff);
  bytes[0x20F] = static_cast<char>(at >> 8);
  bytes.replace(0x800, version.size(), version);
  const std::string path =
      (fs::temp_directory_path() / ("synack-image-" + std::to_string(getpid())))
          .string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(KernelImageTest, TheReleaseIsTheHeadersVersionsFirstWord) {
  const std::string path =
      WriteImage("6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP");
  EXPECT_EQ(BzImageRelease(path), "6.1.0-57-amd64");
  KernelSource source;
  std::string error;
  ASSERT_TRUE(ResolveKernel(path, &source, &error)) << error;
  EXPECT_EQ(source.kind, KernelSource::Kind::kImage);
  EXPECT_EQ(source.release, "6.1.0-57-amd64");
  fs::remove(path);
}

TEST(KernelImageTest, NoHeaderNoRelease) {
  const std::string path = WriteImage("6.1.0-57-amd64 (x)", /*magic=*/false);
  EXPECT_EQ(BzImageRelease(path), "");
  KernelSource source;
  std::string error;
  EXPECT_FALSE(ResolveKernel(path, &source, &error));
  EXPECT_NE(error.find("not a Linux kernel image"), std::string::npos) << error;
  fs::remove(path);
  EXPECT_FALSE(ResolveKernel("/nonexistent/vmlinuz", &source, &error));
}

TEST(KernelImageTest, PackageNames) {
  EXPECT_EQ(ReleaseOfPackage("linux-image-6.1.0-57-amd64"), "6.1.0-57-amd64");
  EXPECT_EQ(ReleaseOfPackage("linux-image-6.12.107+deb12-amd64-unsigned"),
            "6.12.107+deb12-amd64");
  EXPECT_EQ(ReleaseOfPackage("linux-image-amd64"), "");  // a meta-package
  EXPECT_EQ(ReleaseOfPackage("busybox-static"), "");
}

TEST(KernelImageTest, HostIsTheRunningKernel) {
  KernelSource source;
  std::string error;
  ASSERT_TRUE(ResolveKernel("host", &source, &error));
  EXPECT_EQ(source.kind, KernelSource::Kind::kHost);
  EXPECT_FALSE(source.release.empty());
}

}  // namespace
}  // namespace synack::vm
