// Uncompressing a bzImage's kernel and looking for its PVH note.
#include "runtime/vm/pvh_kernel.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/vm/subprocess.h"

namespace synack::vm {

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

}  // namespace

bool HasPvhEntry(std::string_view elf) {
  if (elf.substr(0, 4) != std::string_view("\x7f" "ELF", 4)) return false;
  // An ELF note: namesz 4, descsz, type 18, then the name "Xen\0"
  // (include/xen/interface/elfnote.h).
  const std::string_view note("\x12\0\0\0Xen\0", 8);
  for (size_t at = elf.find(note); at != std::string_view::npos;
       at = elf.find(note, at + 1)) {
    if (at >= 8 && elf.substr(at - 8, 4) == std::string_view("\4\0\0\0", 4)) {
      return true;
    }
  }
  return false;
}

bool ExtractPvhKernel(const std::string& bzimage, const std::string& out) {
  const std::string image = ReadFile(bzimage);
  struct Format {
    std::string_view magic;
    const char* tool;
  };
  const Format formats[] = {{std::string_view("\xfd" "7zXZ\0", 6), "xz -dc"},
                            {std::string_view("\x28\xb5\x2f\xfd", 4), "zstd -dcq"},
                            {std::string_view("\x1f\x8b\x08", 3), "gzip -dc"}};
  for (const Format& format : formats) {
    const size_t at = image.find(format.magic);
    if (at == std::string::npos) continue;
    // The payload is followed by the rest of the image: the tool says
    // "trailing garbage" and fails after writing the whole kernel, so
    // its status is not the test; the ELF is.
    std::string ignored, error;
    RunShell("tail -c +" + std::to_string(at + 1) + " " + ShellQuote(bzimage) +
                 " | " + format.tool + " > " + ShellQuote(out) +
                 " 2>/dev/null || true",
             &ignored, &error);
    std::ifstream in(out, std::ios::binary);
    std::string head(1 << 16, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    // Notes sit early in the kernel's ELF (its first program header's
    // segment); the whole file is read only when the start is an ELF.
    if (head.substr(0, 4) == std::string("\x7f" "ELF", 4) &&
        HasPvhEntry(ReadFile(out))) {
      return true;
    }
  }
  std::error_code ec;
  std::filesystem::remove(out, ec);
  return false;
}

}  // namespace synack::vm
