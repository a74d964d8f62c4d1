// Image: what `guestprep image check` read from an exported disk image file (IMG-FORMAT, IMG-SIZE)
// and, through the format's block tables, from the disk inside it (partition table, filesystems:
// L-FSTYPE, W-FSTYPE, L-PARTITION, X-EXT4FEAT).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// A logical volume of an LVM2 PV partition, and the filesystem it holds.
struct ImageVolume {
  std::string name;  ///< "vg/lv" ("centos/root")
  std::uint64_t size = 0;
  std::string filesystem;  ///< blkid TYPE, "" when none is recognised
  std::string uuid;
  std::string label;
  std::vector<std::string> features;  ///< ext2/3/4 and XFS feature names
  std::string error;                  ///< why it was not read (another PV, thin, a bad read)
  bool operator==(const ImageVolume&) const = default;
};

/// One partition of the disk inside the image, with the filesystem its superblock names.
struct ImagePartition {
  int number = 0;           ///< as Linux numbers them (MBR logical partitions from 5)
  std::uint64_t start = 0;  ///< byte offset on the guest disk
  std::uint64_t size = 0;   ///< bytes
  std::string type;         ///< "0x83" or the GPT type GUID
  std::string type_name;    ///< "Linux filesystem", "EFI System", ...
  bool bootable = false;
  bool extended = false;  ///< an MBR extended container (holds no filesystem itself)
  /// blkid TYPE of the superblock found ("ext4", "xfs", "ntfs", "vfat", "swap", "LVM2_member",
  /// "btrfs"), "" when none is recognised.
  std::string filesystem;
  std::string uuid;
  std::string label;
  std::vector<std::string> features;  ///< ext2/3/4 and XFS feature names
  std::string error;                  ///< why the superblock could not be read (else empty)
  /// With filesystem "LVM2_member": the logical volumes its metadata lists, or why the metadata
  /// could not be read (`volumes_error`).
  std::vector<ImageVolume> volumes;
  std::string volumes_error;
  bool operator==(const ImagePartition&) const = default;
};

/// The disk inside the image, read through the guest view.
struct ImageContents {
  std::string scheme;          ///< "mbr", "gpt", "hybrid" or "none" (no partition table)
  bool mbr_boot_code = false;  ///< the MBR's boot code area is not empty
  /// In table order; with scheme "none", the filesystem on the whole disk as partition 0.
  std::vector<ImagePartition> partitions;
  std::vector<std::string> problems;  ///< partition-table oddities ("backup GPT used")
  bool operator==(const ImageContents&) const = default;
};

/// The image file as a container, and what is inside it.
struct ImageFacts {
  std::string file;             ///< as given on the command line
  std::uint64_t file_size = 0;  ///< bytes of the file (what is uploaded)
  /// "raw", "vhd", "vhdx", "qcow2", "vmdk", "vdi"; an archive or unsupported container is named
  /// ("gzip", "qed", ...) with `error` set.
  std::string format;
  /// "fixed", "dynamic", "differencing" (VHD, VHDX, VDI); "v2"/"v3" (qcow2); the VMDK createType.
  std::string subformat;
  std::uint64_t virtual_size = 0;  ///< bytes the guest sees (0 when unknown)
  /// Guest bytes backed by data in the image (allocated blocks times the block size); for RAW
  /// and fixed formats the virtual size.
  Observed<std::uint64_t> allocated_size;
  std::uint32_t block_size = 0;  ///< cluster, grain or block size; 0 for RAW and fixed VHD
  std::uint32_t logical_sector_size = 512;
  std::string backing_file;  ///< qcow2 backing file, VHD/VHDX/VMDK/VDI parent: content needs it
  bool encrypted = false;
  bool compressed = false;  ///< compressed clusters or grains are present (or may be)
  /// Non-fatal findings about the container: "footers not identical", a checksum mismatch.
  std::vector<std::string> problems;
  /// Why the container could not be read (file, structure, offset); empty when it was.
  std::string error;
  Observed<ImageContents> contents;
  bool operator==(const ImageFacts&) const = default;
};

void to_json(nlohmann::json& j, const ImageContents& c);
void from_json(const nlohmann::json& j, ImageContents& c);
void to_json(nlohmann::json& j, const ImageFacts& f);
void from_json(const nlohmann::json& j, ImageFacts& f);

}  // namespace guestprep
