// Helpers of the hive reader's tests (regf_test.cpp, regf_hivex_test.cpp): value types, data
// patterns, a SYSTEM-like tree, and lookups that fail the test when they fail.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/regf.h"
#include "support/regf_writer.h"

namespace guestprep::os_windows::regf_testing {

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
inline std::string pattern(std::size_t n, unsigned seed) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<char>((i * 131 + seed + (i >> 8)) & 0xFF);
  return out;
}

inline RegfTestKey key(std::string name, std::vector<RegfTestValue> values = {},
                       std::vector<RegfTestKey> subkeys = {}) {
  RegfTestKey k;
  k.name = std::move(name);
  k.values = std::move(values);
  k.subkeys = std::move(subkeys);
  return k;
}

// A SYSTEM-like tree: ControlSet001\Services\viostor with every value type.
inline RegfTestKey systemTree() {
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

inline RegfHive parseOk(const std::string& bytes, const char* what = "hive") {
  Result<RegfHive> h = RegfHive::parse(bytes, what);
  if (!h) ADD_FAILURE() << what << ": " << h.error().message;
  return std::move(h).value();
}

inline RegfHive::Key findOk(const RegfHive& h, std::string_view path) {
  Result<std::optional<RegfHive::Key>> k = h.find(h.root(), path);
  EXPECT_TRUE(k.has_value()) << path << ": " << (k ? "" : k.error().message);
  EXPECT_TRUE(k && k->has_value()) << path << " not found";
  return k && *k ? **k : RegfHive::Key{};
}

inline RegistryData valueOk(const RegfHive& h, std::string_view path, std::string_view name) {
  Result<RegistryData> v = h.value(findOk(h, path), name);
  EXPECT_TRUE(v.has_value()) << path << ":" << name << ": " << (v ? "" : v.error().message);
  return v ? *v : RegistryData{};
}

}  // namespace guestprep::os_windows::regf_testing
