// VMDK: hosted sparse extents (monolithicSparse, twoGbMaxExtentSparse, streamOptimized with its
// footer and deflated grains) through the grain directory and grain tables, and text descriptors
// (monolithicFlat, twoGbMaxExtent*, ...) whose extents are files beside the descriptor.
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

constexpr std::uint32_t kMagic = 0x564D444B;  // "KDMV"
constexpr std::uint64_t kGdAtEnd = ~0ull;
constexpr std::uint32_t kFlagZeroGrain = 1u << 2;
constexpr std::uint32_t kFlagCompressed = 1u << 16;
constexpr std::size_t kMaxDescriptor = 1 << 20;

struct SparseHeader {
  std::uint32_t flags = 0;
  std::uint64_t capacity = 0;     ///< sectors
  std::uint64_t grain = 0;        ///< sectors
  std::uint64_t desc_offset = 0;  ///< sectors
  std::uint64_t desc_size = 0;    ///< sectors
  std::uint32_t gtes = 0;
  std::uint64_t gd_offset = 0;  ///< sectors
  std::uint16_t compress = 0;
};

SparseHeader parseHeader(std::span<const std::uint8_t> b) {
  SparseHeader h;
  h.flags = le32(b, 8);
  h.capacity = le64(b, 12);
  h.grain = le64(b, 20);
  h.desc_offset = le64(b, 28);
  h.desc_size = le64(b, 36);
  h.gtes = le32(b, 44);
  h.gd_offset = le64(b, 56);
  h.compress = le16(b, 77);
  return h;
}

class SparseExtent final : public GuestSource {
 public:
  SparseExtent(std::shared_ptr<const disk::BlockSource> file, const SparseHeader& h,
               std::vector<std::uint32_t> gd)
      : GuestSource(h.capacity * 512, file->describe() + " (guest view)"),
        file_(std::move(file)),
        h_(h),
        grain_bytes_(h.grain * 512),
        gd_(std::move(gd)) {}

 protected:
  Result<Run> locate(std::uint64_t offset, std::uint64_t max) const override {
    std::uint64_t grain = offset / grain_bytes_;
    std::uint64_t in = offset % grain_bytes_;
    Run r;
    r.length = std::min<std::uint64_t>(max, grain_bytes_ - in);
    std::uint64_t gd_index = grain / h_.gtes;
    if (gd_index >= gd_.size() || gd_[gd_index] == 0) return r;
    std::uint64_t gte_at = static_cast<std::uint64_t>(gd_[gd_index]) * 512 + (grain % h_.gtes) * 4;
    auto raw = readStruct(*file_, gte_at, 4, "VMDK grain table entry");
    if (!raw) return std::unexpected(raw.error());
    std::uint32_t gte = le32(*raw, 0);
    if (gte == 0 || (gte == 1 && (h_.flags & kFlagZeroGrain))) return r;
    std::uint64_t host = static_cast<std::uint64_t>(gte) * 512;
    if (h_.flags & kFlagCompressed) return compressed(grain, host, in, r.length);
    if (host + in > file_->size() || r.length > file_->size() - host - in) {
      return fail(ErrorCode::kInvalidInput, where(*file_, "VMDK grain table entry", gte_at,
                                                  "the grain lies past the end of the file"));
    }
    r.kind = Run::Kind::kFile;
    r.file = file_.get();
    r.offset = host + in;
    return r;
  }

 private:
  Result<Run> compressed(std::uint64_t grain, std::uint64_t host, std::uint64_t in,
                         std::uint64_t length) const {
    std::lock_guard lock(mutex_);
    if (!cached_ || cached_grain_ != grain) {
      auto marker = readStruct(*file_, host, 12, "VMDK compressed grain marker");
      if (!marker) return std::unexpected(marker.error());
      std::uint32_t csize = le32(*marker, 8);
      // Deflate never grows data by more than a small fraction; anything larger is a lie.
      if (csize > grain_bytes_ + grain_bytes_ / 8 + 1024) {
        return fail(
            ErrorCode::kInvalidInput,
            where(*file_, "VMDK compressed grain marker", host,
                  fmt::format("compressed size {} for a {}-byte grain", csize, grain_bytes_)));
      }
      auto data = readStruct(*file_, host + 12, csize, "VMDK compressed grain");
      if (!data) return std::unexpected(data.error());
      auto out = inflateExact(*data, static_cast<std::size_t>(grain_bytes_), false);
      if (!out) {
        // The last grain of a disk whose size is not a grain multiple is shorter.
        std::uint64_t tail = size() - grain * grain_bytes_;
        if (tail < grain_bytes_) out = inflateExact(*data, static_cast<std::size_t>(tail), false);
      }
      if (!out) {
        return fail(ErrorCode::kInvalidInput,
                    where(*file_, "VMDK compressed grain", host, out.error().message));
      }
      out->resize(static_cast<std::size_t>(grain_bytes_));
      cached_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(*out));
      cached_grain_ = grain;
    }
    Run r;
    r.kind = Run::Kind::kBuffer;
    r.length = length;
    r.buffer = cached_;
    r.offset = in;
    return r;
  }

  std::shared_ptr<const disk::BlockSource> file_;
  SparseHeader h_;
  std::uint64_t grain_bytes_;
  std::vector<std::uint32_t> gd_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::vector<std::uint8_t>> cached_;
  mutable std::uint64_t cached_grain_ = 0;
};

struct Sparse {
  SparseHeader header;
  std::shared_ptr<SparseExtent> guest;
  std::uint64_t allocated = 0;
  std::string descriptor;  ///< the embedded descriptor text, when present
};

/// Reads a hosted sparse extent: header (or the footer of a streamOptimized file), the grain
/// directory and, to count allocated grains, each grain table once.
Result<Sparse> readSparse(std::shared_ptr<const disk::BlockSource> file,
                          std::vector<std::string>& problems) {
  auto hb = readStruct(*file, 0, 512, "VMDK sparse header");
  if (!hb) return std::unexpected(hb.error());
  if (le32(*hb, 0) != kMagic) {
    return fail(ErrorCode::kInvalidInput, where(*file, "VMDK sparse header", 0, "no KDMV magic"));
  }
  std::uint32_t version = le32(*hb, 4);
  if (version < 1 || version > 3) {
    return fail(ErrorCode::kUnsupported,
                where(*file, "VMDK sparse header", 4, fmt::format("version {} (1 to 3)", version)));
  }
  Sparse s;
  s.header = parseHeader(*hb);
  std::uint64_t header_at = 0;
  if (s.header.gd_offset == kGdAtEnd) {
    // streamOptimized: the real header is the footer, 1024 bytes before the end.
    if (file->size() < 1536) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "VMDK footer", 0, "the file is too short to hold a footer"));
    }
    header_at = file->size() - 1024;
    auto fb = readStruct(*file, header_at, 512, "VMDK footer");
    if (!fb) return std::unexpected(fb.error());
    if (le32(*fb, 0) != kMagic) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "VMDK footer", header_at,
                        "no KDMV magic: the streamOptimized file is truncated"));
    }
    s.header = parseHeader(*fb);
    s.header.flags |= le32(*hb, 8) & kFlagCompressed;
  }
  const SparseHeader& h = s.header;
  if (h.grain == 0 || h.grain > 65536 || (h.grain & (h.grain - 1)) != 0) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VMDK sparse header", header_at + 20,
                      fmt::format("grain size {} sectors (a power of two up to 65536)", h.grain)));
  }
  if (h.gtes == 0 || h.gtes > 512) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VMDK sparse header", header_at + 44,
                      fmt::format("{} entries per grain table (1 to 512)", h.gtes)));
  }
  if (h.capacity > (1ull << 54)) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VMDK sparse header", header_at + 12,
                      fmt::format("capacity of {} sectors is impossible", h.capacity)));
  }
  if ((h.flags & kFlagCompressed) && h.compress != 1) {
    return fail(ErrorCode::kUnsupported,
                where(*file, "VMDK sparse header", header_at + 77,
                      fmt::format("compression algorithm {} (1, deflate, expected)", h.compress)));
  }
  std::uint64_t per_gt = h.grain * h.gtes;
  std::uint64_t gd_entries = h.capacity / per_gt + (h.capacity % per_gt ? 1 : 0);
  if (gd_entries * 4 > kMaxTableBytes) {
    return fail(ErrorCode::kTooLarge, where(*file, "VMDK sparse header", header_at + 12,
                                            "a grain directory larger than any real disk's"));
  }
  auto gdb = readStruct(*file, h.gd_offset * 512, static_cast<std::size_t>(gd_entries) * 4,
                        "VMDK grain directory");
  if (!gdb) return std::unexpected(gdb.error());
  std::vector<std::uint32_t> gd(static_cast<std::size_t>(gd_entries));
  std::unordered_set<std::uint32_t> seen;
  for (std::size_t i = 0; i < gd.size(); ++i) {
    gd[i] = le32(*gdb, i * 4);
    if (gd[i] == 0 || !seen.insert(gd[i]).second) continue;
    // Distinct tables that do not overlap fit in the file: more means the directory lies, and
    // stopping here keeps the work bounded by the file's size.
    if (seen.size() * h.gtes * 4 > file->size()) {
      return fail(ErrorCode::kInvalidInput,
                  where(*file, "VMDK grain directory", h.gd_offset * 512 + i * 4,
                        "more grain tables than the file can hold"));
    }
    auto gt = readStruct(*file, static_cast<std::uint64_t>(gd[i]) * 512,
                         static_cast<std::size_t>(h.gtes) * 4, "VMDK grain table");
    if (!gt) return std::unexpected(gt.error());
    for (std::size_t k = 0; k < h.gtes; ++k) {
      std::uint32_t gte = le32(*gt, k * 4);
      if (gte > 1 || (gte == 1 && !(h.flags & kFlagZeroGrain))) s.allocated += h.grain * 512;
    }
  }
  s.allocated = std::min(s.allocated, h.capacity * 512);
  if (h.desc_offset != 0 && h.desc_size != 0) {
    if (h.desc_size * 512 > kMaxDescriptor) {
      problems.push_back(where(*file, "VMDK embedded descriptor", h.desc_offset * 512,
                               "larger than 1 MiB; ignored"));
    } else {
      auto d = readStruct(*file, h.desc_offset * 512, static_cast<std::size_t>(h.desc_size) * 512,
                          "VMDK embedded descriptor");
      if (!d) return std::unexpected(d.error());
      std::string_view t = text(*d, 0, d->size());
      s.descriptor = std::string(t.substr(0, t.find('\0')));
    }
  }
  s.guest = std::make_shared<SparseExtent>(file, h, std::move(gd));
  return s;
}

struct Extent {
  std::string access;
  std::uint64_t sectors = 0;
  std::string type;
  std::string file;
  std::uint64_t offset = 0;  ///< sectors (FLAT)
  int line = 0;
};

struct Descriptor {
  std::string create_type;
  std::string parent_cid;
  std::string parent_hint;
  std::vector<Extent> extents;
};

std::string unquote(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
    v.remove_suffix(1);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

Descriptor parseDescriptor(std::string_view t, std::vector<std::string>& problems,
                           const std::string& name) {
  Descriptor d;
  int lineno = 0;
  while (!t.empty()) {
    std::size_t nl = t.find('\n');
    std::string_view line = t.substr(0, nl);
    t = nl == std::string_view::npos ? std::string_view{} : t.substr(nl + 1);
    ++lineno;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    bool extent_line =
        line.starts_with("RW ") || line.starts_with("RDONLY ") || line.starts_with("NOACCESS ");
    if (std::size_t eq = line.find('='); !extent_line && eq != std::string_view::npos) {
      std::string key = unquote(line.substr(0, eq));
      std::string value = unquote(line.substr(eq + 1));
      if (key == "createType") d.create_type = value;
      if (key == "parentCID") d.parent_cid = value;
      if (key == "parentFileNameHint") d.parent_hint = value;
      continue;
    }
    // ACCESS SECTORS TYPE ["FILE" [OFFSET]]
    Extent e;
    e.line = lineno;
    std::string_view rest = line;
    auto word = [&rest]() {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      std::size_t sp = rest.find(' ');
      std::string_view w = rest.substr(0, sp);
      rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp);
      return std::string(w);
    };
    e.access = word();
    std::string sectors = word();
    e.type = word();
    if (e.access != "RW" && e.access != "RDONLY" && e.access != "NOACCESS") {
      problems.push_back(fmt::format("{}:{}: not understood: {}", name, lineno, line));
      continue;
    }
    auto number = [](const std::string& s, std::uint64_t* out) {
      if (s.empty() || s.size() > 19) return false;
      std::uint64_t v = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
      }
      *out = v;
      return true;
    };
    if (!number(sectors, &e.sectors)) {
      problems.push_back(
          fmt::format("{}:{}: extent size '{}' is not a number", name, lineno, sectors));
      continue;
    }
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '"') {
      std::size_t close = rest.find('"', 1);
      if (close == std::string_view::npos) {
        problems.push_back(fmt::format("{}:{}: unterminated file name", name, lineno));
        continue;
      }
      e.file = std::string(rest.substr(1, close - 1));
      rest = rest.substr(close + 1);
      std::string off = word();
      if (!off.empty() && !number(off, &e.offset)) {
        problems.push_back(
            fmt::format("{}:{}: extent offset '{}' is not a number", name, lineno, off));
        continue;
      }
    }
    d.extents.push_back(std::move(e));
  }
  return d;
}

void applyDescriptor(const Descriptor& d, ImageFacts& f) {
  if (!d.create_type.empty()) f.subformat = d.create_type;
  if (!d.parent_cid.empty() && d.parent_cid != "ffffffff") {
    f.backing_file = d.parent_hint.empty() ? "(parent, CID " + d.parent_cid + ")" : d.parent_hint;
  }
}

}  // namespace

Result<OpenedImage> openVmdk(std::shared_ptr<const disk::BlockSource> file,
                             const SiblingOpener& siblings) {
  OpenedImage img;
  img.facts = baseFacts(*file, "vmdk");
  ImageFacts& f = img.facts;
  auto head = readStruct(*file, 0, std::min<std::uint64_t>(file->size(), 4), "VMDK header");
  if (!head) return std::unexpected(head.error());
  if (head->size() == 4 && le32(*head, 0) == kMagic) {
    auto s = readSparse(file, f.problems);
    if (!s) return std::unexpected(s.error());
    f.subformat = "monolithicSparse";
    if (!s->descriptor.empty()) {
      Descriptor d = parseDescriptor(s->descriptor, f.problems, file->describe());
      applyDescriptor(d, f);
    }
    f.virtual_size = s->header.capacity * 512;
    f.block_size = static_cast<std::uint32_t>(s->header.grain * 512);
    f.compressed = (s->header.flags & kFlagCompressed) != 0;
    f.allocated_size = Observed<std::uint64_t>::of(s->allocated);
    if (!f.backing_file.empty()) {
      img.guest_error = "a VMDK child of '" + f.backing_file +
                        "': its content is not readable without the parent";
    } else {
      img.guest = s->guest;
    }
    return img;
  }

  // A text descriptor: the extents are other files.
  if (file->size() > kMaxDescriptor) {
    return fail(ErrorCode::kInvalidInput,
                where(*file, "VMDK descriptor", 0, "larger than 1 MiB: not a descriptor"));
  }
  auto all = readStruct(*file, 0, static_cast<std::size_t>(file->size()), "VMDK descriptor");
  if (!all) return std::unexpected(all.error());
  Descriptor d = parseDescriptor(text(*all, 0, all->size()), f.problems, file->describe());
  applyDescriptor(d, f);
  if (d.extents.empty()) {
    return fail(ErrorCode::kInvalidInput, where(*file, "VMDK descriptor", 0, "no extent lines"));
  }
  std::vector<ConcatSource::Part> parts;
  std::uint64_t total = 0;
  std::uint64_t allocated = 0;
  std::string content_error;
  for (const Extent& e : d.extents) {
    std::uint64_t bytes = 0;
    if (mulOverflows(e.sectors, 512, &bytes) || total + bytes < total) {
      return fail(ErrorCode::kInvalidInput, fmt::format("{}:{}: extent size {} sectors overflows",
                                                        file->describe(), e.line, e.sectors));
    }
    total += bytes;
    ConcatSource::Part part{bytes, nullptr};
    if (e.type == "ZERO") {
      parts.push_back(part);
      continue;
    }
    if (e.type != "FLAT" && e.type != "SPARSE" && e.type != "VMFS") {
      if (content_error.empty()) {
        content_error = fmt::format("{}:{}: {} extents are not read by this version",
                                    file->describe(), e.line, e.type);
      }
      parts.push_back(part);
      continue;
    }
    if (!siblings) {
      if (content_error.empty()) {
        content_error = fmt::format("{}:{}: extent file '{}' cannot be opened here",
                                    file->describe(), e.line, e.file);
      }
      parts.push_back(part);
      continue;
    }
    auto ext = siblings(e.file);
    if (!ext) {
      if (content_error.empty()) {
        content_error = fmt::format("{}:{}: extent '{}': {}", file->describe(), e.line, e.file,
                                    ext.error().message);
      }
      parts.push_back(part);
      continue;
    }
    if (e.type == "SPARSE") {
      auto s = readSparse(*ext, f.problems);
      if (!s) {
        if (content_error.empty()) content_error = s.error().message;
      } else {
        if (s->header.capacity < e.sectors) {
          f.problems.push_back(
              fmt::format("{}:{}: extent '{}' holds {} sectors, the descriptor "
                          "says {}",
                          file->describe(), e.line, e.file, s->header.capacity, e.sectors));
        }
        f.block_size = static_cast<std::uint32_t>(s->header.grain * 512);
        allocated += std::min(s->allocated, bytes);
        part.source = s->guest;
      }
    } else {
      std::uint64_t start = 0;
      if (mulOverflows(e.offset, 512, &start) || start > (*ext)->size() ||
          bytes > (*ext)->size() - start) {
        if (content_error.empty()) {
          content_error = fmt::format(
              "{}:{}: flat extent '{}' is shorter than the {} bytes the "
              "descriptor gives it",
              file->describe(), e.line, e.file, bytes);
        }
      } else {
        allocated += bytes;
        part.source = std::make_shared<OwnedSlice>(*ext, start, bytes, (*ext)->describe());
      }
    }
    parts.push_back(part);
  }
  f.virtual_size = total;
  if (content_error.empty()) {
    f.allocated_size = Observed<std::uint64_t>::of(allocated);
  } else {
    f.allocated_size = Observed<std::uint64_t>::failed(content_error);
  }
  if (!f.backing_file.empty()) {
    img.guest_error =
        "a VMDK child of '" + f.backing_file + "': its content is not readable without the parent";
  } else if (!content_error.empty()) {
    img.guest_error = content_error;
  } else {
    img.guest =
        std::make_shared<ConcatSource>(std::move(parts), total, file->describe() + " (guest view)");
  }
  return img;
}

}  // namespace guestprep::image
