// The newc writer: a 110-byte ASCII header of thirteen 8-digit hex fields,
// the name with its NUL, the data, each padded to 4 bytes.
#include "runtime/vm/cpio.h"

#include <sys/stat.h>

#include <cstdio>

namespace synack::vm {

namespace {

void Pad4(std::string& bytes) {
  while (bytes.size() % 4 != 0) bytes.push_back('\0');
}

}  // namespace

void CpioArchive::Add(std::string_view name, uint32_t mode,
                      std::string_view data) {
  // c_magic, then ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
  // devminor, rdevmajor, rdevminor, namesize (with its NUL), check.
  char header[111];
  std::snprintf(header, sizeof header,
                "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                next_inode_++, mode, 0u, 0u, 1u, 0u,
                static_cast<unsigned>(data.size()), 0u, 0u, 0u, 0u,
                static_cast<unsigned>(name.size() + 1), 0u);
  bytes_.append(header, 110);
  bytes_.append(name);
  bytes_.push_back('\0');
  Pad4(bytes_);
  bytes_.append(data);
  Pad4(bytes_);
}

void CpioArchive::AddDirectory(std::string_view name, uint32_t mode) {
  Add(name, S_IFDIR | mode, "");
}

void CpioArchive::AddFile(std::string_view name, std::string_view data,
                          uint32_t mode) {
  Add(name, S_IFREG | mode, data);
}

void CpioArchive::AddSymlink(std::string_view name, std::string_view target) {
  Add(name, S_IFLNK | 0777, target);
}

std::string CpioArchive::Finish() {
  next_inode_ = 0;
  Add("TRAILER!!!", 0, "");
  return std::move(bytes_);
}

}  // namespace synack::vm
