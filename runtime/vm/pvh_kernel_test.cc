#include "runtime/vm/pvh_kernel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace synack::vm {
namespace {

namespace fs = std::filesystem;

std::string PvhNote() {
  // namesz 4, descsz 8, type 18, "Xen\0", the entry address.
  return std::string("\4\0\0\0\x08\0\0\0\x12\0\0\0Xen\0\x50\x08\0\1\0\0\0\0", 20);
}

TEST(PvhKernelTest, TheNoteIsFoundOnlyInAnElf) {
  const std::string elf = std::string("\x7f" "ELF", 4) + std::string(100, 'x');
  EXPECT_TRUE(HasPvhEntry(elf + PvhNote()));
  EXPECT_FALSE(HasPvhEntry(elf));
  EXPECT_FALSE(HasPvhEntry("MZ" + PvhNote()));
  // Another note type (17, XEN_ELFNOTE_...) is not the entry.
  std::string other = PvhNote();
  other[8] = '\x11';
  EXPECT_FALSE(HasPvhEntry(elf + other));
}

TEST(PvhKernelTest, ThePayloadAfterTheSetupCodeIsUncompressed) {
  const fs::path dir =
      fs::temp_directory_path() / ("synack-pvh-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string kernel =
      std::string("\x7f" "ELF", 4) + std::string(1000, 'k') + PvhNote();
  std::ofstream(dir / "vmlinux", std::ios::binary) << kernel;
  ASSERT_EQ(std::system(("gzip -n -c " + (dir / "vmlinux").string() + " > " +
                         (dir / "payload.gz").string())
                            .c_str()),
            0);
  {
    std::ifstream payload(dir / "payload.gz", std::ios::binary);
    std::ofstream image(dir / "bzImage", std::ios::binary);
    image << std::string(512, 's') << payload.rdbuf() << std::string(64, 't');
  }
  const std::string out = (dir / "out").string();
  ASSERT_TRUE(ExtractPvhKernel((dir / "bzImage").string(), out));
  std::ifstream in(out, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), kernel);
  // No PVH note: the bzImage boots as it is.
  std::ofstream(dir / "plain", std::ios::binary) << std::string(512, 's');
  EXPECT_FALSE(ExtractPvhKernel((dir / "plain").string(), out));
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace synack::vm
