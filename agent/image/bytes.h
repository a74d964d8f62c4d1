// Little- and big-endian field access and bounded reads shared by the image readers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "disk/block_source.h"

namespace guestprep::image {

/// Largest table (BAT, L1, grain directory, block map) a reader loads into memory. Real images
/// stay far below (a 2 TiB dynamic VHD's BAT is 4 MiB; qemu caps a qcow2 L1 table at 32 MiB):
/// a header asking for more is lying, and refusing it keeps memory independent of header fields.
inline constexpr std::uint64_t kMaxTableBytes = 64ull << 20;

inline std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t o) {
  return static_cast<std::uint16_t>(b[o] | (b[o + 1] << 8));
}
inline std::uint32_t le32(std::span<const std::uint8_t> b, std::size_t o) {
  return static_cast<std::uint32_t>(b[o]) | (static_cast<std::uint32_t>(b[o + 1]) << 8) |
         (static_cast<std::uint32_t>(b[o + 2]) << 16) |
         (static_cast<std::uint32_t>(b[o + 3]) << 24);
}
inline std::uint64_t le64(std::span<const std::uint8_t> b, std::size_t o) {
  return static_cast<std::uint64_t>(le32(b, o)) |
         (static_cast<std::uint64_t>(le32(b, o + 4)) << 32);
}
inline std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t o) {
  return static_cast<std::uint16_t>((b[o] << 8) | b[o + 1]);
}
inline std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t o) {
  return (static_cast<std::uint32_t>(b[o]) << 24) | (static_cast<std::uint32_t>(b[o + 1]) << 16) |
         (static_cast<std::uint32_t>(b[o + 2]) << 8) | static_cast<std::uint32_t>(b[o + 3]);
}
inline std::uint64_t be64(std::span<const std::uint8_t> b, std::size_t o) {
  return (static_cast<std::uint64_t>(be32(b, o)) << 32) |
         static_cast<std::uint64_t>(be32(b, o + 4));
}

/// The bytes [o, o + n) as text (magic strings, names).
inline std::string_view text(std::span<const std::uint8_t> b, std::size_t o, std::size_t n) {
  return {reinterpret_cast<const char*>(b.data()) + o, n};
}

/// "disk.vhd: dynamic disk header at offset 512: <what>": every reader error names the file, the
/// structure and the byte offset.
std::string where(const disk::BlockSource& file, std::string_view structure, std::uint64_t offset,
                  std::string_view what);

/// Reads `n` bytes of `structure` at `offset`, or an error naming all three when the file is too
/// short or unreadable. `n` must already be bounded by the caller (kMaxTableBytes at most).
Result<std::vector<std::uint8_t>> readStruct(const disk::BlockSource& file, std::uint64_t offset,
                                             std::size_t n, std::string_view structure);

/// a * b, or nothing on overflow.
bool mulOverflows(std::uint64_t a, std::uint64_t b, std::uint64_t* out);

/// "500 GiB", "1.5 GiB", "512 MiB", "4096 bytes".
std::string humanSize(std::uint64_t bytes);

}  // namespace guestprep::image
