// A cpio archive in the "newc" format, the one the kernel unpacks as an
// initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace synack::vm {

class CpioArchive {
 public:
  // `name` without a leading '/' ("bin/busybox"); parents come first.
  void AddDirectory(std::string_view name, uint32_t mode = 0755);
  void AddFile(std::string_view name, std::string_view data,
               uint32_t mode = 0644);
  void AddSymlink(std::string_view name, std::string_view target);
  // The archive with its trailer; the archive is done after this.
  std::string Finish();

 private:
  void Add(std::string_view name, uint32_t mode, std::string_view data);
  std::string bytes_;
  uint32_t next_inode_ = 1;
};

}  // namespace synack::vm
