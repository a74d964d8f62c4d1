// Filesystem identification and health from superblocks: ext2/3/4 (features, state, error count,
// last check, last error), XFS (version, features, log state where readable), NTFS, FAT12/16/32,
// Linux swap, LVM2 PV, Btrfs. Used by the Linux audit (L-FSTYPE, L-FSCHECK, X-EXT4FEAT) and by
// `guestprep image check` on each partition of an image.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "disk/block_source.h"

namespace guestprep::disk {

/// What an ext2/3/4 superblock says (offsets per the kernel's fs/ext4/ext4.h).
struct ExtInfo {
  std::vector<std::string> features;  ///< e2fsprogs names: "has_journal", "64bit", "project", ...
  bool clean = true;                  ///< s_state has EXT2_VALID_FS
  bool errors = false;                ///< s_state has EXT2_ERROR_FS
  std::uint32_t error_count = 0;      ///< s_error_count
  std::int64_t first_error_time = 0;  ///< s_first_error_time (Unix seconds, 0 when none)
  std::int64_t last_error_time = 0;
  std::string last_error_func;  ///< s_last_error_func
  std::uint32_t last_error_line = 0;
  std::int64_t last_check = 0;       ///< s_lastcheck
  std::uint32_t check_interval = 0;  ///< s_checkinterval (seconds)
  std::uint16_t mount_count = 0;     ///< s_mnt_count
  std::int16_t max_mount_count = 0;  ///< s_max_mnt_count (-1: no limit)
  std::int64_t last_mount = 0;       ///< s_mtime
  std::uint64_t block_count = 0;
  std::uint32_t block_size = 0;
  bool operator==(const ExtInfo&) const = default;
};

/// What an XFS superblock says.
struct XfsInfo {
  int version = 0;                    ///< 4 or 5 (sb_versionnum & 0xf)
  std::vector<std::string> features;  ///< "crc", "ftype", "finobt", "reflink", "bigtime", ...
  bool log_clean = true;              ///< false when the log needs recovery (where readable)
  /// How log_clean was decided: "clean" or "dirty" (the head record was read), or why the log
  /// could not be judged ("external log device", "no log record header found before the head").
  std::string log_state;
  std::uint64_t block_count = 0;
  std::uint32_t block_size = 0;
  bool operator==(const XfsInfo&) const = default;
};

struct FilesystemInfo {
  /// "ext2", "ext3", "ext4", "xfs", "ntfs", "vfat", "swap", "LVM2_member", "btrfs", or "" when
  /// no known signature is present (blkid's TYPE names).
  std::string type;
  std::string uuid;
  std::string label;
  /// blkid's VERSION where it has one: "FAT12"/"FAT16"/"FAT32", "1.0" (ext rev 1), "5" (XFS),
  /// "2" (LVM2 label), "1" (swap).
  std::string version;
  std::optional<ExtInfo> ext;
  std::optional<XfsInfo> xfs;
  bool operator==(const FilesystemInfo&) const = default;
};

/// Identifies the filesystem at the start of `part`. An unknown signature is a value with an
/// empty type, not an error; a recognised superblock with impossible fields is kInvalidInput
/// naming the field and its byte offset.
Result<FilesystemInfo> probeFilesystem(const BlockSource& part);

}  // namespace guestprep::disk
