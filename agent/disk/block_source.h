// BlockSource: random-access bytes of a disk or a partition. A block device on the live system, a
// RAW image file, or the guest view of a VHD/qcow2/VMDK/VHDX image through its block tables all
// present this one interface, so the partition-table and superblock readers (disk/) serve both the
// Linux audit (L-PARTITION, L-FSCHECK, X-EXT4FEAT) and `guestprep image check`.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace guestprep::disk {

class BlockSource {
 public:
  virtual ~BlockSource() = default;
  /// Size in bytes of what this source presents (the virtual size for an image's guest view).
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  /// Reads exactly buf.size() bytes at `offset`. Reading past size() is kInvalidInput with the
  /// offset in the message; an I/O error is kIo. Unallocated regions of sparse formats read as 0.
  [[nodiscard]] virtual Result<void> readAt(std::uint64_t offset,
                                            std::span<std::uint8_t> buf) const = 0;
  /// For messages: "/dev/vda", "disk.vhd (guest view)", "disk.raw partition 2".
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// Bytes held in memory (tests, fuzz targets).
class MemorySource final : public BlockSource {
 public:
  explicit MemorySource(std::vector<std::uint8_t> bytes, std::string name = "memory")
      : bytes_(std::move(bytes)), name_(std::move(name)) {}
  [[nodiscard]] std::uint64_t size() const override { return bytes_.size(); }
  [[nodiscard]] Result<void> readAt(std::uint64_t offset,
                                    std::span<std::uint8_t> buf) const override;
  [[nodiscard]] std::string describe() const override { return name_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::string name_;
};

/// A window [offset, offset + length) of another source: one partition of a disk.
class SliceSource final : public BlockSource {
 public:
  SliceSource(const BlockSource& parent, std::uint64_t offset, std::uint64_t length,
              std::string name)
      : parent_(parent), offset_(offset), length_(length), name_(std::move(name)) {}
  [[nodiscard]] std::uint64_t size() const override { return length_; }
  [[nodiscard]] Result<void> readAt(std::uint64_t offset,
                                    std::span<std::uint8_t> buf) const override;
  [[nodiscard]] std::string describe() const override { return name_; }

 private:
  const BlockSource& parent_;
  std::uint64_t offset_;
  std::uint64_t length_;
  std::string name_;
};

}  // namespace guestprep::disk
