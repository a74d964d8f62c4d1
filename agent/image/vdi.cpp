// VDI (VirtualBox Disk Image, version 1.1): the pre-header, the header and the block map.
// All fields are little-endian.
#include <algorithm>

#include <fmt/format.h>

#include "image/bytes.h"
#include "image/guest_source.h"
#include "image/readers.h"

namespace guestprep::image {

namespace {

constexpr std::uint32_t kSignature = 0xBEDA107F;
constexpr std::uint32_t kFree = 0xFFFFFFFFu;
constexpr std::uint32_t kZero = 0xFFFFFFFEu;

class VdiGuest final : public GuestSource {
 public:
  VdiGuest(std::shared_ptr<const disk::BlockSource> file, std::uint64_t size,
           std::uint32_t block_size, std::uint32_t extra, std::uint64_t data_offset,
           std::vector<std::uint32_t> map)
      : GuestSource(size, file->describe() + " (guest view)"),
        file_(std::move(file)),
        block_size_(block_size),
        extra_(extra),
        data_offset_(data_offset),
        map_(std::move(map)) {}

 protected:
  Result<Run> locate(std::uint64_t offset, std::uint64_t max) const override {
    std::uint64_t block = offset / block_size_;
    std::uint64_t in = offset % block_size_;
    Run r;
    r.length = std::min<std::uint64_t>(max, block_size_ - in);
    if (block >= map_.size() || map_[block] >= kZero) return r;
    std::uint64_t host = data_offset_ +
                         static_cast<std::uint64_t>(map_[block]) * (block_size_ + extra_) + extra_ +
                         in;
    if (host > file_->size() || r.length > file_->size() - host) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file_, "VDI block map entry " + std::to_string(block), host,
                        "the block lies past the end of the file"));
    }
    r.kind = Run::Kind::kFile;
    r.file = file_.get();
    r.offset = host;
    return r;
  }

 private:
  std::shared_ptr<const disk::BlockSource> file_;
  std::uint32_t block_size_;
  std::uint32_t extra_;
  std::uint64_t data_offset_;
  std::vector<std::uint32_t> map_;
};

}  // namespace

Result<OpenedImage> openVdi(std::shared_ptr<const disk::BlockSource> file) {
  OpenedImage img;
  img.facts = baseFacts(*file, "vdi");
  ImageFacts& f = img.facts;
  auto h = readStruct(*file, 0, 512, "VDI header");
  if (!h) return std::unexpected(h.error());
  if (le32(*h, 64) != kSignature) {
    return fail(ErrorCode::kInvalidInput, where(*file, "VDI header", 64, "bad signature"));
  }
  std::uint32_t version = le32(*h, 68);
  if (version >> 16 != 1) {
    return fail(ErrorCode::kUnsupported, where(*file, "VDI header", 68,
                                               fmt::format("version {}.{} (1.x expected)",
                                                           version >> 16, version & 0xFFFF)));
  }
  std::uint32_t type = le32(*h, 76);
  std::uint32_t map_offset = le32(*h, 340);
  std::uint32_t data_offset = le32(*h, 344);
  std::uint32_t sector_size = le32(*h, 360);
  f.virtual_size = le64(*h, 368);
  std::uint32_t block_size = le32(*h, 376);
  std::uint32_t extra = le32(*h, 380);
  std::uint32_t blocks = le32(*h, 384);
  f.block_size = block_size;
  switch (type) {
    case 1:
      f.subformat = "dynamic";
      break;
    case 2:
      f.subformat = "fixed";
      break;
    case 3:
      f.subformat = "undo";
      break;
    case 4:
      f.subformat = "differencing";
      break;
    default:
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "VDI header", 76, fmt::format("unknown image type {}", type)));
  }
  if (sector_size != 512) {
    f.problems.push_back(
        where(*file, "VDI header", 360, fmt::format("sector size {} (512 expected)", sector_size)));
  }
  if (block_size == 0 || block_size % 512 != 0) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VDI header", 376,
                      fmt::format("block size {} is not a multiple of 512", block_size)));
  }
  std::uint64_t needed = f.virtual_size / block_size + (f.virtual_size % block_size ? 1 : 0);
  if (blocks < needed) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VDI header", 384,
                      fmt::format("{} blocks cannot hold the disk size {} ({} needed)", blocks,
                                  f.virtual_size, needed)));
  }
  if (needed * 4 > kMaxTableBytes) {
    return fail(
        ErrorCode::kTooLarge,
        where(*file, "VDI header", 384,
              fmt::format("a block map of {} entries is larger than any real disk's", needed)));
  }
  auto raw = readStruct(*file, map_offset, static_cast<std::size_t>(needed) * 4, "VDI block map");
  if (!raw) return std::unexpected(raw.error());
  std::vector<std::uint32_t> map(static_cast<std::size_t>(needed));
  std::uint64_t allocated = 0;
  for (std::size_t i = 0; i < map.size(); ++i) {
    map[i] = le32(*raw, i * 4);
    if (map[i] < kZero) {
      if (map[i] >= blocks) {
        return fail(
            ErrorCode::kInvalidInput,
            where(*file, "VDI block map", map_offset + i * 4,
                  fmt::format("entry {} names block {}, beyond the {} blocks", i, map[i], blocks)));
      }
      allocated += block_size;
    }
  }
  f.allocated_size = Observed<std::uint64_t>::of(std::min(allocated, f.virtual_size));
  if (type == 3 || type == 4) {
    f.backing_file = "(parent image, by UUID)";
    img.guest_error = "a differencing VDI: its content is not readable without its parent";
    return img;
  }
  img.guest = std::make_shared<VdiGuest>(file, f.virtual_size, block_size, extra, data_offset,
                                         std::move(map));
  return img;
}

}  // namespace guestprep::image
