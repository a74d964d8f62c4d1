// VHD (Microsoft Virtual Hard Disk, the format qemu calls "vpc"): the 512-byte footer at the end
// (and its copy at the start of dynamic and differencing disks), the dynamic disk header and the
// block allocation table. All fields are big-endian.
#include <algorithm>

#include <fmt/format.h>

#include "image/bytes.h"
#include "image/guest_source.h"
#include "image/readers.h"

namespace guestprep::image {

namespace {

constexpr std::size_t kFooterSize = 512;
constexpr std::size_t kDynHeaderSize = 1024;
constexpr std::uint32_t kTypeFixed = 2;
constexpr std::uint32_t kTypeDynamic = 3;
constexpr std::uint32_t kTypeDifferencing = 4;
constexpr std::uint32_t kUnallocated = 0xFFFFFFFFu;

/// One's complement of the byte sum with the checksum field taken as zero.
std::uint32_t vhdChecksum(std::span<const std::uint8_t> b, std::size_t checksum_at) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i >= checksum_at && i < checksum_at + 4) continue;
    sum += b[i];
  }
  return ~sum;
}

bool isFooter(std::span<const std::uint8_t> b) { return text(b, 0, 8) == "conectix"; }

bool checksumOk(std::span<const std::uint8_t> footer) {
  return vhdChecksum(footer, 64) == be32(footer, 64);
}

class DynamicVhd final : public GuestSource {
 public:
  DynamicVhd(std::shared_ptr<const disk::BlockSource> file, std::uint64_t size,
             std::uint32_t block_size, std::vector<std::uint32_t> bat)
      : GuestSource(size, file->describe() + " (guest view)"),
        file_(std::move(file)),
        block_size_(block_size),
        // The sector bitmap before each block's data: one bit per sector, padded to a sector.
        bitmap_bytes_(((block_size / 512 + 7) / 8 + 511) / 512 * 512),
        bat_(std::move(bat)) {}

 protected:
  Result<Run> locate(std::uint64_t offset, std::uint64_t max) const override {
    std::uint64_t block = offset / block_size_;
    std::uint64_t in = offset % block_size_;
    Run r;
    r.length = std::min<std::uint64_t>(max, block_size_ - in);
    if (block >= bat_.size() || bat_[block] == kUnallocated) return r;
    std::uint64_t host = static_cast<std::uint64_t>(bat_[block]) * 512 + bitmap_bytes_ + in;
    if (host > file_->size() || r.length > file_->size() - host) {
      return fail(ErrorCode::kInvalidInput, where(*file_, "BAT entry " + std::to_string(block),
                                                  static_cast<std::uint64_t>(bat_[block]) * 512,
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
  std::uint64_t bitmap_bytes_;
  std::vector<std::uint32_t> bat_;
};

/// UTF-16BE parent name of a differencing disk, as UTF-8 (non-ASCII shown as '?').
std::string parentName(std::span<const std::uint8_t> h) {
  std::string name;
  for (std::size_t i = 64; i + 1 < 64 + 512; i += 2) {
    std::uint16_t c = be16(h, i);
    if (c == 0) break;
    name += c < 0x80 ? static_cast<char>(c) : '?';
  }
  return name;
}

}  // namespace

Result<OpenedImage> openVhd(std::shared_ptr<const disk::BlockSource> file) {
  OpenedImage img;
  img.facts = baseFacts(*file, "vhd");
  ImageFacts& f = img.facts;
  const std::uint64_t size = file->size();
  if (size < kFooterSize) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHD footer", 0, "the file is shorter than a footer"));
  }
  auto end_footer = readStruct(*file, size - kFooterSize, kFooterSize, "VHD footer");
  if (!end_footer) return std::unexpected(end_footer.error());
  auto start_copy = readStruct(*file, 0, kFooterSize, "VHD footer copy");
  if (!start_copy) return std::unexpected(start_copy.error());

  // The footer at the end is authoritative; a damaged one is recovered from the copy at the
  // start (dynamic disks only), as qemu and Hyper-V do.
  std::vector<std::uint8_t> footer;
  std::uint64_t footer_at = size - kFooterSize;
  bool end_ok = isFooter(*end_footer) && checksumOk(*end_footer);
  bool copy_ok = isFooter(*start_copy) && checksumOk(*start_copy);
  if (isFooter(*end_footer)) {
    footer = *end_footer;
    if (!end_ok && copy_ok) {
      f.problems.push_back(
          where(*file, "VHD footer", footer_at, "checksum mismatch; the copy at offset 0 is used"));
      footer = *start_copy;
      footer_at = 0;
    } else if (!end_ok) {
      f.problems.push_back(
          where(*file, "VHD footer", footer_at,
                fmt::format("checksum mismatch (stored {:#010x}, computed {:#010x})",
                            be32(footer, 64), vhdChecksum(footer, 64))));
    }
  } else if (isFooter(*start_copy)) {
    f.problems.push_back(where(*file, "VHD footer", size - kFooterSize,
                               "missing (the file is truncated?); the copy at offset 0 is used"));
    footer = *start_copy;
    footer_at = 0;
  } else {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHD footer", size - kFooterSize, "no \"conectix\" cookie"));
  }

  std::uint32_t type = be32(footer, 60);
  std::uint64_t data_offset = be64(footer, 16);
  std::uint64_t current_size = be64(footer, 48);
  std::string creator(text(footer, 28, 4));
  std::uint64_t chs = static_cast<std::uint64_t>(be16(footer, 56)) * footer[58] * footer[59] * 512;
  // Virtual PC and old qemu sized disks by their CHS geometry, leaving current_size larger; qemu
  // reads those by geometry, and so must we to agree on the virtual size.
  bool by_geometry =
      (creator == "vpc " || creator == "qemu") && chs != 65535ull * 16 * 255 * 512 && chs != 0;
  f.virtual_size = by_geometry ? chs : current_size;

  if (type == kTypeFixed) {
    f.subformat = "fixed";
    if (footer_at == 0) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "VHD footer", size - kFooterSize,
                        "a fixed disk's footer must be at the end of the file"));
    }
    if (f.virtual_size > size - kFooterSize) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "VHD footer", footer_at,
                        fmt::format("the disk size {} is larger than the data before the footer "
                                    "({} bytes): the file is truncated",
                                    f.virtual_size, size - kFooterSize)));
    }
    f.allocated_size = Observed<std::uint64_t>::of(f.virtual_size);
    img.guest =
        std::make_shared<OwnedSlice>(file, 0, f.virtual_size, file->describe() + " (guest view)");
    return img;
  }
  if (type != kTypeDynamic && type != kTypeDifferencing) {
    return fail(
        ErrorCode::kInvalidInput,
        where(*file, "VHD footer", footer_at,
              fmt::format("unknown disk type {} (2 fixed, 3 dynamic, 4 differencing)", type)));
  }
  f.subformat = type == kTypeDynamic ? "dynamic" : "differencing";
  if (!isFooter(*start_copy)) {
    f.problems.push_back(
        where(*file, "VHD footer copy", 0, "missing at the start of a dynamic disk"));
  } else if (footer_at != 0 && *start_copy != *end_footer) {
    f.problems.push_back(where(*file, "VHD footer copy", 0,
                               "footers not identical (the copy at the start differs from the "
                               "footer at the end)"));
  }

  auto header = readStruct(*file, data_offset, kDynHeaderSize, "VHD dynamic disk header");
  if (!header) return std::unexpected(header.error());
  if (text(*header, 0, 8) != "cxsparse") {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHD dynamic disk header", data_offset, "no \"cxsparse\" cookie"));
  }
  if (vhdChecksum(*header, 36) != be32(*header, 36)) {
    f.problems.push_back(where(*file, "VHD dynamic disk header", data_offset, "checksum mismatch"));
  }
  std::uint64_t bat_offset = be64(*header, 16);
  std::uint32_t entries = be32(*header, 28);
  std::uint32_t block_size = be32(*header, 32);
  f.block_size = block_size;
  if (block_size < 512 || block_size % 512 != 0 || (block_size & (block_size - 1)) != 0) {
    return fail(
        ErrorCode::kInvalidInput,
        where(*file, "VHD dynamic disk header", data_offset,
              fmt::format("block size {} is not a power of two of at least 512", block_size)));
  }
  std::uint64_t needed = f.virtual_size / block_size + (f.virtual_size % block_size ? 1 : 0);
  if (entries < needed) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VHD dynamic disk header", data_offset,
                      fmt::format("the BAT has {} entries, the disk size {} needs {}", entries,
                                  f.virtual_size, needed)));
  }
  if (static_cast<std::uint64_t>(entries) * 4 > kMaxTableBytes) {
    return fail(ErrorCode::kTooLarge,
                where(*file, "VHD dynamic disk header", data_offset,
                      fmt::format("a BAT of {} entries is larger than any real disk's", entries)));
  }
  if (type == kTypeDifferencing) {
    f.backing_file = parentName(*header);
    if (f.backing_file.empty()) f.backing_file = "(parent not named)";
  }
  auto raw_bat = readStruct(*file, bat_offset, static_cast<std::size_t>(needed) * 4, "VHD BAT");
  if (!raw_bat) return std::unexpected(raw_bat.error());
  std::vector<std::uint32_t> bat(static_cast<std::size_t>(needed));
  std::uint64_t allocated = 0;
  for (std::size_t i = 0; i < bat.size(); ++i) {
    bat[i] = be32(*raw_bat, i * 4);
    if (bat[i] == kUnallocated) continue;
    std::uint64_t at = static_cast<std::uint64_t>(bat[i]) * 512;
    if (at >= size) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "VHD BAT", bat_offset + i * 4,
                        fmt::format("entry {} points to offset {}, past the end of the file ({} "
                                    "bytes)",
                                    i, at, size)));
    }
    allocated += block_size;
  }
  f.allocated_size = Observed<std::uint64_t>::of(std::min(allocated, f.virtual_size));
  if (type == kTypeDifferencing) {
    img.guest_error = "a differencing VHD: its content is not readable without the parent '" +
                      f.backing_file + "'";
    return img;
  }
  img.guest = std::make_shared<DynamicVhd>(file, f.virtual_size, block_size, std::move(bat));
  return img;
}

}  // namespace guestprep::image
