// The guest view of an image: a disk::BlockSource whose reads go through the format's block
// tables. Each reader maps a guest offset to a run (zeros, bytes of a file, or a decoded buffer)
// and this base class does the copying, bounds and error messages once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "disk/block_source.h"

namespace guestprep::image {

/// Where a stretch of guest bytes lives.
struct Run {
  enum class Kind { kZero, kFile, kBuffer };
  Kind kind = Kind::kZero;
  std::uint64_t length = 0;                 ///< guest bytes this run covers (at least 1)
  const disk::BlockSource* file = nullptr;  ///< kFile: read `length` bytes at `offset`
  std::uint64_t offset = 0;
  std::shared_ptr<const std::vector<std::uint8_t>> buffer;  ///< kBuffer: bytes from `offset`
};

class GuestSource : public disk::BlockSource {
 public:
  GuestSource(std::uint64_t size, std::string name) : size_(size), name_(std::move(name)) {}
  [[nodiscard]] std::uint64_t size() const final { return size_; }
  [[nodiscard]] Result<void> readAt(std::uint64_t offset, std::span<std::uint8_t> buf) const final;
  [[nodiscard]] std::string describe() const final { return name_; }

 protected:
  /// The run holding guest `offset`, no longer than `max` (> 0) and ending at most at a block end.
  [[nodiscard]] virtual Result<Run> locate(std::uint64_t offset, std::uint64_t max) const = 0;

 private:
  std::uint64_t size_;
  std::string name_;
};

/// A window of another source, owning it (a flat VMDK extent, a fixed VHD's data).
class OwnedSlice final : public GuestSource {
 public:
  OwnedSlice(std::shared_ptr<const disk::BlockSource> file, std::uint64_t offset,
             std::uint64_t length, std::string name)
      : GuestSource(length, std::move(name)), file_(std::move(file)), offset_(offset) {}

 protected:
  [[nodiscard]] Result<Run> locate(std::uint64_t offset, std::uint64_t max) const override;

 private:
  std::shared_ptr<const disk::BlockSource> file_;
  std::uint64_t offset_;
};

/// Sources one after the other (the extents of a VMDK descriptor); a null part reads as zeros.
class ConcatSource final : public GuestSource {
 public:
  struct Part {
    std::uint64_t length = 0;
    std::shared_ptr<const disk::BlockSource> source;
  };
  ConcatSource(std::vector<Part> parts, std::uint64_t total, std::string name)
      : GuestSource(total, std::move(name)), parts_(std::move(parts)) {}

 protected:
  [[nodiscard]] Result<Run> locate(std::uint64_t offset, std::uint64_t max) const override;

 private:
  std::vector<Part> parts_;
};

}  // namespace guestprep::image
