// The test hive writer: cells are placed one after the other in 4 KiB hive bins (a cell that
// does not fit starts a new bin; one larger than a bin gets a bin of its own size), and the rest
// of each bin is one free cell, so the bins are tiled as Windows leaves them.
#include "support/regf_writer.h"

#include <algorithm>
#include <utility>

#include "parsers/win_text.h"

namespace guestprep::test {

namespace {

constexpr std::uint32_t kNoCell = 0xFFFFFFFF;
constexpr std::size_t kBin = 0x1000;
constexpr std::size_t kBinHeader = 0x20;
constexpr std::size_t kSegment = 16344;

char16_t upper(char16_t c) {
  if (c >= u'a' && c <= u'z') return static_cast<char16_t>(c - 0x20);
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return static_cast<char16_t>(c - 0x20);
  return c;
}

std::u16string upperUnits(const std::u16string& s) {
  std::u16string out = s;
  for (char16_t& c : out) c = upper(c);
  return out;
}

// A name as stored: Latin-1 bytes (compressed) when it fits and UTF-16 is not asked for.
std::pair<std::string, bool> encodeName(const std::string& utf8, bool utf16) {
  std::u16string units = os_windows::utf8ToUtf16(utf8);
  bool latin1 =
      !utf16 && std::all_of(units.begin(), units.end(), [](char16_t c) { return c <= 0xFF; });
  std::string out;
  for (char16_t c : units) {
    out += static_cast<char>(c & 0xFF);
    if (!latin1) out += static_cast<char>(c >> 8);
  }
  return {out, latin1};
}

std::string le16(std::uint16_t v) {
  return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
}

std::string le32(std::uint32_t v) {
  return le16(v & 0xFFFF) + le16(static_cast<std::uint16_t>(v >> 16));
}

class Writer {
 public:
  explicit Writer(const RegfWriteOptions& options) : options_(options) {}

  // Reserves a cell for `size` bytes of data; its offset.
  std::uint32_t reserve(std::size_t size) {
    std::size_t total = (size + 4 + 7) / 8 * 8;
    if (bin_end_ - pos_ < total) {
      closeBin();
      std::size_t bin_size = std::max(kBin, (total + kBinHeader + kBin - 1) / kBin * kBin);
      std::size_t start = bins_.size();
      bins_.resize(start + bin_size, '\0');
      bins_.replace(start, 4, "hbin");
      bins_.replace(start + 4, 4, le32(static_cast<std::uint32_t>(start)));
      bins_.replace(start + 8, 4, le32(static_cast<std::uint32_t>(bin_size)));
      bins_.replace(start + 0x14, 8, std::string("\x00\x80\x3e\xd5\xde\xb1\x9d\x01", 8));
      pos_ = start + kBinHeader;
      bin_end_ = start + bin_size;
    }
    auto off = static_cast<std::uint32_t>(pos_);
    bins_.replace(pos_, 4, le32(static_cast<std::uint32_t>(-static_cast<std::int32_t>(total))));
    pos_ += total;
    return off;
  }

  void fill(std::uint32_t cell, const std::string& data) {
    bins_.replace(cell + 4, data.size(), data);
  }

  std::uint32_t add(const std::string& data) {
    std::uint32_t off = reserve(data.size());
    fill(off, data);
    return off;
  }

  std::string finish() {
    closeBin();
    return std::move(bins_);
  }

  RegfImage image;

  std::uint32_t writeKey(const RegfTestKey& key, const std::string& path, std::uint32_t parent,
                         std::uint32_t sk, bool root) {
    auto [name, compressed] = encodeName(key.name, key.utf16_name);
    std::uint32_t nk = reserve(0x4C + name.size());
    image.keys[path] = nk;

    std::vector<std::uint32_t> vks;
    std::size_t max_value_name = 0;
    std::size_t max_data = 0;
    for (const RegfTestValue& v : key.values) {
      vks.push_back(writeValue(v));
      image.values[path + ":" + v.name] = vks.back();
      max_value_name = std::max(max_value_name, os_windows::utf8ToUtf16(v.name).size() * 2);
      max_data = std::max(max_data, v.data.size());
    }
    std::uint32_t value_list = kNoCell;
    if (!vks.empty()) {
      std::string list;
      for (std::uint32_t v : vks) list += le32(v);
      value_list = add(list);
      image.value_lists[path] = value_list;
    }

    std::vector<const RegfTestKey*> children;
    for (const RegfTestKey& k : key.subkeys) children.push_back(&k);
    std::stable_sort(children.begin(), children.end(),
                     [](const RegfTestKey* a, const RegfTestKey* b) {
                       return upperUnits(os_windows::utf8ToUtf16(a->name)) <
                              upperUnits(os_windows::utf8ToUtf16(b->name));
                     });
    std::vector<std::pair<std::uint32_t, std::u16string>> written;
    std::size_t max_subkey_name = 0;
    for (const RegfTestKey* k : children) {
      std::string child_path = path.empty() ? k->name : path + "\\" + k->name;
      std::u16string units = os_windows::utf8ToUtf16(k->name);
      written.emplace_back(writeKey(*k, child_path, nk, sk, false), units);
      max_subkey_name = std::max(max_subkey_name, units.size() * 2);
    }
    std::uint32_t subkey_list = kNoCell;
    if (!written.empty()) {
      bool use_ri = key.list == RegfList::kRi || written.size() > options_.max_leaf;
      if (!use_ri) {
        subkey_list = writeLeaf(key.list, written);
      } else {
        std::size_t chunk =
            key.list == RegfList::kRi ? std::max<std::size_t>(key.ri_chunk, 1) : options_.max_leaf;
        RegfList leaf = key.list == RegfList::kRi ? RegfList::kLh : key.list;
        std::string ri =
            "ri" + le16(static_cast<std::uint16_t>((written.size() + chunk - 1) / chunk));
        for (std::size_t i = 0; i < written.size(); i += chunk) {
          std::vector<std::pair<std::uint32_t, std::u16string>> part(
              written.begin() + static_cast<std::ptrdiff_t>(i),
              written.begin() + static_cast<std::ptrdiff_t>(std::min(written.size(), i + chunk)));
          ri += le32(writeLeaf(leaf, part));
        }
        subkey_list = add(ri);
      }
      image.subkey_lists[path] = subkey_list;
    }

    std::string d = "nk";
    d += le16(static_cast<std::uint16_t>((compressed ? 0x20 : 0) | (root ? 0x0C : 0)));
    d += std::string("\x00\x80\x3e\xd5\xde\xb1\x9d\x01", 8);  // last written
    d += le32(0);                                             // access bits
    d += le32(parent);
    d += le32(static_cast<std::uint32_t>(written.size()));
    d += le32(0);  // volatile subkeys
    d += le32(subkey_list);
    d += le32(kNoCell);
    d += le32(static_cast<std::uint32_t>(vks.size()));
    d += le32(value_list);
    d += le32(sk);
    d += le32(kNoCell);  // class name
    d += le32(static_cast<std::uint32_t>(max_subkey_name));
    d += le32(0);  // largest subkey class name
    d += le32(static_cast<std::uint32_t>(max_value_name));
    d += le32(static_cast<std::uint32_t>(max_data));
    d += le32(0);  // work var
    d += le16(static_cast<std::uint16_t>(name.size()));
    d += le16(0);  // class name length
    d += name;
    fill(nk, d);
    return nk;
  }

 private:
  void closeBin() {
    if (bin_end_ > pos_) {
      bins_.replace(pos_, 4, le32(static_cast<std::uint32_t>(bin_end_ - pos_)));
    }
    pos_ = bin_end_;
  }

  std::uint32_t writeLeaf(RegfList kind,
                          const std::vector<std::pair<std::uint32_t, std::u16string>>& keys) {
    std::string list = kind == RegfList::kLf ? "lf" : kind == RegfList::kLi ? "li" : "lh";
    list += le16(static_cast<std::uint16_t>(keys.size()));
    for (const auto& [off, name] : keys) {
      list += le32(off);
      if (kind == RegfList::kLf) {
        std::string hint(4, '\0');
        for (std::size_t i = 0; i < 4 && i < name.size(); ++i) {
          hint[i] = static_cast<char>(name[i] <= 0xFF ? name[i] : '?');
        }
        list += hint;
      } else if (kind == RegfList::kLh) {
        std::uint32_t h = 0;
        for (char16_t c : name) h = h * 37 + upper(c);
        list += le32(h);
      }
    }
    return add(list);
  }

  std::uint32_t writeValue(const RegfTestValue& v) {
    auto [name, compressed] = encodeName(v.name, v.utf16_name);
    std::uint32_t size = static_cast<std::uint32_t>(v.data.size());
    std::uint32_t offset = 0;
    if (v.data.size() <= 4) {
      std::string inline_data = v.data + std::string(4 - v.data.size(), '\0');
      offset = static_cast<std::uint32_t>(static_cast<unsigned char>(inline_data[0])) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(inline_data[1])) << 8 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(inline_data[2])) << 16 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(inline_data[3])) << 24;
      size |= 0x80000000;
    } else if (v.data.size() > kSegment && options_.big_data && options_.minor_version >= 4) {
      std::string list;
      std::uint16_t count = 0;
      for (std::size_t i = 0; i < v.data.size(); i += kSegment, ++count) {
        list += le32(add(v.data.substr(i, kSegment)));
      }
      std::uint32_t list_cell = add(list);
      offset = add("db" + le16(count) + le32(list_cell));
    } else {
      offset = add(v.data);
    }
    std::string d = "vk";
    d += le16(static_cast<std::uint16_t>(name.size()));
    d += le32(size);
    d += le32(offset);
    d += le32(v.type);
    d += le16(compressed && !name.empty() ? 1 : 0);
    d += le16(0);
    d += name;
    return add(d);
  }

  const RegfWriteOptions& options_;
  std::string bins_;
  std::size_t pos_ = 0;
  std::size_t bin_end_ = 0;
};

}  // namespace

void putLe16(std::string& bytes, std::size_t at, std::uint16_t v) { bytes.replace(at, 2, le16(v)); }

void putLe32(std::string& bytes, std::size_t at, std::uint32_t v) { bytes.replace(at, 4, le32(v)); }

void fixRegfChecksum(std::string& bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < 0x1FC; i += 4) {
    sum ^= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 3])) << 24;
  }
  if (sum == 0xFFFFFFFF) sum = 0xFFFFFFFE;
  if (sum == 0) sum = 1;
  putLe32(bytes, 0x1FC, sum);
}

RegfImage writeRegf(const RegfTestKey& root, const RegfWriteOptions& options) {
  Writer w(options);
  // One security descriptor for every key (hivex wants one when it adds keys): owner and group
  // absent, a DACL-present flag with no DACL.
  std::uint32_t sk = w.reserve(0x14 + 20);
  std::uint32_t root_cell = w.writeKey(root, "", kNoCell, sk, true);
  std::string desc("\x01\x00\x04\x80", 4);
  desc += std::string(16, '\0');
  w.fill(sk, "sk" + le16(0) + le32(sk) + le32(sk) +
                 le32(static_cast<std::uint32_t>(w.image.keys.size())) +
                 le32(static_cast<std::uint32_t>(desc.size())) + desc);
  std::string bins = w.finish();

  std::string base(kBin, '\0');
  base.replace(0, 4, "regf");
  putLe32(base, 0x04, options.sequence1);
  putLe32(base, 0x08, options.sequence2);
  base.replace(0x0C, 8, std::string("\x00\x80\x3e\xd5\xde\xb1\x9d\x01", 8));
  putLe32(base, 0x14, 1);
  putLe32(base, 0x18, options.minor_version);
  putLe32(base, 0x1C, 0);  // primary file
  putLe32(base, 0x20, 1);  // direct memory load
  putLe32(base, 0x24, root_cell);
  putLe32(base, 0x28, static_cast<std::uint32_t>(bins.size()));
  putLe32(base, 0x2C, 1);  // clustering factor
  std::u16string name = os_windows::utf8ToUtf16(options.embedded_name);
  for (std::size_t i = 0; i < name.size() && i < 31; ++i) putLe16(base, 0x30 + i * 2, name[i]);
  fixRegfChecksum(base);
  if (options.bad_checksum) base[0x1FC] = static_cast<char>(base[0x1FC] ^ 0x5A);

  RegfImage image = std::move(w.image);
  image.bytes = base + bins;
  return image;
}

std::string regSz(std::string_view utf8) {
  std::string out;
  for (char16_t c : os_windows::utf8ToUtf16(utf8)) out += le16(c);
  return out + le16(0);
}

std::string regMultiSz(const std::vector<std::string>& strings) {
  std::string out;
  for (const std::string& s : strings) out += regSz(s);
  return out + le16(0);
}

std::string regDword(std::uint32_t v) { return le32(v); }

std::string regQword(std::uint64_t v) {
  return le32(static_cast<std::uint32_t>(v)) + le32(static_cast<std::uint32_t>(v >> 32));
}

}  // namespace guestprep::test
