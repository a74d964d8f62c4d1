// LVM2 on-disk format (LVM2's lib/format_text/layout.h): label_header in one of the first four
// sectors, pv_header with its data and metadata area lists, mda_header with the raw_locn of the
// current metadata text (a circular buffer after the 512-byte header), and the text itself.
#include "disk/lvm.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include "disk/bytes.h"

namespace guestprep::disk {

namespace {

constexpr std::size_t kSector = 512;
constexpr std::uint64_t kMaxMetadataText = 4u << 20;
constexpr int kMaxDepth = 32;
constexpr char kMdaMagic[] = " LVM2 x[5A%r0N*>";

Error invalid(const BlockSource& src, const std::string& what) {
  return Error{ErrorCode::kInvalidInput, src.describe() + ": LVM2 " + what};
}

Result<std::vector<std::uint8_t>> readBytes(const BlockSource& src, std::uint64_t offset,
                                            std::uint64_t length, const char* what) {
  if (offset > src.size() || length > src.size() - offset) {
    return std::unexpected(invalid(
        src, fmt::format("{} at offset {} ({} bytes) lies past the end of the PV ({} bytes)", what,
                         offset, length, src.size())));
  }
  std::vector<std::uint8_t> b(length);
  if (auto r = src.readAt(offset, b); !r) return std::unexpected(r.error());
  return b;
}

// --- the text format ---------------------------------------------------------------------------

class ConfigParser {
 public:
  explicit ConfigParser(std::string_view text) : text_(text) {}

  Result<LvmConfigNode> parse() {
    LvmConfigNode root;
    if (auto r = body(root, 0, false); !r) return std::unexpected(r.error());
    return root;
  }

 private:
  Error fail(const std::string& what) const {
    return Error{ErrorCode::kInvalidInput,
                 fmt::format("LVM2 metadata text line {}: {}", line_, what)};
  }

  void skipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  static bool wordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '+';
  }

  std::string word() {
    std::size_t start = pos_;
    while (pos_ < text_.size() && wordChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<std::string> quoted() {
    ++pos_;  // the opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) c = text_[pos_++];
      if (c == '\n') ++line_;
      out.push_back(c);
    }
    if (pos_ >= text_.size()) return std::unexpected(fail("unterminated string"));
    ++pos_;
    return out;
  }

  Result<std::string> scalar() {
    if (pos_ < text_.size() && text_[pos_] == '"') return quoted();
    std::string w = word();
    if (w.empty()) return std::unexpected(fail("a value was expected"));
    return w;
  }

  Result<std::vector<std::string>> value() {
    skipSpace();
    if (pos_ >= text_.size()) return std::unexpected(fail("a value was expected"));
    if (text_[pos_] != '[') {
      auto s = scalar();
      if (!s) return std::unexpected(s.error());
      return std::vector<std::string>{std::move(*s)};
    }
    ++pos_;
    std::vector<std::string> items;
    while (true) {
      skipSpace();
      if (pos_ >= text_.size()) return std::unexpected(fail("unterminated list"));
      if (text_[pos_] == ']') {
        ++pos_;
        return items;
      }
      if (!items.empty()) {
        if (text_[pos_] != ',') return std::unexpected(fail("',' or ']' expected in a list"));
        ++pos_;
        skipSpace();
      }
      auto s = scalar();
      if (!s) return std::unexpected(s.error());
      items.push_back(std::move(*s));
    }
  }

  Result<void> body(LvmConfigNode& node, int depth, bool braced) {
    while (true) {
      skipSpace();
      if (pos_ >= text_.size()) {
        if (braced) return std::unexpected(fail("a section is not closed ('}' missing)"));
        return {};
      }
      if (text_[pos_] == '}') {
        if (!braced) return std::unexpected(fail("'}' without a section"));
        ++pos_;
        return {};
      }
      std::string key = word();
      if (key.empty()) {
        return std::unexpected(fail(fmt::format("unexpected character '{}'", text_[pos_])));
      }
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == '=') {
        ++pos_;
        auto v = value();
        if (!v) return std::unexpected(v.error());
        node.values.emplace_back(std::move(key), std::move(*v));
      } else if (pos_ < text_.size() && text_[pos_] == '{') {
        if (depth + 1 > kMaxDepth) return std::unexpected(fail("sections nested too deeply"));
        ++pos_;
        LvmConfigNode child;
        child.name = std::move(key);
        if (auto r = body(child, depth + 1, true); !r) return r;
        node.sections.push_back(std::move(child));
      } else {
        return std::unexpected(fail("'=' or '{' expected after '" + key + "'"));
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

// --- from metadata to extent runs --------------------------------------------------------------

std::optional<std::uint64_t> number(const std::string* s) {
  if (!s) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || end != s->data() + s->size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> product(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::string withoutDashes(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '-') out.push_back(c);
  }
  return out;
}

// Fills lv.runs (or lv.unreadable) from the LV's segment sections.
void mapSegments(const LvmConfigNode& lvn, const std::string& this_pv, std::uint64_t extent_bytes,
                 std::uint64_t pe_start_bytes, LvmVolume& lv) {
  struct Segment {
    std::uint64_t start, count;
    const LvmConfigNode* node;
  };
  std::vector<Segment> segs;
  for (const LvmConfigNode& s : lvn.sections) {
    if (!s.name.starts_with("segment")) continue;
    auto start = number(s.value("start_extent"));
    auto count = number(s.value("extent_count"));
    if (!start || !count) {
      lv.unreadable = s.name + " has no valid start_extent/extent_count";
      return;
    }
    segs.push_back({*start, *count, &s});
  }
  std::sort(segs.begin(), segs.end(),
            [](const Segment& a, const Segment& b) { return a.start < b.start; });
  std::uint64_t next_extent = 0;
  for (const Segment& s : segs) {
    const std::string* type = s.node->value("type");
    auto bytes = product(s.count, extent_bytes);
    auto lv_off = product(s.start, extent_bytes);
    if (!bytes || !lv_off) {
      lv.unreadable = s.node->name + ": extent numbers overflow";
      return;
    }
    if (__builtin_add_overflow(lv.size, *bytes, &lv.size)) {
      lv.unreadable = s.node->name + ": the volume's size overflows";
      return;
    }
    if (!lv.unreadable.empty()) continue;  // keep summing the size
    if (s.start != next_extent) {
      lv.unreadable = "its segments leave a gap at extent " + std::to_string(next_extent);
      continue;
    }
    if (__builtin_add_overflow(s.start, s.count, &next_extent)) {
      lv.unreadable = s.node->name + ": extent numbers overflow";
      continue;
    }
    if (!type || *type != "striped") {
      lv.unreadable = s.node->name + " is of type " + (type ? *type : std::string("?"));
      continue;
    }
    const std::vector<std::string>* stripes = s.node->list("stripes");
    auto stripe_count = number(s.node->value("stripe_count"));
    if (!stripes || stripes->size() != 2 || stripe_count.value_or(0) != 1) {
      lv.unreadable = s.node->name + " is striped over several PVs";
      continue;
    }
    if ((*stripes)[0] != this_pv) {
      lv.unreadable = s.node->name + " lies on another PV (" + (*stripes)[0] + ")";
      continue;
    }
    auto pv_extent = number(&(*stripes)[1]);
    auto pv_rel = pv_extent ? product(*pv_extent, extent_bytes) : std::nullopt;
    if (!pv_rel || *pv_rel > UINT64_MAX - pe_start_bytes) {
      lv.unreadable = s.node->name + ": bad stripe start";
      continue;
    }
    lv.runs.push_back({*lv_off, pe_start_bytes + *pv_rel, *bytes});
  }
  if (segs.empty()) lv.unreadable = "no segments";
}

}  // namespace

const LvmConfigNode* LvmConfigNode::section(std::string_view key) const {
  for (const auto& s : sections) {
    if (s.name == key) return &s;
  }
  return nullptr;
}

const std::string* LvmConfigNode::value(std::string_view key) const {
  for (const auto& [k, v] : values) {
    if (k == key) return v.empty() ? nullptr : &v.front();
  }
  return nullptr;
}

const std::vector<std::string>* LvmConfigNode::list(std::string_view key) const {
  for (const auto& [k, v] : values) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<LvmConfigNode> parseLvmConfig(std::string_view text) { return ConfigParser(text).parse(); }

Result<std::vector<LvmVolume>> readLvmVolumes(const BlockSource& pv) {
  auto head = readBytes(pv, 0, 4 * kSector, "label area");
  if (!head) return std::unexpected(head.error());
  std::span<const std::uint8_t> b = *head;
  std::size_t label = SIZE_MAX;
  for (std::size_t s = 0; s < 4; ++s) {
    if (std::memcmp(b.data() + s * kSector, "LABELONE", 8) == 0 &&
        std::memcmp(b.data() + s * kSector + 24, "LVM2 001", 8) == 0) {
      label = s * kSector;
      break;
    }
  }
  if (label == SIZE_MAX) return std::unexpected(invalid(pv, "label not found in sectors 0-3"));
  std::uint32_t pvh = le32(b, label + 20);
  if (pvh < 32 || pvh + 40 > kSector) {
    return std::unexpected(invalid(
        pv,
        fmt::format("label at offset {}: PV header offset {} is outside the sector", label, pvh)));
  }
  std::size_t at = label + pvh;
  std::string pv_uuid(reinterpret_cast<const char*>(b.data() + at), 32);
  // Two zero-terminated lists of (offset, size): data areas, then metadata areas.
  std::size_t pos = at + 40;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> lists[2];
  for (auto& list : lists) {
    while (true) {
      if (pos + 16 > label + kSector) {
        return std::unexpected(
            invalid(pv, fmt::format("PV header at offset {}: area list runs past its sector", at)));
      }
      std::uint64_t off = le64(b, pos), size = le64(b, pos + 8);
      pos += 16;
      if (off == 0 && size == 0) break;
      list.emplace_back(off, size);
    }
  }
  if (lists[1].empty()) {
    return std::unexpected(
        invalid(pv,
                "this PV holds no metadata area (metadata kept on another PV of the group is not "
                "read)"));
  }
  const auto [mda_start, mda_size_hdr] = lists[1].front();
  auto mh = readBytes(pv, mda_start, kSector, "metadata area header");
  if (!mh) return std::unexpected(mh.error());
  std::span<const std::uint8_t> m = *mh;
  if (std::memcmp(m.data() + 4, kMdaMagic, 16) != 0) {
    return std::unexpected(
        invalid(pv, fmt::format("metadata area header at offset {}: bad magic", mda_start)));
  }
  std::uint64_t mda_size = le64(m, 32);
  std::uint64_t text_off = le64(m, 40), text_size = le64(m, 48);
  if (mda_size <= kSector || mda_size > pv.size() || text_off == 0 || text_size == 0 ||
      text_size > kMaxMetadataText || text_size > mda_size - kSector || text_off < kSector ||
      text_off >= mda_size) {
    return std::unexpected(invalid(
        pv, fmt::format("metadata area header at offset {}: area size {}, text at {} ({} bytes) "
                        "are not possible",
                        mda_start, mda_size, text_off, text_size)));
  }
  // The text may wrap around the end of the area to just after its header.
  std::uint64_t first = std::min(text_size, mda_size - text_off);
  auto t1 = readBytes(pv, mda_start + text_off, first, "metadata text");
  if (!t1) return std::unexpected(t1.error());
  std::string text(t1->begin(), t1->end());
  if (first < text_size) {
    auto t2 = readBytes(pv, mda_start + kSector, text_size - first, "metadata text (wrapped)");
    if (!t2) return std::unexpected(t2.error());
    text.append(t2->begin(), t2->end());
  }
  if (auto nul = text.find('\0'); nul != std::string::npos) text.resize(nul);
  auto cfg = parseLvmConfig(text);
  if (!cfg) {
    return std::unexpected(
        Error{ErrorCode::kInvalidInput,
              pv.describe() + ": " + cfg.error().message +
                  fmt::format(" (metadata at offset {})", mda_start + text_off)});
  }
  const LvmConfigNode* vg = nullptr;
  for (const auto& s : cfg->sections) {
    if (s.section("physical_volumes")) vg = &s;
  }
  if (!vg) return std::unexpected(invalid(pv, "metadata names no volume group"));
  auto extent_sectors = number(vg->value("extent_size"));
  auto extent_bytes = extent_sectors ? product(*extent_sectors, kSector) : std::nullopt;
  if (!extent_bytes || *extent_bytes == 0) {
    return std::unexpected(invalid(pv, "volume group " + vg->name + ": bad extent_size"));
  }
  std::string this_pv;
  std::uint64_t pe_start_bytes = 0;
  for (const auto& p : vg->section("physical_volumes")->sections) {
    const std::string* id = p.value("id");
    if (id && withoutDashes(*id) == pv_uuid) {
      this_pv = p.name;
      auto pe = number(p.value("pe_start"));
      auto bytes = pe ? product(*pe, kSector) : std::nullopt;
      if (!bytes) return std::unexpected(invalid(pv, p.name + ": bad pe_start"));
      pe_start_bytes = *bytes;
    }
  }
  if (this_pv.empty()) {
    return std::unexpected(
        invalid(pv, "volume group " + vg->name + " does not list this PV (" + pv_uuid + ")"));
  }
  std::vector<LvmVolume> out;
  if (const LvmConfigNode* lvs = vg->section("logical_volumes")) {
    for (const auto& lvn : lvs->sections) {
      // Hidden volumes (thin pool metadata, RAID images) are parts of visible ones.
      const auto* status = lvn.list("status");
      if (!status || std::find(status->begin(), status->end(), "VISIBLE") == status->end()) {
        continue;
      }
      LvmVolume lv;
      lv.vg = vg->name;
      lv.name = lvn.name;
      mapSegments(lvn, this_pv, *extent_bytes, pe_start_bytes, lv);
      if (lv.unreadable.empty()) {
        for (const auto& r : lv.runs) {
          if (r.pv_offset > pv.size() || r.length > pv.size() - r.pv_offset) {
            lv.unreadable =
                fmt::format("its extents at PV offset {} lie past the end of the PV", r.pv_offset);
            break;
          }
        }
      }
      if (!lv.unreadable.empty()) lv.runs.clear();
      out.push_back(std::move(lv));
    }
  }
  return out;
}

Result<void> LvmVolumeSource::readAt(std::uint64_t offset, std::span<std::uint8_t> buf) const {
  if (!lv_.unreadable.empty()) {
    return std::unexpected(Error{ErrorCode::kUnsupported, name_ + ": " + lv_.unreadable});
  }
  if (offset > lv_.size || buf.size() > lv_.size - offset) {
    return std::unexpected(
        Error{ErrorCode::kInvalidInput,
              fmt::format("{}: read of {} bytes at offset {} past the end ({} bytes)", name_,
                          buf.size(), offset, lv_.size)});
  }
  std::size_t done = 0;
  for (const LvmExtentRun& r : lv_.runs) {
    if (done == buf.size()) break;
    std::uint64_t want = offset + done;
    if (want < r.lv_offset || want >= r.lv_offset + r.length) continue;
    std::uint64_t in_run = want - r.lv_offset;
    std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() - done, r.length - in_run));
    if (auto res = pv_.readAt(r.pv_offset + in_run, buf.subspan(done, n)); !res) return res;
    done += n;
  }
  if (done != buf.size()) {
    return std::unexpected(
        Error{ErrorCode::kInvalidInput,
              fmt::format("{}: no extent maps offset {}", name_, offset + done)});
  }
  return {};
}

}  // namespace guestprep::disk
