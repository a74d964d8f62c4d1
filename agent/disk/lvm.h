// LVM2 physical volumes: the label, the PV header, the text metadata of the volume group (the
// newest copy in the first metadata area) and, from it, where each logical volume's extents lie on
// this PV, so the filesystems inside logical volumes are read like those of partitions
// (`guestprep image check`: L-FSTYPE and X-EXT4FEAT on the usual CentOS/RHEL root-on-LVM disk).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "disk/block_source.h"

namespace guestprep::disk {

/// A run of a logical volume's bytes stored contiguously on the PV.
struct LvmExtentRun {
  std::uint64_t lv_offset = 0;  ///< bytes from the start of the logical volume
  std::uint64_t pv_offset = 0;  ///< bytes from the start of the PV
  std::uint64_t length = 0;     ///< bytes
  bool operator==(const LvmExtentRun&) const = default;
};

struct LvmVolume {
  std::string vg;    ///< volume group name ("centos")
  std::string name;  ///< logical volume name ("root")
  std::uint64_t size = 0;
  /// Where the bytes lie on this PV, in LV order, covering [0, size) when `unreadable` is empty.
  std::vector<LvmExtentRun> runs;
  /// Why its contents cannot be read from this PV alone: another PV, a thin, RAID, mirror or
  /// striped segment ("segment 1 is of type thin"); empty when `runs` is complete.
  std::string unreadable;
  bool operator==(const LvmVolume&) const = default;
};

/// Reads the LVM2 label and metadata of the PV `pv`. kInvalidInput names the structure and its
/// byte offset (label, PV header, metadata area header, metadata text line); sizes taken from the
/// disk are bounded before anything is allocated (metadata text at most 4 MiB).
Result<std::vector<LvmVolume>> readLvmVolumes(const BlockSource& pv);

/// The bytes of one logical volume, mapped through its extent runs on the PV.
class LvmVolumeSource final : public BlockSource {
 public:
  LvmVolumeSource(const BlockSource& pv, LvmVolume lv)
      : pv_(pv), lv_(std::move(lv)), name_(pv.describe() + " LV " + lv_.vg + "/" + lv_.name) {}
  [[nodiscard]] std::uint64_t size() const override { return lv_.size; }
  [[nodiscard]] Result<void> readAt(std::uint64_t offset,
                                    std::span<std::uint8_t> buf) const override;
  [[nodiscard]] std::string describe() const override { return name_; }

 private:
  const BlockSource& pv_;
  LvmVolume lv_;
  std::string name_;
};

/// The LVM text configuration format (metadata areas, /etc/lvm/backup): sections in braces,
/// `key = value` with numbers, "strings" and [lists]. Exposed for tests and the fuzz target.
struct LvmConfigNode {
  std::string name;
  /// Scalars as their text (strings unquoted); a list's items in order.
  std::vector<std::pair<std::string, std::vector<std::string>>> values;
  std::vector<LvmConfigNode> sections;
  [[nodiscard]] const LvmConfigNode* section(std::string_view key) const;
  /// The first item of `key`'s value, or nullptr.
  [[nodiscard]] const std::string* value(std::string_view key) const;
  [[nodiscard]] const std::vector<std::string>* list(std::string_view key) const;
};

/// Parses metadata text; kInvalidInput names the line. Nesting is bounded (32 levels).
Result<LvmConfigNode> parseLvmConfig(std::string_view text);

}  // namespace guestprep::disk
