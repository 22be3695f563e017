// A faster boot under TCG: the kernel inside a bzImage, uncompressed
// ahead of time, booted through its PVH entry point (an ELF note, type
// XEN_ELFNOTE_PHYS32_ENTRY = 18, that kernels built with CONFIG_PVH carry
// and qemu's -kernel follows). The bzImage's own decompressor, emulated
// instruction by instruction, is most of a TCG boot: Debian's 6.1 reached
// its init 25.9 s after qemu started from the bzImage and 6.7 s from the
// uncompressed kernel (2 cores at a load of 13).
#pragma once

#include <string>
#include <string_view>

namespace synack::vm {

// The kernel ELF has a PVH entry note.
bool HasPvhEntry(std::string_view elf);

// Writes the bzImage's payload, uncompressed (xz, zstd or gzip, found by
// its magic as the kernel's scripts/extract-vmlinux finds it), to `out`
// when it is an ELF with a PVH entry; false (and `out` removed) when it
// is not, or the payload cannot be found or uncompressed.
bool ExtractPvhKernel(const std::string& bzimage, const std::string& out);

}  // namespace synack::vm
