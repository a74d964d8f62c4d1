// Partition tables read from a disk's first and last sectors: MBR (with extended/logical
// partitions), GPT (primary header and entries, CRCs checked, the backup header as fallback) with
// its protective MBR, and hybrid MBR/GPT. Used by the Linux audit (L-PARTITION, X-BOOTMODE) and by
// `guestprep image check` (the same readers over an image's guest view).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "disk/block_source.h"

namespace guestprep::disk {

enum class PartitionScheme {
  kNone,    ///< no valid MBR signature and no GPT: an unpartitioned disk (or a bare filesystem)
  kMbr,     ///< a DOS partition table
  kGpt,     ///< GPT with a protective MBR
  kHybrid,  ///< GPT whose MBR also lists real partitions besides the 0xEE one
};

struct Partition {
  int number = 0;           ///< 1-based as Linux numbers them (MBR logical partitions from 5)
  std::uint64_t start = 0;  ///< byte offset on the disk
  std::uint64_t size = 0;   ///< bytes
  std::string type;         ///< "0x83" (MBR) or the GPT type GUID in upper case
  std::string type_name;    ///< "Linux filesystem", "EFI System", "Linux LVM", "BIOS boot", ...
  std::string guid;         ///< GPT unique partition GUID (PARTUUID), empty for MBR
  std::string name;         ///< GPT partition name (UTF-16LE decoded), empty for MBR
  bool bootable = false;    ///< MBR active flag (0x80); GPT legacy BIOS bootable attribute
  bool extended = false;    ///< an MBR extended container (0x05, 0x0F, 0x85)
  bool operator==(const Partition&) const = default;
};

struct PartitionTable {
  PartitionScheme scheme = PartitionScheme::kNone;
  std::uint32_t sector_size = 512;
  std::vector<Partition> partitions;  ///< in on-disk order; extended containers included
  bool mbr_boot_code = false;         ///< the MBR's first 440 bytes hold boot code (not all zero)
  std::uint32_t mbr_signature = 0;    ///< disk identifier at 0x1B8
  std::string disk_guid;              ///< GPT disk GUID
  /// Non-fatal oddities a user should hear about: "primary GPT header CRC mismatch, backup used",
  /// "partition 2 extends past the end of the disk".
  std::vector<std::string> problems;
  bool operator==(const PartitionTable&) const = default;
};

/// Reads the partition table. Structures that lie (an entry count of 10^6, an entry array past
/// the end, an extended-partition chain that loops) are kInvalidInput naming the structure and
/// the byte offset; the reader never allocates in proportion to a header field.
Result<PartitionTable> readPartitionTable(const BlockSource& disk);

std::string toString(PartitionScheme s);

}  // namespace guestprep::disk
