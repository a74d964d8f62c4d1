// The registry hive reader (parsers/regf) on hives made by the test writer
// (tests/support/regf_writer): every cell and list kind, exact value data, damaged hives (bad
// signature and checksum, truncation and corruption at every offset, offsets outside the hive,
// list cycles, huge counts), and (regf_hivex_test.cpp) a cross-check with hivex.
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
#include "regf_test_util.h"
#include "support/regf_writer.h"

namespace guestprep::os_windows {
namespace {

using namespace regf_testing;  // NOLINT(google-build-using-namespace)

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

}  // namespace
}  // namespace guestprep::os_windows
