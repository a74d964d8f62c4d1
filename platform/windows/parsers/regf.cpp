// Reader of Windows registry hive files (regf). Every offset and length taken from the file is
// checked against the hive before use; lists are bounded by their cell's size and the key's
// counts, so a damaged hive ends in an error naming the hive and the cell, never a crash or a
// loop.
#include "parsers/regf.h"

#include <algorithm>
#include <set>
#include <utility>

#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

constexpr std::size_t kBaseBlockSize = 0x1000;
constexpr std::size_t kChecksumOffset = 0x1FC;
constexpr std::uint32_t kNoCell = 0xFFFFFFFF;
constexpr std::uint16_t kKeyCompName = 0x0020;
constexpr std::uint16_t kValueCompName = 0x0001;
constexpr std::uint32_t kDataInline = 0x80000000;
constexpr std::size_t kBigDataSegment = 16344;
constexpr std::size_t kNkNameOffset = 0x4C;
constexpr std::size_t kVkNameOffset = 0x14;

std::uint16_t le16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    (static_cast<unsigned char>(s[at + 1]) << 8));
}

std::uint32_t le32(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(le16(s, at)) |
         (static_cast<std::uint32_t>(le16(s, at + 2)) << 16);
}

std::string hex(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[v & 0xF]);
    v >>= 4;
  } while (v != 0);
  return "0x" + out;
}

// Latin-1 bytes (compressed names) as UTF-16 code units.
std::u16string latin1Units(std::string_view bytes) {
  std::u16string out;
  out.reserve(bytes.size());
  for (char c : bytes) out.push_back(static_cast<char16_t>(static_cast<unsigned char>(c)));
  return out;
}

// UTF-16LE bytes as code units; an odd last byte is ignored. Unpaired surrogates become U+FFFD,
// as utf16ToUtf8 makes them, so a name given back in UTF-8 finds its key or value again.
std::u16string utf16leUnits(std::string_view bytes) {
  std::u16string out;
  out.reserve(bytes.size() / 2);
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) out.push_back(le16(bytes, i));
  for (std::size_t i = 0; i < out.size(); ++i) {
    bool high = out[i] >= 0xD800 && out[i] <= 0xDBFF;
    if (high && i + 1 < out.size() && out[i + 1] >= 0xDC00 && out[i + 1] <= 0xDFFF) {
      ++i;
    } else if (high || (out[i] >= 0xDC00 && out[i] <= 0xDFFF)) {
      out[i] = 0xFFFD;
    }
  }
  return out;
}

// Upper case as Windows compares key and value names, for the letters of Latin-1, Latin
// Extended-A, Greek and Cyrillic (the registry's own table covers more; these are the ones
// found in real key names).
char16_t foldUnit(char16_t c) {
  if (c >= u'a' && c <= u'z') return static_cast<char16_t>(c - 0x20);
  if (c < 0x80) return c;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return static_cast<char16_t>(c - 0x20);
  if (c == 0xFF) return 0x178;
  // Latin Extended-A: upper/lower pairs, upper case at the even code point of 0x100-0x137 and
  // 0x14A-0x177, at the odd one of 0x139-0x148 and 0x179-0x17E.
  if (c >= 0x100 && c <= 0x137) return static_cast<char16_t>(c & ~1u);
  if (c >= 0x139 && c <= 0x148) return (c & 1u) != 0 ? c : static_cast<char16_t>(c - 1);
  if (c >= 0x14A && c <= 0x177) return static_cast<char16_t>(c & ~1u);
  if (c >= 0x179 && c <= 0x17E) return (c & 1u) != 0 ? c : static_cast<char16_t>(c - 1);
  // Greek (final sigma to sigma) and Cyrillic.
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return static_cast<char16_t>(c - 0x20);
  if (c == 0x3C2) return 0x3A3;
  if (c >= 0x430 && c <= 0x44F) return static_cast<char16_t>(c - 0x20);
  if (c >= 0x450 && c <= 0x45F) return static_cast<char16_t>(c - 0x50);
  return c;
}

bool equalsFolded(const std::u16string& a, const std::u16string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char16_t x, char16_t y) { return foldUnit(x) == foldUnit(y); });
}

// The hive's bytes with checked accessors; errors name the origin and the cell.
class View {
 public:
  View(const std::string& bytes, const std::string& origin) : bytes_(bytes), origin_(origin) {
    minor_ = le32(bytes_, 0x18);
    end_ = kBaseBlockSize + le32(bytes_, 0x28);
  }

  [[nodiscard]] std::unexpected<Error> error(std::uint32_t cell, const std::string& what) const {
    return fail(ErrorCode::kInvalidInput,
                "registry hive " + origin_ + ": " + what + " (cell at " + hex(cell) + ")");
  }

  // The data of the cell at `cell` (after its size field), which must lie inside the hive bins.
  [[nodiscard]] Result<std::string_view> cell(std::uint32_t cell) const {
    if (cell == kNoCell) return error(cell, "missing cell (offset -1)");
    std::uint64_t at = kBaseBlockSize + static_cast<std::uint64_t>(cell);
    if (at + 4 > end_) return error(cell, "cell offset outside the hive bins");
    auto raw = static_cast<std::int32_t>(le32(bytes_, at));
    std::uint64_t size = raw < 0 ? static_cast<std::uint64_t>(-static_cast<std::int64_t>(raw))
                                 : static_cast<std::uint64_t>(raw);
    if (size < 8) return error(cell, "cell size " + std::to_string(size) + " too small");
    if (at + size > end_) return error(cell, "cell extends past the end of the hive bins");
    return std::string_view(bytes_).substr(at + 4, size - 4);
  }

  // The cell's data, which must begin with a two-letter signature and hold `min_size` bytes.
  [[nodiscard]] Result<std::string_view> typed(std::uint32_t off, std::string_view sig,
                                               std::size_t min_size) const {
    Result<std::string_view> c = cell(off);
    if (!c) return c;
    if (c->size() < 2 || c->substr(0, 2) != sig) {
      return error(off, "expected a " + std::string(sig) + " cell, found \"" +
                            printable(c->substr(0, 2)) + "\"");
    }
    if (c->size() < min_size) return error(off, std::string(sig) + " cell too small");
    return c;
  }

  [[nodiscard]] std::uint32_t minor() const { return minor_; }
  [[nodiscard]] std::uint64_t binsSize() const { return end_ - kBaseBlockSize; }

 private:
  static std::string printable(std::string_view s) {
    std::string out;
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7F) {
        out += c;
      } else {
        static constexpr char kDigits[] = "0123456789abcdef";
        out += "\\x";
        out += kDigits[u >> 4];
        out += kDigits[u & 0xF];
      }
    }
    return out;
  }

  const std::string& bytes_;
  const std::string& origin_;
  std::uint32_t minor_ = 0;
  std::uint64_t end_ = 0;
};

// An nk cell's fields.
struct Nk {
  std::uint32_t subkey_count = 0;
  std::uint32_t subkey_list = kNoCell;
  std::uint32_t value_count = 0;
  std::uint32_t value_list = kNoCell;
  std::u16string name;
};

Result<Nk> readNk(const View& v, std::uint32_t off) {
  Result<std::string_view> c = v.typed(off, "nk", kNkNameOffset);
  if (!c) return std::unexpected(c.error());
  Nk nk;
  std::uint16_t flags = le16(*c, 0x02);
  nk.subkey_count = le32(*c, 0x14);
  nk.subkey_list = le32(*c, 0x1C);
  nk.value_count = le32(*c, 0x24);
  nk.value_list = le32(*c, 0x28);
  std::size_t len = le16(*c, 0x48);
  if (kNkNameOffset + len > c->size()) return v.error(off, "key name longer than its nk cell");
  std::string_view raw = c->substr(kNkNameOffset, len);
  nk.name = (flags & kKeyCompName) != 0 ? latin1Units(raw) : utf16leUnits(raw);
  return nk;
}

// A vk cell's fields (the data is read on demand).
struct Vk {
  std::u16string name;
  std::uint32_t data_size = 0;
  std::uint32_t data_offset = 0;
  std::uint32_t type = 0;
};

Result<Vk> readVk(const View& v, std::uint32_t off) {
  Result<std::string_view> c = v.typed(off, "vk", kVkNameOffset);
  if (!c) return std::unexpected(c.error());
  Vk vk;
  std::size_t len = le16(*c, 0x02);
  vk.data_size = le32(*c, 0x04);
  vk.data_offset = le32(*c, 0x08);
  vk.type = le32(*c, 0x0C);
  std::uint16_t flags = le16(*c, 0x10);
  if (kVkNameOffset + len > c->size()) return v.error(off, "value name longer than its vk cell");
  std::string_view raw = c->substr(kVkNameOffset, len);
  vk.name = (flags & kValueCompName) != 0 ? latin1Units(raw) : utf16leUnits(raw);
  return vk;
}

// The nk offsets of a key's subkeys, through its lf/lh/li list or a ri list of those. The
// number of entries may not exceed the key's count, and a ri may not name a list twice or hold
// another ri, so the work is bounded by the hive's size.
Result<std::vector<std::uint32_t>> subkeyCells(const View& v, std::uint32_t key) {
  Result<Nk> nk = readNk(v, key);
  if (!nk) return std::unexpected(nk.error());
  std::vector<std::uint32_t> out;
  if (nk->subkey_count == 0) return out;
  // Each subkey takes an nk cell of 80 bytes at least: a larger count is damage.
  if (nk->subkey_count > v.binsSize() / 80) {
    return v.error(
        key, "subkey count " + std::to_string(nk->subkey_count) + " larger than the hive can hold");
  }
  auto leaf = [&](std::uint32_t list, std::string_view c) -> Result<void> {
    std::string_view sig = c.substr(0, 2);
    std::size_t count = le16(c, 2);
    std::size_t step = sig == "li" ? 4 : 8;
    if (4 + count * step > c.size()) {
      return v.error(list, "subkey list of " + std::to_string(count) + " entries too small");
    }
    if (out.size() + count > nk->subkey_count) {
      return v.error(list, "subkey lists hold more than the key's count of " +
                               std::to_string(nk->subkey_count));
    }
    for (std::size_t i = 0; i < count; ++i) out.push_back(le32(c, 4 + i * step));
    return {};
  };
  Result<std::string_view> top = v.cell(nk->subkey_list);
  if (!top) return std::unexpected(top.error());
  if (top->size() < 4) return v.error(nk->subkey_list, "subkey list too small");
  std::string_view sig = top->substr(0, 2);
  if (sig == "lf" || sig == "lh" || sig == "li") {
    if (Result<void> r = leaf(nk->subkey_list, *top); !r) return std::unexpected(r.error());
  } else if (sig == "ri") {
    std::size_t count = le16(*top, 2);
    if (4 + count * 4 > top->size()) {
      return v.error(nk->subkey_list, "ri list of " + std::to_string(count) + " entries too small");
    }
    std::set<std::uint32_t> seen;
    for (std::size_t i = 0; i < count; ++i) {
      std::uint32_t list = le32(*top, 4 + i * 4);
      if (!seen.insert(list).second) return v.error(list, "subkey list named twice in a ri list");
      Result<std::string_view> c = v.cell(list);
      if (!c) return std::unexpected(c.error());
      std::string_view s = c->size() >= 4 ? c->substr(0, 2) : std::string_view();
      if (s != "lf" && s != "lh" && s != "li") {
        return v.error(list, "a ri list entry is not a lf, lh or li list");
      }
      if (Result<void> r = leaf(list, *c); !r) return std::unexpected(r.error());
    }
  } else {
    return v.error(nk->subkey_list, "subkey list is not a lf, lh, li or ri list");
  }
  if (out.size() != nk->subkey_count) {
    return v.error(key, "subkey lists hold " + std::to_string(out.size()) + " keys, the key " +
                            std::to_string(nk->subkey_count));
  }
  return out;
}

// The vk offsets of a key's values.
Result<std::vector<std::uint32_t>> valueCells(const View& v, std::uint32_t key) {
  Result<Nk> nk = readNk(v, key);
  if (!nk) return std::unexpected(nk.error());
  std::vector<std::uint32_t> out;
  if (nk->value_count == 0) return out;
  Result<std::string_view> c = v.cell(nk->value_list);
  if (!c) return std::unexpected(c.error());
  if (static_cast<std::uint64_t>(nk->value_count) * 4 > c->size()) {
    return v.error(nk->value_list, "value list too small for the key's " +
                                       std::to_string(nk->value_count) + " values");
  }
  out.reserve(nk->value_count);
  for (std::size_t i = 0; i < nk->value_count; ++i) out.push_back(le32(*c, i * 4));
  return out;
}

// A value's data: inline, in one cell, or in a big-data (db) list of segments.
Result<std::string> valueData(const View& v, std::uint32_t vk_cell, const Vk& vk) {
  if ((vk.data_size & kDataInline) != 0) {
    std::uint32_t size = vk.data_size & ~kDataInline;
    if (size > 4)
      return v.error(vk_cell, "inline value data of " + std::to_string(size) + " bytes");
    std::string out;
    for (std::uint32_t i = 0; i < size; ++i) {
      out += static_cast<char>((vk.data_offset >> (8 * i)) & 0xFF);
    }
    return out;
  }
  if (vk.data_size == 0) return std::string();
  Result<std::string_view> c = v.cell(vk.data_offset);
  if (!c) return std::unexpected(c.error());
  // From version 1.4, data larger than a segment is a db cell; writers that do not use db
  // (hivex) put it in one large cell, told apart by the size of the cell.
  bool big = vk.data_size > kBigDataSegment && v.minor() >= 4 && c->size() >= 8 &&
             c->substr(0, 2) == "db" && c->size() < vk.data_size;
  if (!big) {
    if (c->size() < vk.data_size) {
      return v.error(vk.data_offset, "value data of " + std::to_string(vk.data_size) +
                                         " bytes larger than its cell");
    }
    return std::string(c->substr(0, vk.data_size));
  }
  std::size_t segments = le16(*c, 2);
  std::uint32_t list_off = le32(*c, 4);
  std::size_t needed = (vk.data_size + kBigDataSegment - 1) / kBigDataSegment;
  if (segments < needed) {
    return v.error(vk.data_offset, "big data of " + std::to_string(vk.data_size) + " bytes in " +
                                       std::to_string(segments) + " segments");
  }
  Result<std::string_view> list = v.cell(list_off);
  if (!list) return std::unexpected(list.error());
  if (needed * 4 > list->size()) return v.error(list_off, "big data segment list too small");
  std::string out;
  out.reserve(vk.data_size);
  for (std::size_t i = 0; i < needed; ++i) {
    std::uint32_t seg_off = le32(*list, i * 4);
    Result<std::string_view> seg = v.cell(seg_off);
    if (!seg) return std::unexpected(seg.error());
    std::size_t want = std::min<std::size_t>(kBigDataSegment, vk.data_size - out.size());
    if (seg->size() < want) return v.error(seg_off, "big data segment too small");
    out.append(seg->substr(0, want));
  }
  return out;
}

}  // namespace

Result<RegfHive> RegfHive::parse(std::string bytes, std::string origin) {
  auto bad = [&](const std::string& what) {
    return fail(ErrorCode::kInvalidInput, "registry hive " + origin + ": " + what);
  };
  if (bytes.size() < kBaseBlockSize) {
    return bad("truncated: " + std::to_string(bytes.size()) + " bytes, less than the base block");
  }
  if (bytes.compare(0, 4, "regf") != 0) return bad("no \"regf\" signature");
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kChecksumOffset; i += 4) sum ^= le32(bytes, i);
  if (sum == 0xFFFFFFFF) sum = 0xFFFFFFFE;
  if (sum == 0) sum = 1;
  if (sum != le32(bytes, kChecksumOffset)) {
    return bad("base block checksum " + hex(le32(bytes, kChecksumOffset)) + " is not " + hex(sum));
  }
  std::uint32_t major = le32(bytes, 0x14);
  if (major != 1) return bad("unsupported format version " + std::to_string(major));
  std::uint64_t bins = le32(bytes, 0x28);
  if (bins == 0 || bins % 0x1000 != 0) {
    return bad("hive bins size " + hex(bins) + " is not a multiple of 4096");
  }
  if (kBaseBlockSize + bins > bytes.size()) {
    return bad("truncated: the hive bins need " + std::to_string(kBaseBlockSize + bins) +
               " bytes, the file has " + std::to_string(bytes.size()));
  }
  if (bytes.compare(kBaseBlockSize, 4, "hbin") != 0) return bad("no \"hbin\" at offset 0x1000");

  RegfHive hive;
  hive.dirty_ = le32(bytes, 0x04) != le32(bytes, 0x08);
  std::u16string name = utf16leUnits(std::string_view(bytes).substr(0x30, 64));
  if (auto nul = name.find(u'\0'); nul != std::u16string::npos) name.resize(nul);
  hive.embedded_name_ = utf16ToUtf8(name);
  hive.root_.cell = le32(bytes, 0x24);
  hive.bytes_ = std::move(bytes);
  hive.origin_ = std::move(origin);
  View v(hive.bytes_, hive.origin_);
  if (Result<Nk> root = readNk(v, hive.root_.cell); !root) {
    return std::unexpected(Error{root.error().code, root.error().message + " (the root key)"});
  }
  return hive;
}

Result<std::optional<RegfHive::Key>> RegfHive::find(Key from, std::string_view path) const {
  View v(bytes_, origin_);
  if (Result<Nk> nk = readNk(v, from.cell); !nk) return std::unexpected(nk.error());
  Key at = from;
  while (!path.empty()) {
    std::size_t sep = path.find('\\');
    std::string_view part = path.substr(0, sep);
    path = sep == std::string_view::npos ? std::string_view() : path.substr(sep + 1);
    if (part.empty()) continue;
    std::u16string want = utf8ToUtf16(part);
    Result<std::vector<std::uint32_t>> subs = subkeyCells(v, at.cell);
    if (!subs) return std::unexpected(subs.error());
    std::optional<Key> next;
    for (std::uint32_t s : *subs) {
      Result<Nk> nk = readNk(v, s);
      if (!nk) return std::unexpected(nk.error());
      if (equalsFolded(nk->name, want)) {
        next = Key{s};
        break;
      }
    }
    if (!next) return std::optional<Key>();
    at = *next;
  }
  return std::optional<Key>(at);
}

Result<std::string> RegfHive::name(Key key) const {
  View v(bytes_, origin_);
  Result<Nk> nk = readNk(v, key.cell);
  if (!nk) return std::unexpected(nk.error());
  return utf16ToUtf8(nk->name);
}

Result<std::vector<std::string>> RegfHive::subkeyNames(Key key) const {
  View v(bytes_, origin_);
  Result<std::vector<std::uint32_t>> subs = subkeyCells(v, key.cell);
  if (!subs) return std::unexpected(subs.error());
  std::vector<std::string> out;
  out.reserve(subs->size());
  for (std::uint32_t s : *subs) {
    Result<Nk> nk = readNk(v, s);
    if (!nk) return std::unexpected(nk.error());
    out.push_back(utf16ToUtf8(nk->name));
  }
  return out;
}

Result<std::vector<std::string>> RegfHive::valueNames(Key key) const {
  View v(bytes_, origin_);
  Result<std::vector<std::uint32_t>> cells = valueCells(v, key.cell);
  if (!cells) return std::unexpected(cells.error());
  std::vector<std::string> out;
  out.reserve(cells->size());
  for (std::uint32_t c : *cells) {
    Result<Vk> vk = readVk(v, c);
    if (!vk) return std::unexpected(vk.error());
    out.push_back(utf16ToUtf8(vk->name));
  }
  return out;
}

Result<RegistryData> RegfHive::value(Key key, std::string_view name) const {
  View v(bytes_, origin_);
  Result<std::vector<std::uint32_t>> cells = valueCells(v, key.cell);
  if (!cells) return std::unexpected(cells.error());
  std::u16string want = utf8ToUtf16(name);
  for (std::uint32_t c : *cells) {
    Result<Vk> vk = readVk(v, c);
    if (!vk) return std::unexpected(vk.error());
    if (!equalsFolded(vk->name, want)) continue;
    Result<std::string> data = valueData(v, c, *vk);
    if (!data) return std::unexpected(data.error());
    return RegistryData{true, vk->type, std::move(*data)};
  }
  return RegistryData{};
}

}  // namespace guestprep::os_windows
