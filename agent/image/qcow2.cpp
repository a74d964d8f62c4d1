// qcow2 (versions 2 and 3): the header and its extensions, the backing file, encryption, and the
// two-level cluster mapping (L1, L2), including compressed clusters (raw deflate via zlib).
// All fields are big-endian.
#include <algorithm>
#include <mutex>
#include <unordered_set>

#include <fmt/format.h>

#include "image/bytes.h"
#include "image/codec.h"
#include "image/guest_source.h"
#include "image/readers.h"

namespace guestprep::image {

namespace {

constexpr std::uint64_t kOffsetMask = 0x00FFFFFFFFFFFE00ull;
constexpr std::uint64_t kCompressedBit = 1ull << 62;
constexpr std::uint64_t kZeroBit = 1ull;
constexpr std::uint64_t kIncompatDirty = 1u << 0;
constexpr std::uint64_t kIncompatCorrupt = 1u << 1;
constexpr std::uint64_t kIncompatExternalData = 1u << 2;
constexpr std::uint64_t kIncompatCompressionType = 1u << 3;
constexpr std::uint64_t kIncompatExtendedL2 = 1u << 4;
constexpr std::uint64_t kIncompatKnown = 0x1F;
constexpr std::uint32_t kExtEnd = 0;
constexpr std::uint32_t kExtBackingFormat = 0xE2792ACA;
constexpr std::uint32_t kExtExternalData = 0x44415441;

struct Geometry {
  std::uint32_t cluster_bits = 16;
  std::uint64_t cluster_size = 65536;
  std::uint32_t l2_bits = 13;  ///< log2 of entries per L2 table
  std::uint64_t l2_entry_size = 8;
};

class Qcow2Guest final : public GuestSource {
 public:
  Qcow2Guest(std::shared_ptr<const disk::BlockSource> file, std::uint64_t size, Geometry g,
             std::vector<std::uint64_t> l1)
      : GuestSource(size, file->describe() + " (guest view)"),
        file_(std::move(file)),
        g_(g),
        l1_(std::move(l1)) {}

 protected:
  Result<Run> locate(std::uint64_t offset, std::uint64_t max) const override {
    std::uint64_t cluster = offset >> g_.cluster_bits;
    std::uint64_t in = offset & (g_.cluster_size - 1);
    Run r;
    r.length = std::min<std::uint64_t>(max, g_.cluster_size - in);
    std::uint64_t l1_index = cluster >> g_.l2_bits;
    if (l1_index >= l1_.size()) return r;
    std::uint64_t l2_offset = l1_[l1_index] & kOffsetMask;
    if (l2_offset == 0) return r;
    std::uint64_t l2_index = cluster & ((1ull << g_.l2_bits) - 1);
    std::uint64_t entry_at = l2_offset + l2_index * g_.l2_entry_size;
    auto raw = readStruct(*file_, entry_at, 8, "qcow2 L2 entry");
    if (!raw) return std::unexpected(raw.error());
    std::uint64_t e = be64(*raw, 0);
    if (e & kCompressedBit) return compressed(cluster, e, in, r.length);
    std::uint64_t host = e & kOffsetMask;
    if ((e & kZeroBit) || host == 0) return r;
    if (host & (g_.cluster_size - 1)) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file_, "qcow2 L2 entry", entry_at,
                        fmt::format("host offset {} is not cluster-aligned", host)));
    }
    if (host + in > file_->size() || r.length > file_->size() - host - in) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file_, "qcow2 L2 entry", entry_at,
                        fmt::format("cluster at {} lies past the end of the file", host)));
    }
    r.kind = Run::Kind::kFile;
    r.file = file_.get();
    r.offset = host + in;
    return r;
  }

 private:
  Result<Run> compressed(std::uint64_t cluster, std::uint64_t e, std::uint64_t in,
                         std::uint64_t length) const {
    std::lock_guard lock(mutex_);
    if (!cached_ || cached_cluster_ != cluster) {
      std::uint32_t x = 62 - (g_.cluster_bits - 8);
      std::uint64_t host = e & ((1ull << x) - 1);
      std::uint64_t sectors = ((e >> x) & ((1ull << (g_.cluster_bits - 8)) - 1)) + 1;
      std::uint64_t csize = sectors * 512 - (host & 511);
      if (host >= file_->size()) {
        return fail(ErrorCode::kInvalidInput,
                    where(*file_, "qcow2 compressed cluster", host, "past the end of the file"));
      }
      // The last compressed cluster may be cut short by the end of the file.
      csize = std::min(csize, file_->size() - host);
      auto data =
          readStruct(*file_, host, static_cast<std::size_t>(csize), "qcow2 compressed cluster");
      if (!data) return std::unexpected(data.error());
      auto out = inflateExact(*data, static_cast<std::size_t>(g_.cluster_size), true);
      if (!out) {
        return fail(ErrorCode::kInvalidInput,
                    where(*file_, "qcow2 compressed cluster", host, out.error().message));
      }
      cached_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(*out));
      cached_cluster_ = cluster;
    }
    Run r;
    r.kind = Run::Kind::kBuffer;
    r.length = length;
    r.buffer = cached_;
    r.offset = in;
    return r;
  }

  std::shared_ptr<const disk::BlockSource> file_;
  Geometry g_;
  std::vector<std::uint64_t> l1_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::vector<std::uint8_t>> cached_;
  mutable std::uint64_t cached_cluster_ = 0;
};

}  // namespace

Result<OpenedImage> openQcow2(std::shared_ptr<const disk::BlockSource> file) {
  OpenedImage img;
  img.facts = baseFacts(*file, "qcow2");
  ImageFacts& f = img.facts;
  auto h = readStruct(*file, 0, std::min<std::uint64_t>(file->size(), 512), "qcow2 header");
  if (!h) return std::unexpected(h.error());
  if (h->size() < 72) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "qcow2 header", 0, "truncated (72 bytes needed)"));
  }
  std::uint32_t version = be32(*h, 4);
  if (version != 2 && version != 3) {
    return fail(
        ErrorCode::kUnsupported,
        where(*file, "qcow2 header", 4, fmt::format("version {} (2 or 3 expected)", version)));
  }
  f.subformat = fmt::format("v{}", version);
  std::uint64_t backing_offset = be64(*h, 8);
  std::uint32_t backing_size = be32(*h, 16);
  Geometry g;
  g.cluster_bits = be32(*h, 20);
  f.virtual_size = be64(*h, 24);
  std::uint32_t crypt = be32(*h, 32);
  std::uint32_t l1_size = be32(*h, 36);
  std::uint64_t l1_offset = be64(*h, 40);
  std::uint32_t snapshots = be32(*h, 60);
  if (g.cluster_bits < 9 || g.cluster_bits > 21) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "qcow2 header", 20,
                      fmt::format("cluster_bits {} (9 to 21 expected)", g.cluster_bits)));
  }
  g.cluster_size = 1ull << g.cluster_bits;
  f.block_size = static_cast<std::uint32_t>(g.cluster_size);

  std::uint32_t header_length = 72;
  std::uint64_t incompat = 0;
  if (version == 3) {
    if (h->size() < 104) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "qcow2 header", 0, "truncated (104 bytes needed for version 3)"));
    }
    incompat = be64(*h, 72);
    header_length = be32(*h, 100);
    if (header_length < 104 || header_length > h->size() || header_length % 8 != 0) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "qcow2 header", 100,
                        fmt::format("header_length {} is invalid", header_length)));
    }
    if (incompat & kIncompatCorrupt) {
      f.problems.push_back(where(*file, "qcow2 header", 72,
                                 "marked corrupt: repair it with `qemu-img check -r all`"));
    }
    if (incompat & kIncompatDirty) {
      f.problems.push_back(where(*file, "qcow2 header", 72,
                                 "dirty (refcounts need repair): run `qemu-img check -r all`"));
    }
    if (incompat & kIncompatCompressionType && header_length > 104 && (*h)[104] != 0) {
      f.compressed = true;
      f.problems.push_back(
          where(*file, "qcow2 header", 104,
                "compressed clusters use zstd, which this reader does not inflate"));
    }
    if (incompat & ~kIncompatKnown) {
      return fail(ErrorCode::kUnsupported, where(*file, "qcow2 header", 72,
                                                 fmt::format("unknown incompatible features {:#x}",
                                                             incompat & ~kIncompatKnown)));
    }
  }
  if (incompat & kIncompatExtendedL2) g.l2_entry_size = 16;
  g.l2_bits = g.cluster_bits - (g.l2_entry_size == 16 ? 4 : 3);

  // Header extensions: a list bounded by the first cluster; each entry's length is checked.
  std::string external_data;
  if (g.cluster_size <= file->size()) {
    std::uint64_t limit = std::min<std::uint64_t>(g.cluster_size, file->size());
    if (backing_offset > header_length && backing_offset < limit) limit = backing_offset;
    auto ext = readStruct(*file, 0, static_cast<std::size_t>(limit), "qcow2 header extensions");
    if (!ext) return std::unexpected(ext.error());
    std::uint64_t at = header_length;
    while (at + 8 <= ext->size()) {
      std::uint32_t type = be32(*ext, at);
      std::uint32_t len = be32(*ext, at + 4);
      if (type == kExtEnd) break;
      if (len > ext->size() - at - 8) {
        f.problems.push_back(where(*file, "qcow2 header extension", at,
                                   fmt::format("length {} runs past the first cluster", len)));
        break;
      }
      if (type == kExtExternalData) external_data = std::string(text(*ext, at + 8, len));
      if (type == kExtBackingFormat && len == 0) {
        f.problems.push_back(where(*file, "qcow2 header extension", at, "empty backing format"));
      }
      at += 8 + (len + 7ull) / 8 * 8;
    }
  }

  if (backing_offset != 0) {
    if (backing_size == 0 || backing_size > 1023) {
      return fail(
          ErrorCode::kInvalidInput,
          where(*file, "qcow2 header", 16,
                fmt::format("backing file name length {} (1 to 1023 expected)", backing_size)));
    }
    auto name = readStruct(*file, backing_offset, backing_size, "qcow2 backing file name");
    if (!name) return std::unexpected(name.error());
    f.backing_file = std::string(text(*name, 0, name->size()));
  }
  if (crypt != 0) {
    f.encrypted = true;
    if (crypt > 2) {
      f.problems.push_back(
          where(*file, "qcow2 header", 32, fmt::format("unknown encryption method {}", crypt)));
    }
  }
  if (snapshots != 0) {
    f.problems.push_back(fmt::format("{} internal snapshot{}: only the current state is imported",
                                     snapshots, snapshots == 1 ? "" : "s"));
  }

  // L1 must cover the virtual size; qemu refuses L1 tables over 32 MiB, so do we (kMaxTableBytes
  // is larger, the check below is qemu's own bound).
  std::uint64_t per_l1 = g.cluster_size << g.l2_bits;  // guest bytes one L2 table maps
  std::uint64_t needed = f.virtual_size / per_l1 + (f.virtual_size % per_l1 ? 1 : 0);
  if (needed > (32ull << 20) / 8) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "qcow2 header", 24,
                      fmt::format("virtual size {} needs an L1 table of {} entries, more than "
                                  "qemu allows",
                                  f.virtual_size, needed)));
  }
  if (l1_size < needed) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "qcow2 header", 36,
                      fmt::format("l1_size {} is too small for the virtual size {} ({} needed)",
                                  l1_size, f.virtual_size, needed)));
  }
  if (l1_offset % g.cluster_size != 0 && needed > 0) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "qcow2 header", 40,
                      fmt::format("L1 table offset {} is not cluster-aligned", l1_offset)));
  }
  std::vector<std::uint64_t> l1(static_cast<std::size_t>(needed));
  if (needed > 0) {
    auto raw = readStruct(*file, l1_offset, static_cast<std::size_t>(needed) * 8, "qcow2 L1 table");
    if (!raw) return std::unexpected(raw.error());
    for (std::size_t i = 0; i < l1.size(); ++i) l1[i] = be64(*raw, i * 8);
  }

  // Allocated size: every distinct L2 table inside the file read once, so the work is bounded
  // by the file's size however the L1 entries lie (shared or repeated tables count once).
  std::unordered_set<std::uint64_t> seen;
  std::uint64_t allocated = 0;
  std::string count_error;
  std::uint64_t l2_bytes = g.cluster_size;
  for (std::size_t i = 0; i < l1.size() && count_error.empty(); ++i) {
    std::uint64_t l2 = l1[i] & kOffsetMask;
    if (l2 == 0) continue;
    if (l2 % g.cluster_size != 0 || l2 >= file->size() || l2_bytes > file->size() - l2) {
      count_error = where(*file, "qcow2 L1 table", l1_offset + i * 8,
                          fmt::format("entry {} points to an L2 table at {}, outside the file "
                                      "or not cluster-aligned",
                                      i, l2));
      break;
    }
    if (!seen.insert(l2).second) {
      f.problems.push_back(where(*file, "qcow2 L1 table", l1_offset + i * 8,
                                 fmt::format("entry {} shares the L2 table at {} with an "
                                             "earlier entry",
                                             i, l2)));
      continue;
    }
    auto table = readStruct(*file, l2, static_cast<std::size_t>(l2_bytes), "qcow2 L2 table");
    if (!table) {
      count_error = table.error().message;
      break;
    }
    for (std::size_t k = 0; k + 8 <= table->size(); k += g.l2_entry_size) {
      std::uint64_t e = be64(*table, k);
      if (e & kCompressedBit) {
        f.compressed = true;
        allocated += g.cluster_size;
      } else if ((e & kOffsetMask) != 0) {
        allocated += g.cluster_size;
      }
    }
  }
  if (count_error.empty()) {
    f.allocated_size = Observed<std::uint64_t>::of(std::min(allocated, f.virtual_size));
  } else {
    f.allocated_size = Observed<std::uint64_t>::failed(count_error);
    f.problems.push_back(count_error);
  }

  if (!f.backing_file.empty()) {
    img.guest_error =
        "qcow2 with a backing file: its content is not readable without '" + f.backing_file + "'";
  } else if (f.encrypted) {
    img.guest_error = "an encrypted qcow2 image: its content cannot be read without the key";
  } else if (incompat & kIncompatExternalData) {
    img.guest_error = "qcow2 with an external data file" +
                      (external_data.empty() ? std::string() : " ('" + external_data + "')") +
                      ": its content is not in this file";
  } else if (incompat & kIncompatExtendedL2) {
    img.guest_error = "qcow2 with extended L2 entries (subclusters): not read by this version";
  } else if (!count_error.empty()) {
    img.guest_error = count_error;
  } else {
    img.guest = std::make_shared<Qcow2Guest>(file, f.virtual_size, g, std::move(l1));
  }
  return img;
}

}  // namespace guestprep::image
