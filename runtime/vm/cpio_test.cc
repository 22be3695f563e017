#include "runtime/vm/cpio.h"

#include <gtest/gtest.h>

namespace synack::vm {
namespace {

TEST(CpioTest, OneFileThenTheTrailer) {
  CpioArchive archive;
  archive.AddFile("init", "hi\n", 0755);
  const std::string bytes = archive.Finish();
  // Header (110) + "init\0" (5) padded to 116, data 3 padded to 4.
  EXPECT_EQ(bytes.substr(0, 110),
            "070701"
            "00000001"   // inode
            "000081ED"   // regular file, 0755
            "00000000" "00000000" "00000001" "00000000"
            "00000003"   // size
            "00000000" "00000000" "00000000" "00000000"
            "00000005"   // "init" and its NUL
            "00000000");
  EXPECT_EQ(bytes.substr(110, 6), std::string("init\0\0", 6));
  EXPECT_EQ(bytes.substr(116, 4), std::string("hi\n\0", 4));
  EXPECT_EQ(bytes.substr(120 + 94, 12), "0000000B0000");  // namesize 11
  EXPECT_EQ(bytes.substr(120 + 110, 11), "TRAILER!!!" + std::string(1, '\0'));
  EXPECT_EQ(bytes.size() % 4, 0u);
}

TEST(CpioTest, DirectoriesAndSymlinksCarryTheirType) {
  CpioArchive archive;
  archive.AddDirectory("bin");
  archive.AddSymlink("bin/sh", "busybox");
  const std::string bytes = archive.Finish();
  EXPECT_EQ(bytes.substr(14, 8), "000041ED");  // directory, 0755
  // The second entry starts after 110 + "bin\0" padded (4) = 116... rounded
  // to 4: 116.
  EXPECT_EQ(bytes.substr(116, 6), "070701");
  EXPECT_EQ(bytes.substr(116 + 14, 8), "0000A1FF");  // symlink, 0777
  EXPECT_NE(bytes.find("bin/sh"), std::string::npos);
  EXPECT_NE(bytes.find("busybox"), std::string::npos);
}

}  // namespace
}  // namespace synack::vm
