// Builders of disk images from literal bytes for the partition-table and superblock reader tests:
// MBR (with extended boot records), GPT (CRCs computed here), and ext/XFS/FAT/NTFS/swap/LVM2/Btrfs
// superblocks with only the fields the readers look at.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "disk/bytes.h"

namespace guestprep::testing::disk_images {

/// A growable byte image with little/big-endian writers.
struct Image {
  std::vector<std::uint8_t> bytes;

  explicit Image(std::size_t size) : bytes(size, 0) {}
  void u8(std::size_t at, std::uint8_t v) { bytes.at(at) = v; }
  void le16(std::size_t at, std::uint16_t v) { le(at, v, 2); }
  void le32(std::size_t at, std::uint32_t v) { le(at, v, 4); }
  void le64(std::size_t at, std::uint64_t v) { le(at, v, 8); }
  void be16(std::size_t at, std::uint16_t v) { be(at, v, 2); }
  void be32(std::size_t at, std::uint32_t v) { be(at, v, 4); }
  void be64(std::size_t at, std::uint64_t v) { be(at, v, 8); }
  void text(std::size_t at, std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) bytes.at(at + i) = static_cast<std::uint8_t>(s[i]);
  }
  void raw(std::size_t at, const std::vector<std::uint8_t>& b) {
    for (std::size_t i = 0; i < b.size(); ++i) bytes.at(at + i) = b[i];
  }

 private:
  void le(std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
  }
  void be(std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      bytes.at(at + i) = static_cast<std::uint8_t>(v >> (8 * (n - 1 - i)));
  }
};

inline std::uint8_t hexByte(std::string_view s, std::size_t at) {
  return static_cast<std::uint8_t>(std::stoi(std::string(s.substr(at, 2)), nullptr, 16));
}

/// "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" as GPT stores it (first three fields little-endian).
inline std::vector<std::uint8_t> guidBytes(std::string_view g) {
  std::vector<std::uint8_t> b;
  for (int i = 3; i >= 0; --i) b.push_back(hexByte(g, static_cast<std::size_t>(i) * 2));
  for (int i = 1; i >= 0; --i) b.push_back(hexByte(g, 9 + static_cast<std::size_t>(i) * 2));
  for (int i = 1; i >= 0; --i) b.push_back(hexByte(g, 14 + static_cast<std::size_t>(i) * 2));
  for (std::size_t i : {19u, 21u, 24u, 26u, 28u, 30u, 32u, 34u}) b.push_back(hexByte(g, i));
  return b;
}

/// A UUID in byte order (ext, XFS, Btrfs, swap).
inline std::vector<std::uint8_t> uuidBytes(std::string_view u) {
  std::vector<std::uint8_t> b;
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (u[i] == '-') continue;
    b.push_back(hexByte(u, i));
    ++i;
  }
  return b;
}

/// One MBR partition entry (slot 0-3) in the sector at `sector_offset`, plus the 55 AA mark.
inline void mbrEntry(Image& img, std::size_t sector_offset, int slot, std::uint8_t type,
                     std::uint32_t lba, std::uint32_t sectors, bool boot = false) {
  std::size_t at = sector_offset + 446 + static_cast<std::size_t>(slot) * 16;
  img.u8(at, boot ? 0x80 : 0x00);
  img.u8(at + 4, type);
  img.le32(at + 8, lba);
  img.le32(at + 12, sectors);
  img.u8(sector_offset + 510, 0x55);
  img.u8(sector_offset + 511, 0xAA);
}

struct GptEntry {
  std::string type;
  std::string guid;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::string name;  ///< ASCII, written as UTF-16LE
  std::uint64_t attributes = 0;
};

struct GptLayout {
  std::uint32_t sector_size = 512;
  std::string disk_guid = "11111111-2222-3333-4444-555555555555";
  std::uint32_t entry_count = 128;
  std::uint32_t entry_size = 128;
  bool primary = true;
  bool backup = true;
  bool protective_mbr = true;
};

/// Writes a protective MBR, the primary header at LBA 1 with its entries at LBA 2, and the
/// backup entries and header at the end of the image, each with correct CRCs.
inline void writeGpt(Image& img, const std::vector<GptEntry>& entries, const GptLayout& l = {}) {
  const std::uint64_t ss = l.sector_size;
  const std::uint64_t lbas = img.bytes.size() / ss;
  const std::uint64_t array_bytes = std::uint64_t{l.entry_count} * l.entry_size;
  const std::uint64_t array_lbas = (array_bytes + ss - 1) / ss;
  if (l.protective_mbr) {
    mbrEntry(img, 0, 0, 0xEE, 1,
             static_cast<std::uint32_t>(std::min<std::uint64_t>(lbas - 1, 0xFFFFFFFF)));
  }
  std::vector<std::uint8_t> array(array_bytes, 0);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Image e(l.entry_size);
    const GptEntry& g = entries[i];
    e.raw(0, guidBytes(g.type));
    e.raw(16, guidBytes(g.guid));
    e.le64(32, g.first);
    e.le64(40, g.last);
    e.le64(48, g.attributes);
    for (std::size_t c = 0; c < g.name.size() && c < 36; ++c)
      e.le16(56 + c * 2, static_cast<std::uint8_t>(g.name[c]));
    std::copy(e.bytes.begin(), e.bytes.end(), array.begin() + static_cast<long>(i * l.entry_size));
  }
  const std::uint32_t array_crc = guestprep::disk::crc32(array);
  auto header = [&](std::uint64_t my_lba, std::uint64_t alt_lba, std::uint64_t entries_lba) {
    Image h(ss);
    h.text(0, "EFI PART");
    h.le32(8, 0x00010000);
    h.le32(12, 92);
    h.le64(24, my_lba);
    h.le64(32, alt_lba);
    h.le64(40, 2 + array_lbas);
    h.le64(48, lbas - 2 - array_lbas);
    h.raw(56, guidBytes(l.disk_guid));
    h.le64(72, entries_lba);
    h.le32(80, l.entry_count);
    h.le32(84, l.entry_size);
    h.le32(88, array_crc);
    h.le32(16, guestprep::disk::crc32(std::span(h.bytes).first(92)));
    img.raw(my_lba * ss, h.bytes);
    if (entries_lba * ss + array.size() <= img.bytes.size()) img.raw(entries_lba * ss, array);
  };
  if (l.primary) header(1, lbas - 1, 2);
  if (l.backup) header(lbas - 1, 1, lbas - 1 - array_lbas);
}

/// Re-computes the CRC of the GPT header at `offset` after a test changed a field.
inline void resealGptHeader(Image& img, std::size_t offset) {
  img.le32(offset + 16, 0);
  img.le32(offset + 16, guestprep::disk::crc32(std::span(img.bytes).subspan(offset, 92)));
}

/// An ext superblock at 1024 with the given feature words; the other fields plausible.
struct ExtFields {
  std::uint32_t compat = 0x38;    ///< ext_attr resize_inode dir_index
  std::uint32_t incompat = 0x2;   ///< filetype
  std::uint32_t ro_compat = 0x3;  ///< sparse_super large_file
  std::uint16_t state = 1;        ///< clean
  std::uint32_t log_block_size = 2;
  std::uint32_t blocks_lo = 4096;
  std::uint32_t blocks_hi = 0;
  std::string uuid = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
  std::string label;
  std::uint32_t error_count = 0;
  std::uint32_t first_error_time = 0;
  std::uint32_t last_error_time = 0;
  std::uint8_t last_error_time_hi = 0;
  std::string last_error_func;
  std::uint32_t last_error_line = 0;
  std::uint32_t last_check = 0;
  std::uint8_t last_check_hi = 0;
  std::uint32_t check_interval = 0;
  std::uint16_t mount_count = 0;
  std::int16_t max_mount_count = -1;
};

inline void writeExt(Image& img, std::size_t base, const ExtFields& f) {
  std::size_t s = base + 1024;
  img.le32(s + 0x00, 1024);
  img.le32(s + 0x04, f.blocks_lo);
  img.le32(s + 0x18, f.log_block_size);
  img.le32(s + 0x20, 32768);
  img.le32(s + 0x28, 1024);
  img.le16(s + 0x34, f.mount_count);
  img.le16(s + 0x36, static_cast<std::uint16_t>(f.max_mount_count));
  img.le16(s + 0x38, 0xEF53);
  img.le16(s + 0x3A, f.state);
  img.le32(s + 0x40, f.last_check);
  img.le32(s + 0x44, f.check_interval);
  img.le32(s + 0x4C, 1);
  img.le32(s + 0x5C, f.compat);
  img.le32(s + 0x60, f.incompat);
  img.le32(s + 0x64, f.ro_compat);
  img.raw(s + 0x68, uuidBytes(f.uuid));
  img.text(s + 0x78, f.label);
  img.le32(s + 0x150, f.blocks_hi);
  img.le32(s + 0x194, f.error_count);
  img.le32(s + 0x198, f.first_error_time);
  img.le32(s + 0x1CC, f.last_error_time);
  img.le32(s + 0x1D4, f.last_error_line);
  img.text(s + 0x1E0, f.last_error_func);
  img.u8(s + 0x277, f.last_check_hi);
  img.u8(s + 0x279, f.last_error_time_hi);
}

}  // namespace guestprep::testing::disk_images
