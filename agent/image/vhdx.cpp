// VHDX: the two headers (CRC-32C, highest valid sequence number wins), the two region tables,
// the metadata region (virtual size, block size, logical sector size, parent) and the BAT with
// its interleaved sector-bitmap entries. All fields are little-endian; GUIDs in Microsoft order.
#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "image/bytes.h"
#include "image/codec.h"
#include "image/guest_source.h"
#include "image/readers.h"

namespace guestprep::image {

namespace {

using Guid = std::array<std::uint8_t, 16>;

/// The on-disk bytes of a GUID written "2DC27766-F623-4200-9D64-115E9BFD4A08": the first three
/// groups little-endian, the rest as written.
constexpr Guid guid(std::uint32_t a, std::uint16_t b, std::uint16_t c, std::uint64_t d) {
  Guid g{};
  for (int i = 0; i < 4; ++i) g[i] = static_cast<std::uint8_t>(a >> (8 * i));
  for (int i = 0; i < 2; ++i) g[4 + i] = static_cast<std::uint8_t>(b >> (8 * i));
  for (int i = 0; i < 2; ++i) g[6 + i] = static_cast<std::uint8_t>(c >> (8 * i));
  for (int i = 0; i < 8; ++i) g[8 + i] = static_cast<std::uint8_t>(d >> (8 * (7 - i)));
  return g;
}

constexpr Guid kBatRegion = guid(0x2DC27766, 0xF623, 0x4200, 0x9D64115E9BFD4A08ull);
constexpr Guid kMetadataRegion = guid(0x8B7CA206, 0x4790, 0x4B9A, 0xB8FE575F050F886Eull);
constexpr Guid kFileParameters = guid(0xCAA16737, 0xFA36, 0x4D43, 0xB3B633F0AA44E76Bull);
constexpr Guid kVirtualDiskSize = guid(0x2FA54224, 0xCD1B, 0x4876, 0xB2115DBED83BF4B8ull);
constexpr Guid kLogicalSectorSize = guid(0x8141BF1D, 0xA96F, 0x4709, 0xBA47F233A8FAAB5Full);
constexpr Guid kParentLocator = guid(0xA8D35F2D, 0xB30B, 0x454D, 0xABF7D3D84834AB0Cull);

constexpr std::uint64_t kHeaderAt[2] = {64 * 1024, 128 * 1024};
constexpr std::uint64_t kRegionAt[2] = {192 * 1024, 256 * 1024};
constexpr std::size_t kHeaderSize = 4096;
constexpr std::size_t kRegionSize = 64 * 1024;

bool guidAt(std::span<const std::uint8_t> b, std::size_t o, const Guid& g) {
  return std::equal(g.begin(), g.end(), b.begin() + static_cast<std::ptrdiff_t>(o));
}

bool crcOk(std::vector<std::uint8_t> b) {
  std::uint32_t stored = le32(b, 4);
  std::fill_n(b.begin() + 4, 4, std::uint8_t{0});
  return crc32c(b) == stored;
}

class VhdxGuest final : public GuestSource {
 public:
  VhdxGuest(std::shared_ptr<const disk::BlockSource> file, std::uint64_t size,
            std::uint32_t block_size, std::uint64_t chunk_ratio, std::vector<std::uint64_t> bat)
      : GuestSource(size, file->describe() + " (guest view)"),
        file_(std::move(file)),
        block_size_(block_size),
        chunk_ratio_(chunk_ratio),
        bat_(std::move(bat)) {}

 protected:
  Result<Run> locate(std::uint64_t offset, std::uint64_t max) const override {
    std::uint64_t block = offset / block_size_;
    std::uint64_t in = offset % block_size_;
    Run r;
    r.length = std::min<std::uint64_t>(max, block_size_ - in);
    std::uint64_t index = block + block / chunk_ratio_;
    if (index >= bat_.size()) return r;
    std::uint64_t e = bat_[index];
    std::uint64_t state = e & 7;
    if (state != 6 && state != 7) return r;  // not present, undefined, zero or unmapped
    std::uint64_t host = (e & ~0xFFFFFull) + in;
    if (host > file_->size() || r.length > file_->size() - host) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file_, "VHDX BAT entry " + std::to_string(index), e & ~0xFFFFFull,
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
  std::uint64_t chunk_ratio_;
  std::vector<std::uint64_t> bat_;
};

struct Region {
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
};

}  // namespace

Result<OpenedImage> openVhdx(std::shared_ptr<const disk::BlockSource> file) {
  OpenedImage img;
  img.facts = baseFacts(*file, "vhdx");
  ImageFacts& f = img.facts;

  // Headers: the valid one with the higher sequence number is current.
  std::optional<std::vector<std::uint8_t>> header;
  std::uint64_t header_at = 0;
  for (std::uint64_t at : kHeaderAt) {
    auto h = readStruct(*file, at, kHeaderSize, "VHDX header");
    if (!h) return std::unexpected(h.error());
    if (text(*h, 0, 4) != "head") {
      f.problems.push_back(where(*file, "VHDX header", at, "no \"head\" signature"));
      continue;
    }
    if (!crcOk(*h)) {
      f.problems.push_back(where(*file, "VHDX header", at, "CRC-32C mismatch"));
      continue;
    }
    if (!header || le64(*h, 8) > le64(*header, 8)) {
      header = std::move(*h);
      header_at = at;
    }
  }
  if (!header) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHDX header", kHeaderAt[0], "neither header copy is valid"));
  }
  if (le16(*header, 66) != 1) {
    return fail(ErrorCode::kUnsupported,
                where(*file, "VHDX header", header_at + 66,
                      fmt::format("version {} (1 expected)", le16(*header, 66))));
  }
  bool log_pending = std::any_of(header->begin() + 48, header->begin() + 64,
                                 [](std::uint8_t b) { return b != 0; });
  if (log_pending) {
    f.problems.push_back(where(*file, "VHDX header", header_at + 48,
                               "the log has entries to replay (the disk was not closed cleanly): "
                               "open it once in Hyper-V, or `qemu-img check -r all`"));
  }

  // Region table: the first valid copy.
  Region bat_region, meta_region;
  bool regions_read = false;
  for (std::uint64_t at : kRegionAt) {
    auto t = readStruct(*file, at, kRegionSize, "VHDX region table");
    if (!t) return std::unexpected(t.error());
    if (text(*t, 0, 4) != "regi" || !crcOk(*t)) {
      f.problems.push_back(where(*file, "VHDX region table", at, "bad signature or CRC-32C"));
      continue;
    }
    std::uint32_t count = le32(*t, 8);
    if (count > 2047) {
      f.problems.push_back(
          where(*file, "VHDX region table", at, fmt::format("{} entries (2047 at most)", count)));
      continue;
    }
    for (std::uint32_t i = 0; i < count; ++i) {
      std::size_t e = 16 + static_cast<std::size_t>(i) * 32;
      Region r{le64(*t, e + 16), le32(*t, e + 24)};
      if (guidAt(*t, e, kBatRegion)) bat_region = r;
      if (guidAt(*t, e, kMetadataRegion)) meta_region = r;
    }
    regions_read = true;
    break;
  }
  if (!regions_read) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHDX region table", kRegionAt[0], "neither copy is valid"));
  }
  if (meta_region.length == 0 || bat_region.length == 0) {
    return fail(ErrorCode::kInvalidInput, where(*file, "VHDX region table", kRegionAt[0],
                                                "the BAT or metadata region is missing"));
  }
  if (meta_region.length > kMaxTableBytes) {
    return fail(ErrorCode::kTooLarge, where(*file, "VHDX metadata region", meta_region.offset,
                                            "larger than any real disk's"));
  }
  auto meta = readStruct(*file, meta_region.offset, meta_region.length, "VHDX metadata region");
  if (!meta) return std::unexpected(meta.error());
  if (meta->size() < 32 || text(*meta, 0, 8) != "metadata") {
    return fail(ErrorCode::kInvalidInput, where(*file, "VHDX metadata table", meta_region.offset,
                                                "no \"metadata\" signature"));
  }
  std::uint16_t items = le16(*meta, 10);
  std::optional<std::uint32_t> block_size, sector_size;
  std::optional<std::uint64_t> vsize;
  bool has_parent = false;
  auto item = [&](std::size_t e, std::size_t need) -> std::optional<std::size_t> {
    std::uint32_t off = le32(*meta, e + 16);
    std::uint32_t len = le32(*meta, e + 20);
    if (len < need || off > meta->size() || len > meta->size() - off) {
      f.problems.push_back(where(*file, "VHDX metadata item", meta_region.offset + e,
                                 "offset or length outside the metadata region"));
      return std::nullopt;
    }
    return off;
  };
  for (std::size_t i = 0; i < items && 32 + (i + 1) * 32 <= meta->size(); ++i) {
    std::size_t e = 32 + i * 32;
    if (guidAt(*meta, e, kFileParameters)) {
      if (auto o = item(e, 8)) {
        block_size = le32(*meta, *o);
        has_parent = (le32(*meta, *o + 4) & 2) != 0;
      }
    } else if (guidAt(*meta, e, kVirtualDiskSize)) {
      if (auto o = item(e, 8)) vsize = le64(*meta, *o);
    } else if (guidAt(*meta, e, kLogicalSectorSize)) {
      if (auto o = item(e, 4)) sector_size = le32(*meta, *o);
    } else if (guidAt(*meta, e, kParentLocator)) {
      has_parent = true;
    }
  }
  if (!block_size || !vsize || !sector_size) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHDX metadata table", meta_region.offset,
                      "the file parameters, virtual disk size or logical sector size is missing"));
  }
  f.virtual_size = *vsize;
  f.block_size = *block_size;
  f.logical_sector_size = *sector_size;
  f.subformat = has_parent ? "differencing" : "dynamic";
  if (*block_size < (1u << 20) || *block_size > (256u << 20) ||
      (*block_size & (*block_size - 1)) != 0) {
    return fail(
        ErrorCode::kInvalidInput,
        where(*file, "VHDX file parameters", meta_region.offset,
              fmt::format("block size {} (a power of two, 1 MiB to 256 MiB)", *block_size)));
  }
  if (*sector_size != 512 && *sector_size != 4096) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHDX logical sector size", meta_region.offset,
                      fmt::format("{} (512 or 4096)", *sector_size)));
  }
  if (*vsize > (64ull << 40)) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHDX virtual disk size", meta_region.offset,
                      fmt::format("{} bytes, more than the format's 64 TiB", *vsize)));
  }
  std::uint64_t chunk_ratio = ((1ull << 23) * *sector_size) / *block_size;
  std::uint64_t blocks = *vsize / *block_size + (*vsize % *block_size ? 1 : 0);
  std::uint64_t entries = blocks == 0 ? 0 : blocks + (blocks - 1) / chunk_ratio;
  if (entries * 8 > bat_region.length) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHDX BAT region", bat_region.offset,
                      fmt::format("{} bytes cannot hold the {} entries the disk size needs",
                                  bat_region.length, entries)));
  }
  if (entries * 8 > kMaxTableBytes) {
    return fail(ErrorCode::kTooLarge,
                where(*file, "VHDX BAT region", bat_region.offset, "larger than any real disk's"));
  }
  auto raw =
      readStruct(*file, bat_region.offset, static_cast<std::size_t>(entries) * 8, "VHDX BAT");
  if (!raw) return std::unexpected(raw.error());
  std::vector<std::uint64_t> bat(static_cast<std::size_t>(entries));
  std::uint64_t allocated = 0;
  for (std::size_t i = 0; i < bat.size(); ++i) {
    bat[i] = le64(*raw, i * 8);
    bool bitmap_entry = (i + 1) % (chunk_ratio + 1) == 0;
    std::uint64_t state = bat[i] & 7;
    if (bitmap_entry || (state != 6 && state != 7)) continue;
    std::uint64_t at = bat[i] & ~0xFFFFFull;
    if (at >= file->size()) {
      return fail(
          ErrorCode::kInvalidInput,
          where(*file, "VHDX BAT", bat_region.offset + i * 8,
                fmt::format("entry {} points to offset {}, past the end of the file", i, at)));
    }
    allocated += *block_size;
  }
  f.allocated_size = Observed<std::uint64_t>::of(std::min(allocated, f.virtual_size));
  if (has_parent) {
    f.backing_file = "(parent locator)";
    img.guest_error = "a differencing VHDX: its content is not readable without the parent";
    return img;
  }
  img.guest = std::make_shared<VhdxGuest>(file, *vsize, *block_size, chunk_ratio, std::move(bat));
  return img;
}

}  // namespace guestprep::image
