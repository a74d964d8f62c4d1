// The registry hive reader (parsers/regf) on hives made by the test writer
// (tests/support/regf_writer): every cell and list kind, exact value data, damaged hives (bad
// signature and checksum, truncation and corruption at every offset, offsets outside the hive,
// list cycles, huge counts), and a cross-check with hivex, an independent implementation that
// reads the writer's hives and writes structures of its own into them.
#include <gtest/gtest.h>

#include <iostream>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>

#include "parsers/regf.h"
#include "parsers/win_text.h"
#include "support/regf_writer.h"

namespace guestprep::os_windows {
namespace {

using test::regDword;
using test::regfCellData;
using test::RegfImage;
using test::RegfList;
using test::RegfTestKey;
using test::RegfTestValue;
using test::RegfWriteOptions;
using test::regMultiSz;
using test::regQword;
using test::regSz;
using test::writeRegf;

constexpr std::uint32_t kRegSz = 1;
constexpr std::uint32_t kRegExpandSz = 2;
constexpr std::uint32_t kRegBinary = 3;
constexpr std::uint32_t kRegDword = 4;
constexpr std::uint32_t kRegMultiSz = 7;
constexpr std::uint32_t kRegQword = 11;

// Bytes that differ at every position (a shifted copy would not match).
std::string pattern(std::size_t n, unsigned seed) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<char>((i * 131 + seed + (i >> 8)) & 0xFF);
  return out;
}

RegfTestKey key(std::string name, std::vector<RegfTestValue> values = {},
                std::vector<RegfTestKey> subkeys = {}) {
  RegfTestKey k;
  k.name = std::move(name);
  k.values = std::move(values);
  k.subkeys = std::move(subkeys);
  return k;
}

// A SYSTEM-like tree: ControlSet001\Services\viostor with every value type.
RegfTestKey systemTree() {
  RegfTestKey viostor =
      key("viostor", {{"Start", kRegDword, regDword(0)},
                      {"Type", kRegDword, regDword(1)},
                      {"ImagePath", kRegExpandSz, regSz("System32\\drivers\\viostor.sys")},
                      {"", kRegSz, regSz("VirtIO SCSI")},
                      {"DependOnService", kRegMultiSz, regMultiSz({"FltMgr", "Storport"})},
                      {"Epoch", kRegQword, regQword(0x0123456789ABCDEFull)},
                      {"Blob", kRegBinary, pattern(300, 1)},
                      {"Small", kRegBinary, std::string("\x01\x02\x03", 3)},
                      {"Empty", kRegBinary, ""}});
  RegfTestKey services = key("Services", {}, {key("Tcpip"), viostor, key("netvsc"), key("ACPI")});
  RegfTestKey select = key("Select", {{"Current", kRegDword, regDword(1)}});
  RegfTestKey cs = key("ControlSet001", {}, {key("Control"), services});
  return key("ROOT", {}, {cs, select});
}

RegfHive parseOk(const std::string& bytes, const char* what = "hive") {
  Result<RegfHive> h = RegfHive::parse(bytes, what);
  if (!h) ADD_FAILURE() << what << ": " << h.error().message;
  return std::move(h).value();
}

RegfHive::Key findOk(const RegfHive& h, std::string_view path) {
  Result<std::optional<RegfHive::Key>> k = h.find(h.root(), path);
  EXPECT_TRUE(k.has_value()) << path << ": " << (k ? "" : k.error().message);
  EXPECT_TRUE(k && k->has_value()) << path << " not found";
  return k && *k ? **k : RegfHive::Key{};
}

RegistryData valueOk(const RegfHive& h, std::string_view path, std::string_view name) {
  Result<RegistryData> v = h.value(findOk(h, path), name);
  EXPECT_TRUE(v.has_value()) << path << ":" << name << ": " << (v ? "" : v.error().message);
  return v ? *v : RegistryData{};
}

// Reads everything below `key` (bounded), as text; errors become part of the text. Exercises
// every accessor on damaged hives without caring for the answer.
void walk(const RegfHive& h, RegfHive::Key k, int depth, int& budget, std::string& out) {
  if (depth > 16 || --budget < 0) return;
  if (auto n = h.name(k))
    out += *n + "\n";
  else
    out += "! " + n.error().message + "\n";
  if (auto names = h.valueNames(k)) {
    for (const std::string& v : *names) {
      if (auto d = h.value(k, v))
        out += " " + v + "=" + std::to_string(d->data.size()) + "\n";
      else
        out += " ! " + d.error().message + "\n";
    }
  } else {
    out += " ! " + names.error().message + "\n";
  }
  auto subs = h.subkeyNames(k);
  if (!subs) {
    out += " ! " + subs.error().message + "\n";
    return;
  }
  for (const std::string& s : *subs) {
    if (budget <= 0) break;
    auto next = h.find(k, s);
    if (!next) {
      out += " ! " + next.error().message + "\n";
    } else if (*next) {
      walk(h, **next, depth + 1, budget, out);
    }
  }
}

// Parses and walks damaged bytes: must end in a value or a clean error.
void parseAndWalk(const std::string& bytes) {
  Result<RegfHive> h = RegfHive::parse(bytes, "damaged");
  if (!h) {
    EXPECT_NE(h.error().message.find("damaged"), std::string::npos) << h.error().message;
    return;
  }
  std::string out;
  int budget = 2000;
  walk(*h, h->root(), 0, budget, out);
}

TEST(RegfRoundTrip, ReadsEveryValueTypeExactly) {
  RegfHive h = parseOk(writeRegf(systemTree()).bytes);
  const char* path = "ControlSet001\\Services\\viostor";
  EXPECT_EQ(valueOk(h, path, "Start"), (RegistryData{true, kRegDword, regDword(0)}));
  EXPECT_EQ(valueOk(h, path, "Type"), (RegistryData{true, kRegDword, regDword(1)}));
  EXPECT_EQ(valueOk(h, path, "ImagePath"),
            (RegistryData{true, kRegExpandSz, regSz("System32\\drivers\\viostor.sys")}));
  EXPECT_EQ(valueOk(h, path, ""), (RegistryData{true, kRegSz, regSz("VirtIO SCSI")}));
  EXPECT_EQ(valueOk(h, path, "DependOnService"),
            (RegistryData{true, kRegMultiSz, regMultiSz({"FltMgr", "Storport"})}));
  EXPECT_EQ(valueOk(h, path, "Epoch"),
            (RegistryData{true, kRegQword, std::string("\xEF\xCD\xAB\x89\x67\x45\x23\x01", 8)}));
  EXPECT_EQ(valueOk(h, path, "Blob"), (RegistryData{true, kRegBinary, pattern(300, 1)}));
  EXPECT_EQ(valueOk(h, path, "Small"),
            (RegistryData{true, kRegBinary, std::string("\x01\x02\x03", 3)}));
  EXPECT_EQ(valueOk(h, path, "Empty"), (RegistryData{true, kRegBinary, ""}));
  EXPECT_EQ(valueOk(h, path, "Absent"), RegistryData{});
  EXPECT_EQ(valueOk(h, "Select", "current"), (RegistryData{true, kRegDword, regDword(1)}));
  // The key without a default value: "" is absent.
  EXPECT_EQ(valueOk(h, "Select", ""), RegistryData{});
  auto names = h.valueNames(findOk(h, path));
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"Start", "Type", "ImagePath", "", "DependOnService",
                                              "Epoch", "Blob", "Small", "Empty"}));
}

TEST(RegfRoundTrip, FindsNestedPathsCaseInsensitively) {
  RegfHive h = parseOk(writeRegf(systemTree()).bytes);
  for (const char* path : {"ControlSet001\\Services\\viostor", "controlset001\\SERVICES\\VioStor",
                           "\\ControlSet001\\Services\\viostor\\", "CONTROLSET001\\\\services"}) {
    auto k = h.find(h.root(), path);
    ASSERT_TRUE(k) << path << ": " << k.error().message;
    EXPECT_TRUE(k->has_value()) << path;
  }
  auto cs = h.find(h.root(), "ControlSet001");
  ASSERT_TRUE(cs && *cs);
  auto vio = h.find(**cs, "services\\VIOSTOR");
  ASSERT_TRUE(vio && *vio) << "relative to a key";
  EXPECT_EQ(h.name(**vio).value_or("?"), "viostor");
  auto self = h.find(h.root(), "");
  ASSERT_TRUE(self && *self);
  EXPECT_EQ((*self)->cell, h.root().cell) << "\"\" is the key itself";
  for (const char* missing : {"ControlSet002", "ControlSet001\\Services\\viostor\\Enum",
                              "ControlSet001\\Service", "ControlSet001\\Services\\viostorX"}) {
    auto k = h.find(h.root(), missing);
    ASSERT_TRUE(k) << missing << ": " << k.error().message;
    EXPECT_FALSE(k->has_value()) << missing;
  }
  EXPECT_EQ(h.name(h.root()).value_or("?"), "ROOT");
  EXPECT_EQ(
      h.subkeyNames(findOk(h, "ControlSet001\\Services")).value_or(std::vector<std::string>{}),
      (std::vector<std::string>{"ACPI", "netvsc", "Tcpip", "viostor"}))
      << "sorted by upper-case name";
}

TEST(RegfRoundTrip, CompressedAndUtf16Names) {
  RegfTestKey root = key("ROOT");
  RegfTestKey latin = key("\xC3\x84pfel", {{"Gr\xC3\xB6\xC3\x9F"
                                            "e",
                                            kRegDword, regDword(7)}});
  RegfTestKey forced = key("Utf16Ascii", {{"Wide", kRegDword, regDword(8), true}});
  forced.utf16_name = true;
  RegfTestKey cyr = key("\xD0\x9A\xD0\xBB\xD1\x8E\xD1\x87",  // Ключ
                        {{"\xD0\x97\xD0\xBD\xD0\xB0\xD1\x87", kRegSz, regSz("\xE2\x9C\x93")}});
  RegfTestKey cjk = key("\xE6\x96\x87\xE4\xBB\xB6");  // 文件
  root.subkeys = {latin, forced, cyr, cjk};
  RegfHive h = parseOk(writeRegf(root).bytes);
  EXPECT_EQ(valueOk(h, "\xC3\xA4PFEL",
                    "GR\xC3\x96\xC3\x9F"
                    "E")
                .data,
            regDword(7))
      << "Latin-1 letters fold";
  EXPECT_EQ(valueOk(h, "utf16ascii", "WIDE").data, regDword(8));
  EXPECT_EQ(valueOk(h, "\xD0\xBA\xD0\x9B\xD0\xAE\xD0\xA7", "\xD0\xB7\xD0\x9D\xD0\x90\xD0\xA7").data,
            regSz("\xE2\x9C\x93"))
      << "Cyrillic letters fold";
  findOk(h, "\xE6\x96\x87\xE4\xBB\xB6");
  auto names = h.subkeyNames(h.root());
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"Utf16Ascii", "\xC3\x84pfel",
                                              "\xD0\x9A\xD0\xBB\xD1\x8E\xD1\x87",
                                              "\xE6\x96\x87\xE4\xBB\xB6"}));
  auto values = h.valueNames(findOk(h, "\xC3\x84pfel"));
  ASSERT_TRUE(values);
  EXPECT_EQ(*values, std::vector<std::string>{"Gr\xC3\xB6\xC3\x9F"
                                              "e"});
}

TEST(RegfRoundTrip, EverySubkeyListKind) {
  struct Case {
    RegfList list;
    std::size_t chunk;
    const char* what;
  };
  for (Case c :
       {Case{RegfList::kLf, 0, "lf"}, Case{RegfList::kLh, 0, "lh"}, Case{RegfList::kLi, 0, "li"},
        Case{RegfList::kRi, 1, "ri of 1"}, Case{RegfList::kRi, 3, "ri of 3"}}) {
    RegfTestKey parent = key("Parent");
    parent.list = c.list;
    parent.ri_chunk = c.chunk;
    std::vector<std::string> want;
    for (int i = 6; i >= 0; --i) {
      std::string n = "Key" + std::to_string(i);
      parent.subkeys.push_back(
          key(n, {{"Index", kRegDword, regDword(static_cast<std::uint32_t>(i))}}));
      want.insert(want.begin(), n);
    }
    RegfImage img = writeRegf(key("ROOT", {}, {parent}));
    RegfHive h = parseOk(img.bytes, c.what);
    std::string_view sig(img.bytes.data() + regfCellData(img.subkey_lists.at("Parent")), 2);
    EXPECT_EQ(sig, std::string_view(c.what).substr(0, 2)) << c.what;
    auto names = h.subkeyNames(findOk(h, "Parent"));
    ASSERT_TRUE(names) << c.what << ": " << names.error().message;
    EXPECT_EQ(*names, want) << c.what;
    for (int i = 0; i < 7; ++i) {
      EXPECT_EQ(valueOk(h, "parent\\key" + std::to_string(i), "index").data,
                regDword(static_cast<std::uint32_t>(i)))
          << c.what;
    }
  }
}

TEST(RegfRoundTrip, ManySubkeysGetARiListAndSeveralBins) {
  RegfTestKey parent = key("Many");
  parent.list = RegfList::kLf;
  for (int i = 0; i < 250; ++i) {
    char n[16];
    std::snprintf(n, sizeof n, "Sub%03d", i);
    parent.subkeys.push_back(key(n, {{"V", kRegSz, regSz(n)}}));
  }
  RegfWriteOptions options;
  options.max_leaf = 100;
  RegfImage img = writeRegf(key("ROOT", {}, {parent}), options);
  EXPECT_GE(img.bytes.size(), 0x1000u + 10 * 0x1000u) << "several hive bins";
  EXPECT_EQ(img.bytes.substr(regfCellData(img.subkey_lists.at("Many")), 2), "ri");
  RegfHive h = parseOk(img.bytes);
  auto names = h.subkeyNames(findOk(h, "Many"));
  ASSERT_TRUE(names) << names.error().message;
  ASSERT_EQ(names->size(), 250u);
  EXPECT_EQ(names->front(), "Sub000");
  EXPECT_EQ(names->back(), "Sub249");
  EXPECT_EQ(valueOk(h, "many\\sub217", "v").data, regSz("Sub217"));
}

TEST(RegfRoundTrip, BigDataInDbSegments) {
  std::string big = pattern(50000, 3);
  std::string edge = pattern(16344, 4);  // one segment's worth still fits one cell
  std::string just_over = pattern(16345, 5);
  RegfTestKey k = key("Big", {{"Large", kRegBinary, big},
                              {"Edge", kRegBinary, edge},
                              {"Over", kRegBinary, just_over},
                              {"Text", kRegSz, regSz(std::string(9000, 'x'))}});
  RegfImage img = writeRegf(key("ROOT", {}, {k}));
  std::string vk = img.bytes.substr(regfCellData(img.values.at("Big:Large")), 0x14);
  std::uint32_t data_cell = static_cast<unsigned char>(vk[8]) |
                            static_cast<unsigned char>(vk[9]) << 8 |
                            static_cast<unsigned char>(vk[10]) << 16 |
                            static_cast<std::uint32_t>(static_cast<unsigned char>(vk[11])) << 24;
  EXPECT_EQ(img.bytes.substr(regfCellData(data_cell), 2), "db");
  RegfHive h = parseOk(img.bytes);
  EXPECT_EQ(valueOk(h, "Big", "Large").data, big);
  EXPECT_EQ(valueOk(h, "Big", "Edge").data, edge);
  EXPECT_EQ(valueOk(h, "Big", "Over").data, just_over);
  EXPECT_EQ(valueOk(h, "Big", "Text").data, regSz(std::string(9000, 'x')));

  // Version 1.3 hives keep large data in one cell.
  RegfWriteOptions old;
  old.minor_version = 3;
  RegfHive h13 = parseOk(writeRegf(key("ROOT", {}, {k}), old).bytes);
  EXPECT_EQ(valueOk(h13, "Big", "Large").data, big);
}

TEST(RegfHiveHeader, EmbeddedNameAndDirty) {
  RegfWriteOptions options;
  options.embedded_name = "\\SystemRoot\\System32\\Config\\SAM";  // 31 characters at most
  RegfHive clean = parseOk(writeRegf(systemTree(), options).bytes);
  EXPECT_EQ(clean.embeddedName(), "\\SystemRoot\\System32\\Config\\SAM");
  EXPECT_FALSE(clean.dirty());
  EXPECT_EQ(clean.origin(), "hive");
  options.sequence1 = 8;
  options.sequence2 = 7;
  RegfHive dirty = parseOk(writeRegf(systemTree(), options).bytes);
  EXPECT_TRUE(dirty.dirty());
  EXPECT_EQ(valueOk(dirty, "Select", "Current").data, regDword(1)) << "still readable";
}

TEST(RegfErrors, BadSignatureAndChecksum) {
  std::string bytes = writeRegf(systemTree()).bytes;
  std::string bad_sig = bytes;
  bad_sig[0] = 'R';
  test::fixRegfChecksum(bad_sig);
  auto r = RegfHive::parse(bad_sig, "/mnt/Windows/System32/config/SYSTEM");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message.find("/mnt/Windows/System32/config/SYSTEM"), std::string::npos);
  EXPECT_NE(r.error().message.find("signature"), std::string::npos) << r.error().message;

  RegfWriteOptions options;
  options.bad_checksum = true;
  r = RegfHive::parse(writeRegf(systemTree(), options).bytes, "SYSTEM");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("checksum"), std::string::npos) << r.error().message;

  std::string version = bytes;
  test::putLe32(version, 0x14, 2);
  test::fixRegfChecksum(version);
  EXPECT_FALSE(RegfHive::parse(version, "SYSTEM")) << "major version 2";

  std::string root = bytes;
  test::putLe32(root, 0x24, 0);  // the sk cell, not an nk
  test::fixRegfChecksum(root);
  r = RegfHive::parse(root, "SYSTEM");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("0x0"), std::string::npos) << r.error().message;
}

TEST(RegfErrors, TruncationAtEveryLength) {
  std::string bytes = writeRegf(systemTree()).bytes;
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    auto r = RegfHive::parse(bytes.substr(0, len), "cut");
    ASSERT_FALSE(r) << "length " << len;
    EXPECT_NE(r.error().message.find("cut"), std::string::npos) << len;
  }
  // The tail lost (zeroed) from every offset in the bins: an error or an answer, no crash.
  for (std::size_t from = 0x1000; from < bytes.size(); from += 1) {
    std::string damaged = bytes;
    std::fill(damaged.begin() + static_cast<std::ptrdiff_t>(from), damaged.end(), '\0');
    parseAndWalk(damaged);
  }
  // Truncated with the base block claiming only the remaining bins.
  std::string shortened =
      writeRegf(key("ROOT", {}, {key("A", {{"Big", kRegBinary, pattern(9000, 7)}})})).bytes;
  ASSERT_GT(shortened.size(), 0x3000u);
  shortened.resize(0x2000);
  test::putLe32(shortened, 0x28, 0x1000);
  test::fixRegfChecksum(shortened);
  parseAndWalk(shortened);
}

TEST(RegfErrors, EveryByteCorrupted) {
  std::string bytes = writeRegf(systemTree()).bytes;
  for (std::size_t at = 0x1000; at < bytes.size(); ++at) {
    for (int v : {0x00, 0xFF, 0x80}) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(v);
      parseAndWalk(damaged);
    }
  }
}

TEST(RegfErrors, RandomMutations) {
  std::mt19937 rng(20261125);
  std::vector<std::string> seeds = {writeRegf(systemTree()).bytes};
  RegfTestKey ri = key("R");
  ri.list = RegfList::kRi;
  for (int i = 0; i < 9; ++i)
    ri.subkeys.push_back(key("k" + std::to_string(i), {{"v", kRegBinary, pattern(40, 2)}}));
  seeds.push_back(
      writeRegf(key("ROOT", {}, {ri, key("B", {{"x", kRegBinary, pattern(17000, 1)}})})).bytes);
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = seeds[round % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = 0x1000 + rng() % (damaged.size() - 0x1000);
      damaged[at] = static_cast<char>(rng());
    }
    parseAndWalk(damaged);
  }
}

TEST(RegfErrors, CellOffsetOutsideTheHive) {
  RegfImage img = writeRegf(systemTree());
  std::string bytes = img.bytes;
  std::uint32_t nk = img.keys.at("ControlSet001\\Services\\viostor");
  test::putLe32(bytes, regfCellData(nk) + 0x28, 0x7FFFFFF0);  // value list offset
  RegfHive h = parseOk(bytes);
  RegfHive::Key vio = findOk(h, "ControlSet001\\Services\\viostor");
  auto v = h.value(vio, "Start");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(v.error().message.find("0x7FFFFFF0"), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find("hive"), std::string::npos) << v.error().message;
  EXPECT_FALSE(h.valueNames(vio));

  // A value's data offset outside, and a vk offset into the middle of the base block's range.
  bytes = img.bytes;
  std::uint32_t vk = img.values.at("ControlSet001\\Services\\viostor:Blob");
  test::putLe32(bytes, regfCellData(vk) + 0x08, 0xFFFFFF00);
  RegfHive h2 = parseOk(bytes);
  auto blob = h2.value(findOk(h2, "ControlSet001\\Services\\viostor"), "Blob");
  ASSERT_FALSE(blob);
  EXPECT_NE(blob.error().message.find("0xFFFFFF00"), std::string::npos) << blob.error().message;
  EXPECT_TRUE(h2.value(findOk(h2, "ControlSet001\\Services\\viostor"), "Start"))
      << "others readable";

  // The subkey list offset outside: find reports it.
  bytes = img.bytes;
  test::putLe32(bytes, regfCellData(img.keys.at("ControlSet001")) + 0x1C, 0x00100000);
  RegfHive h3 = parseOk(bytes);
  auto k = h3.find(h3.root(), "ControlSet001\\Services");
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message.find("0x100000"), std::string::npos) << k.error().message;
  // An inline size over 4 bytes.
  bytes = img.bytes;
  test::putLe32(bytes, regfCellData(img.values.at("ControlSet001\\Services\\viostor:Start")) + 4,
                0x80000008);
  RegfHive h4 = parseOk(bytes);
  EXPECT_FALSE(h4.value(findOk(h4, "ControlSet001\\Services\\viostor"), "Start"));
}

TEST(RegfErrors, RiListPointingToItselfDoesNotHang) {
  RegfTestKey parent = key("Loop");
  parent.list = RegfList::kRi;
  for (int i = 0; i < 4; ++i) parent.subkeys.push_back(key("k" + std::to_string(i)));
  RegfImage img = writeRegf(key("ROOT", {}, {parent}));
  std::uint32_t ri = img.subkey_lists.at("Loop");
  std::string bytes = img.bytes;
  test::putLe32(bytes, regfCellData(ri) + 4, ri);  // the first entry names the ri itself
  RegfHive h = parseOk(bytes);
  RegfHive::Key loop = findOk(h, "Loop");
  auto names = h.subkeyNames(loop);
  ASSERT_FALSE(names);
  EXPECT_NE(names.error().message.find("ri"), std::string::npos) << names.error().message;
  EXPECT_FALSE(h.find(loop, "k1"));

  // Every entry naming the same leaf list: refused, not read over and over.
  bytes = img.bytes;
  std::uint32_t first = static_cast<unsigned char>(bytes[regfCellData(ri) + 4]) |
                        static_cast<unsigned char>(bytes[regfCellData(ri) + 5]) << 8;
  test::putLe32(bytes, regfCellData(ri) + 8, first);
  RegfHive h2 = parseOk(bytes);
  EXPECT_FALSE(h2.subkeyNames(findOk(h2, "Loop")));

  // A leaf list naming the parent key itself: the walk is bounded by the caller, lookups work.
  bytes = img.bytes;
  test::putLe32(bytes, regfCellData(first) + 4, img.keys.at("Loop"));
  RegfHive h3 = parseOk(bytes);
  auto self = h3.find(h3.root(), "Loop\\Loop\\Loop\\Loop");
  ASSERT_TRUE(self) << self.error().message;
  EXPECT_TRUE(self->has_value());
}

TEST(RegfErrors, HugeCounts) {
  RegfImage img = writeRegf(systemTree());
  std::uint32_t services = img.keys.at("ControlSet001\\Services");
  std::string bytes = img.bytes;
  test::putLe32(bytes, regfCellData(services) + 0x14, 0xFFFFFFFF);
  RegfHive h = parseOk(bytes);
  auto names = h.subkeyNames(findOk(h, "ControlSet001\\Services"));
  ASSERT_FALSE(names);
  EXPECT_NE(names.error().message.find("4294967295"), std::string::npos) << names.error().message;
  EXPECT_FALSE(h.find(h.root(), "ControlSet001\\Services\\viostor"));

  // The list's own count larger than its cell.
  bytes = img.bytes;
  test::putLe16(bytes, regfCellData(img.subkey_lists.at("ControlSet001\\Services")) + 2, 0xFFFF);
  RegfHive h2 = parseOk(bytes);
  EXPECT_FALSE(h2.subkeyNames(findOk(h2, "ControlSet001\\Services")));

  // A value count larger than the value list.
  bytes = img.bytes;
  test::putLe32(bytes, regfCellData(img.keys.at("ControlSet001\\Services\\viostor")) + 0x24,
                0x40000000);
  RegfHive h3 = parseOk(bytes);
  auto values = h3.valueNames(findOk(h3, "ControlSet001\\Services\\viostor"));
  ASSERT_FALSE(values);
  EXPECT_NE(values.error().message.find("value list"), std::string::npos) << values.error().message;

  // A name length past its cell.
  bytes = img.bytes;
  test::putLe16(bytes, regfCellData(services) + 0x48, 0xFFFF);
  RegfHive h4 = parseOk(bytes);
  EXPECT_FALSE(h4.find(h4.root(), "ControlSet001\\Services"));
}

// --- hivex cross-checks -------------------------------------------------------------------

#ifndef _WIN32
}  // namespace
}  // namespace guestprep::os_windows

#include <unistd.h>

namespace guestprep::os_windows {
namespace {

namespace fs = std::filesystem;

bool onPath(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// A shell word.
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Runs a shell command; its standard output, and the exit status in `status`.
std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  status = ::pclose(p);
  return out;
}

class RegfHivex : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"hivexget", "hivexsh"}) {
      if (!onPath(tool)) {
        GTEST_SKIP() << tool << " not on PATH (Debian package libhivex-bin): the hivex "
                     << "cross-check needs it";
      }
    }
    dir_ = fs::temp_directory_path() /
           ("guestprep-regf-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string save(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static std::string load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
};

// hivexget prints "hex(11):" (the type in decimal) and "str(2):"; hivexregedit --export prints
// "hex(b):" (in hex), as regedit does.
// One line of hivexget's .reg-like output: "name"=data.
struct HivexValue {
  std::string name;
  std::string kind;  // dword, string, expand, hex
  std::uint32_t type = 0;
  std::string data;  // bytes for hex, text for strings, the number's bytes for dword
};

std::size_t readHivexQuoted(std::string_view s, std::size_t i, std::string& out) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size())
      out += s[++i];
    else if (s[i] == '"')
      return i + 1;
    else
      out += s[i];
  }
  return std::string_view::npos;
}

std::vector<HivexValue> parseHivexget(const std::string& text) {
  std::vector<HivexValue> out;
  for (std::string_view line : splitLines(text)) {
    if (line.empty()) continue;
    HivexValue v;
    std::size_t i = readHivexQuoted(line, 0, v.name);
    if (i == std::string_view::npos || i >= line.size() || line[i] != '=') {
      ADD_FAILURE() << "unexpected hivexget line: " << line.substr(0, 80);
      continue;
    }
    if (v.name == "@") v.name.clear();
    std::string_view rest = line.substr(i + 1);
    if (rest.starts_with("dword:")) {
      v.kind = "dword";
      v.type = kRegDword;
      v.data = regDword(
          static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(6)), nullptr, 16)));
    } else if (rest.starts_with("\"")) {
      v.kind = "string";
      v.type = kRegSz;
      readHivexQuoted(rest, 0, v.data);
    } else if (rest.starts_with("str(")) {
      v.kind = "string";
      std::size_t close = rest.find("):");
      v.type = static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(4, close - 4))));
      readHivexQuoted(rest, close + 2, v.data);
    } else if (rest.starts_with("hex(")) {
      v.kind = "hex";
      std::size_t close = rest.find("):");
      v.type = static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(4, close - 4))));
      std::string_view bytes = rest.substr(close + 2);
      for (std::size_t p = 0; p + 1 < bytes.size(); p += 3) {
        v.data += static_cast<char>(std::stoul(std::string(bytes.substr(p, 2)), nullptr, 16));
      }
    } else {
      ADD_FAILURE() << "unexpected hivexget data: " << rest.substr(0, 80);
      continue;
    }
    out.push_back(std::move(v));
  }
  return out;
}

// A REG_SZ's bytes as hivex prints them: UTF-16LE up to the first NUL, as UTF-8.
std::string stringData(const std::string& bytes) {
  std::u16string units;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    char16_t c = static_cast<char16_t>(static_cast<unsigned char>(bytes[i]) |
                                       static_cast<unsigned char>(bytes[i + 1]) << 8);
    if (c == 0) break;
    units.push_back(c);
  }
  return utf16ToUtf8(units);
}

// Compares hivex's view of every key under `path` with ours: values (name, type, exact data)
// and subkey names in order. Returns the number of keys compared.
int compareWithHivex(const std::string& file, const RegfHive& h, const std::string& path,
                     int depth = 0) {
  if (depth > 8) return 0;
  int status = 0;
  std::string hpath = "\\" + path;
  std::string got = run("hivexget " + quote(file) + " " + quote(hpath), status);
  EXPECT_EQ(status, 0) << "hivexget " << hpath;
  std::vector<HivexValue> theirs = parseHivexget(got);
  RegfHive::Key k = findOk(h, path);
  auto names = h.valueNames(k);
  EXPECT_TRUE(names) << path;
  if (!names) return 0;
  EXPECT_EQ(names->size(), theirs.size()) << path;
  for (std::size_t i = 0; i < theirs.size() && i < names->size(); ++i) {
    const HivexValue& t = theirs[i];
    EXPECT_EQ((*names)[i], t.name) << path << " value " << i;
    RegistryData ours = valueOk(h, path, t.name);
    EXPECT_EQ(ours.type, t.type) << path << ":" << t.name;
    if (t.kind == "string") {
      EXPECT_EQ(stringData(ours.data), t.data) << path << ":" << t.name;
    } else {
      EXPECT_EQ(ours.data == t.data, true) << path << ":" << t.name << " (" << ours.data.size()
                                           << " bytes, hivex " << t.data.size() << ")";
    }
  }
  std::string script = (fs::path(file).parent_path() / "ls.hivexsh").string();
  std::ofstream(script) << "cd " << (path.empty() ? "\\" : hpath) << "\nls\n";
  std::string listed = run("hivexsh -f " + quote(script) + " " + quote(file), status);
  EXPECT_EQ(status, 0) << "hivexsh ls " << hpath;
  std::vector<std::string> their_keys;
  for (std::string_view line : splitLines(listed)) {
    if (!line.empty()) their_keys.emplace_back(line);
  }
  auto subs = h.subkeyNames(k);
  EXPECT_TRUE(subs) << path;
  if (!subs) return 1;
  EXPECT_EQ(*subs, their_keys) << path;
  int compared = 1;
  for (const std::string& s : *subs) {
    compared += compareWithHivex(file, h, path.empty() ? s : path + "\\" + s, depth + 1);
  }
  return compared;
}

RegfTestKey crossCheckTree() {
  RegfTestKey root = systemTree();
  RegfTestKey lists = key("Lists");
  for (RegfList kind : {RegfList::kLf, RegfList::kLh, RegfList::kLi, RegfList::kRi}) {
    RegfTestKey k = key(kind == RegfList::kLf   ? "lf"
                        : kind == RegfList::kLh ? "lh"
                        : kind == RegfList::kLi ? "li"
                                                : "ri");
    k.list = kind;
    for (int i = 0; i < 5; ++i) {
      k.subkeys.push_back(key("Child" + std::to_string(i),
                              {{"Data", kRegBinary, pattern(static_cast<std::size_t>(i * 7), 9)}}));
    }
    lists.subkeys.push_back(k);
  }
  RegfTestKey wide = key("Wide", {{"Utf16Name", kRegSz, regSz("wide name"), true}});
  wide.utf16_name = true;
  RegfTestKey big =
      key("Big", {{"Huge", kRegBinary, pattern(40000, 11)}, {"Qword", kRegQword, regQword(42)}});
  root.subkeys.push_back(lists);
  root.subkeys.push_back(wide);
  root.subkeys.push_back(big);
  return root;
}

TEST_F(RegfHivex, HivexReadsOurHivesAsWeDo) {
  RegfImage img = writeRegf(crossCheckTree());
  std::string file = save("ours.hiv", img.bytes);
  RegfHive h = parseOk(img.bytes);
  int keys = compareWithHivex(file, h, "");
  EXPECT_EQ(keys, static_cast<int>(img.keys.size())) << "every key compared";
  RecordProperty("hivex_keys_compared", keys);
}

std::string hexList(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (!out.empty()) out += ',';
    out += kDigits[u >> 4];
    out += kDigits[u & 0xF];
  }
  return out;
}

// hivexregedit --export of the whole hive: keys and values (all as hex, or dword:), values
// sorted by name within a key. Key paths without the prefix ("" for the root).
struct Export {
  std::vector<std::string> keys;
  std::map<std::string, std::map<std::string, std::pair<std::uint32_t, std::string>>> values;
};

Export parseExport(const std::string& text, const std::string& prefix) {
  Export e;
  std::string current;
  std::vector<std::string_view> lines = splitLines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line(lines[i]);
    while (line.ends_with('\\') && i + 1 < lines.size()) {
      line.pop_back();
      line += trimBlanks(lines[++i]);
    }
    if (line.empty() || line.starts_with("Windows Registry Editor")) continue;
    if (line.front() == '[') {
      std::string path = line.substr(1, line.size() - 2);
      EXPECT_TRUE(path.starts_with(prefix + "\\")) << path;
      current = path.substr(prefix.size() + 1);
      if (current.ends_with('\\')) current.pop_back();
      e.keys.push_back(current);
      e.values[current];
      continue;
    }
    std::string name;
    std::size_t eq = 1;
    if (line.front() == '"') {
      eq = readHivexQuoted(line, 0, name);
    }
    if (eq == std::string::npos || eq >= line.size() || line[eq] != '=') {
      ADD_FAILURE() << "unexpected export line: " << line.substr(0, 80);
      continue;
    }
    std::string_view rest = std::string_view(line).substr(eq + 1);
    std::uint32_t type = 0;
    std::string data;
    if (rest.starts_with("dword:")) {
      type = kRegDword;
      data = regDword(
          static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(6)), nullptr, 16)));
    } else if (rest.starts_with("hex(") || rest.starts_with("hex:")) {
      std::size_t colon = rest.find(':');
      type = rest[3] == '(' ? static_cast<std::uint32_t>(
                                  std::stoul(std::string(rest.substr(4, colon - 5)), nullptr, 16))
                            : kRegBinary;
      std::string_view bytes = rest.substr(colon + 1);
      for (std::size_t p = 0; p + 1 < bytes.size(); p += 3) {
        data += static_cast<char>(std::stoul(std::string(bytes.substr(p, 2)), nullptr, 16));
      }
    } else {
      ADD_FAILURE() << "unexpected export data: " << rest.substr(0, 80);
      continue;
    }
    e.values[current][name] = {type, data};
  }
  return e;
}

// Every key and value of hivexregedit's export, compared with our reader; the number of keys.
int compareWithExport(const std::string& file, const RegfHive& h) {
  int status = 0;
  std::string text = run(
      "hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\\TEST' " + quote(file) + " '\\'", status);
  EXPECT_EQ(status, 0) << "hivexregedit --export";
  Export e = parseExport(text, "HKEY_LOCAL_MACHINE\\TEST");
  // Our keys, depth first in list order (the export's order).
  std::vector<std::string> ours;
  std::function<void(const std::string&, int)> collect = [&](const std::string& path, int depth) {
    ours.push_back(path);
    auto subs = h.subkeyNames(findOk(h, path));
    EXPECT_TRUE(subs) << path;
    if (!subs || depth > 8) return;
    for (const std::string& s : *subs) collect(path.empty() ? s : path + "\\" + s, depth + 1);
  };
  collect("", 0);
  // The export sorts keys by name itself (case-sensitively): compare the sets.
  std::vector<std::string> sorted_ours = ours;
  std::vector<std::string> sorted_theirs = e.keys;
  std::sort(sorted_ours.begin(), sorted_ours.end());
  std::sort(sorted_theirs.begin(), sorted_theirs.end());
  EXPECT_EQ(sorted_ours, sorted_theirs);
  for (const std::string& path : ours) {
    auto names = h.valueNames(findOk(h, path));
    EXPECT_TRUE(names) << path;
    if (!names) continue;
    const auto& theirs = e.values[path];
    EXPECT_EQ(names->size(), theirs.size()) << path;
    for (const std::string& n : *names) {
      auto it = theirs.find(n);
      if (it == theirs.end()) {
        ADD_FAILURE() << path << ":" << n << " not in hivex's export";
        continue;
      }
      RegistryData v = valueOk(h, path, n);
      EXPECT_EQ(v.type, it->second.first) << path << ":" << n;
      EXPECT_TRUE(v.data == it->second.second)
          << path << ":" << n << " (" << v.data.size() << " bytes, hivex "
          << it->second.second.size() << ")";
    }
  }
  return static_cast<int>(ours.size());
}

TEST_F(RegfHivex, HivexregeditExportMatchesOurReader) {
  if (!onPath("hivexregedit")) {
    GTEST_SKIP() << "hivexregedit not on PATH (Debian package libwin-hivex-perl)";
  }
  RegfImage img = writeRegf(crossCheckTree());
  std::string file = save("ours.hiv", img.bytes);
  int keys = compareWithExport(file, parseOk(img.bytes));
  EXPECT_EQ(keys, static_cast<int>(img.keys.size()));
  RecordProperty("hivexregedit_keys_compared", keys);
}

TEST_F(RegfHivex, WeReadWhatHivexWrote) {
  RegfImage img = writeRegf(crossCheckTree());
  std::string file = save("base.hiv", img.bytes);
  std::string out = (dir_ / "written.hiv").string();
  // hivexsh reads lines of 8 KiB at most: 3000 bytes of hex data fit.
  std::string kib3 = pattern(3000, 21);
  std::string compact;
  for (char c : kib3) {
    static constexpr char kDigits[] = "0123456789abcdef";
    compact += kDigits[static_cast<unsigned char>(c) >> 4];
    compact += kDigits[static_cast<unsigned char>(c) & 0xF];
  }
  std::ostringstream s;
  s << "cd \\\nadd HivexKey\ncd HivexKey\nsetval 4\n@\nstring:hivex default\nCount\n"
       "dword:0x12345678\nBig3K\nhex:3:"
    << compact << "\nWhen\nhex:11:0807060504030201\n";  // hivexsh's qword: keeps 4 bytes only
  // Enough subkeys under one key for hivex to build (and grow) its own lists.
  for (int i = 0; i < 600; ++i) s << "cd \\HivexKey\nadd Sub" << (i * 7919) % 600 << "\n";
  // Keys added under our lists of every kind, ri included.
  for (const char* list : {"lf", "lh", "li", "ri"}) {
    s << "cd \\Lists\\" << list << "\nadd Added\nadd AAA\nadd zzz\n";
  }
  s << "cd \\ControlSet001\\Services\\viostor\nsetval 1\nStart\ndword:3\n";
  s << "commit " << out << "\n";
  std::string script = (dir_ / "write.hivexsh").string();
  std::ofstream(script) << s.str();
  int status = 0;
  std::string log = run("hivexsh -w -f " + quote(script) + " " + quote(file) + " 2>&1", status);
  ASSERT_EQ(status, 0) << log.substr(0, 2000);

  // Larger values through hivexregedit --merge (no line limit), when it is there.
  bool merged = onPath("hivexregedit");
  std::string kib20 = pattern(20000, 22);
  std::string kib70 = pattern(70000, 23);
  if (merged) {
    std::string reg = (dir_ / "big.reg").string();
    std::ofstream(reg) << "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\TEST\\"
                          "HivexKey\\Merged]\n\"Big20K\"=hex:"
                       << hexList(kib20) << "\n\"Big70K\"=hex(3):" << hexList(kib70)
                       << "\n\"Text\"=\"merged text\"\n";
    log = run("hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\\TEST' " + quote(out) + " " +
                  quote(reg) + " 2>&1",
              status);
    ASSERT_EQ(status, 0) << log.substr(0, 2000);
  } else {
    std::cout << "[   NOTE   ] hivexregedit not on PATH (Debian package libwin-hivex-perl): "
                 "values over 16 KiB written by hivex are not checked\n";
  }

  std::string written = load(out);
  RegfHive h = parseOk(written, "hivex-written");
  EXPECT_EQ(valueOk(h, "hivexkey", "").data, regSz("hivex default"));
  EXPECT_EQ(valueOk(h, "HivexKey", "count"), (RegistryData{true, kRegDword, regDword(0x12345678)}));
  EXPECT_EQ(valueOk(h, "HivexKey", "Big3K"), (RegistryData{true, kRegBinary, kib3}));
  EXPECT_EQ(valueOk(h, "HivexKey", "When"),
            (RegistryData{true, kRegQword, regQword(0x0102030405060708ull)}));
  auto subs = h.subkeyNames(findOk(h, "HivexKey"));
  ASSERT_TRUE(subs) << subs.error().message;
  EXPECT_EQ(subs->size(), merged ? 601u : 600u);
  for (int i : {0, 1, 99, 317, 599}) findOk(h, "HivexKey\\sub" + std::to_string(i));
  for (const char* list : {"lf", "lh", "li", "ri"}) {
    auto names = h.subkeyNames(findOk(h, std::string("Lists\\") + list));
    ASSERT_TRUE(names) << list << ": " << names.error().message;
    EXPECT_EQ(*names, (std::vector<std::string>{"AAA", "Added", "Child0", "Child1", "Child2",
                                                "Child3", "Child4", "zzz"}))
        << list;
  }
  EXPECT_EQ(valueOk(h, "ControlSet001\\Services\\viostor", "Start").data, regDword(3));
  auto names = h.valueNames(findOk(h, "ControlSet001\\Services\\viostor"));
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 1u) << "setval replaced the values";
  if (merged) {
    EXPECT_EQ(valueOk(h, "HivexKey\\Merged", "Big20K"), (RegistryData{true, kRegBinary, kib20}));
    EXPECT_EQ(valueOk(h, "HivexKey\\Merged", "Big70K"), (RegistryData{true, kRegBinary, kib70}));
    EXPECT_EQ(valueOk(h, "HivexKey\\Merged", "Text").data, regSz("merged text"));
    // And the whole hive read by hivex and by us agrees.
    EXPECT_GT(compareWithExport(out, h), 600);
  } else {
    EXPECT_GT(compareWithHivex(out, h, ""), 600);
  }
}
#else
TEST(RegfHivex, Skipped) { GTEST_SKIP() << "hivex is not available on Windows"; }
#endif

}  // namespace
}  // namespace guestprep::os_windows
