#include "runtime/vm/qemu.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/vm/initramfs.h"

namespace synack::vm {
namespace {

bool HasPair(const std::vector<std::string>& argv, const std::string& flag,
             const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag && argv[i + 1] == value) return true;
  }
  return false;
}

TEST(QemuTest, CommandLine) {
  QemuOptions options;
  options.accel = "tcg";
  options.image = "/k/vmlinuz";
  options.initrd = "/w/initramfs.cpio";
  options.work_dir = "/w";
  options.console_log = "/w/console.log";
  options.channel_fd = 7;
  const std::vector<std::string> argv = QemuCommand(options);
  EXPECT_EQ(argv[0], "qemu-system-x86_64");
  EXPECT_TRUE(HasPair(argv, "-accel", "tcg"));
  EXPECT_TRUE(HasPair(argv, "-kernel", "/k/vmlinuz"));
  EXPECT_TRUE(HasPair(argv, "-initrd", "/w/initramfs.cpio"));
  EXPECT_TRUE(HasPair(argv, "-chardev", "socket,id=channel,fd=7"));
  EXPECT_TRUE(HasPair(argv, "-device",
                      "virtserialport,chardev=channel,name=synack"));
  EXPECT_TRUE(HasPair(argv, "-fsdev",
                      "local,id=root,path=/,security_model=none,readonly=on,"
                      "multidevs=remap"));
  EXPECT_TRUE(HasPair(argv, "-serial", "file:/w/console.log"));
  // No network card: the guest's runs make their own TUN devices.
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "-nodefaults"), 1);
}

TEST(InitramfsTest, InitMountsTheHostAndStartsTheAgent) {
  const std::string init = GuestInitScript({"/b/synack", "/tmp/s-1/vm0"});
  EXPECT_EQ(init.rfind("#!/bin/busybox sh\n", 0), 0u);
  EXPECT_NE(init.find("hostroot /host"), std::string::npos);
  EXPECT_NE(init.find("synackwork /host'/tmp/s-1/vm0'"), std::string::npos);
  EXPECT_NE(init.find("'/b/synack' vm-agent \"$port\""), std::string::npos);
  const std::string archive =
      BuildInitramfs("BUSYBOX", {{"tun", "TUN"}, {"9p", "NINEP"}}, init);
  EXPECT_NE(archive.find("modules/00-tun.ko"), std::string::npos);
  EXPECT_NE(archive.find("modules/01-9p.ko"), std::string::npos);
  EXPECT_NE(archive.find("TRAILER!!!"), std::string::npos);
}

}  // namespace
}  // namespace synack::vm
