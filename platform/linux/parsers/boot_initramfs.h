// Reads the file listing of an initramfs image: concatenated cpio newc archives, uncompressed
// (early microcode) or compressed with gzip, xz, lzma, zstd, lz4 or bzip2 (through libarchive).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_linux {

/// What an initramfs image holds.
struct InitramfsListing {
  std::vector<std::string> files;     ///< entry paths in archive order, without "./" or "/"
  std::vector<std::string> segments;  ///< per archive: "cpio" (uncompressed) or "gzip+cpio", ...
  std::string error;                  ///< why the listing stopped early; "" when read to the end
};

/// Most entries listed; an initramfs has a few thousand.
inline constexpr std::size_t kMaxInitramfsEntries = 200000;

/// Lists `image` the way the kernel unpacks it (init/initramfs.c unpack_to_rootfs): cpio newc
/// archives one after another, each uncompressed one ending at its TRAILER!!! entry, NUL
/// padding between them, and a compressed archive after (detected by libarchive from its
/// magic). Sizes come from the headers but are checked against the image before use.
InitramfsListing listInitramfs(std::string_view image);

}  // namespace guestprep::os_linux
