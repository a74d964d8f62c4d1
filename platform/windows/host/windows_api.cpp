// Helpers of the WindowsApi types shared by every implementation (names, evidence text).
#include <cstdio>

#include "host/windows_api.h"
#include "parsers/win_text.h"

namespace guestprep::os_windows {

std::string_view toString(RegType t) {
  switch (t) {
    case RegType::kNone:
      return "REG_NONE";
    case RegType::kSz:
      return "REG_SZ";
    case RegType::kExpandSz:
      return "REG_EXPAND_SZ";
    case RegType::kBinary:
      return "REG_BINARY";
    case RegType::kDword:
      return "REG_DWORD";
    case RegType::kDwordBigEndian:
      return "REG_DWORD_BIG_ENDIAN";
    case RegType::kLink:
      return "REG_LINK";
    case RegType::kMultiSz:
      return "REG_MULTI_SZ";
    case RegType::kQword:
      return "REG_QWORD";
    case RegType::kOther:
      return "REG_(other)";
  }
  return "REG_(other)";
}

std::string describeRegValue(const RegValue& v) {
  switch (v.type) {
    case RegType::kSz:
    case RegType::kExpandSz:
      return "\"" + v.text + "\"";
    case RegType::kDword:
    case RegType::kQword: {
      char buf[64];
      std::snprintf(
          buf, sizeof buf, v.type == RegType::kDword ? "0x%08llx (%llu)" : "0x%016llx (%llu)",
          static_cast<unsigned long long>(v.number), static_cast<unsigned long long>(v.number));
      return buf;
    }
    case RegType::kMultiSz: {
      std::string out;
      for (const auto& s : v.strings) out += (out.empty() ? "\"" : ", \"") + s + "\"";
      return "[" + out + "]";
    }
    default: {
      std::string out = "hex:";
      for (std::size_t i = 0; i < v.bytes.size() && i < 32; ++i) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%s%02x", i ? "," : "",
                      static_cast<unsigned>(static_cast<unsigned char>(v.bytes[i])));
        out += buf;
      }
      if (v.bytes.size() > 32) out += ",...";
      return out;
    }
  }
}

std::string normaliseRegKey(std::string_view key) {
  static constexpr std::pair<std::string_view, std::string_view> kHives[] = {
      {"HKEY_LOCAL_MACHINE", "HKLM"},
      {"HKEY_CURRENT_USER", "HKCU"},
      {"HKEY_CLASSES_ROOT", "HKCR"},
      {"HKEY_USERS", "HKU"},
      {"HKEY_CURRENT_CONFIG", "HKCC"}};
  std::string out;
  for (char c : key) {
    char d = c == '/' ? '\\' : c;
    if (d == '\\' && (out.empty() || out.back() == '\\')) continue;
    out += d;
  }
  while (!out.empty() && out.back() == '\\') out.pop_back();
  std::size_t sep = out.find('\\');
  std::string hive = out.substr(0, sep);
  for (const auto& [long_name, short_name] : kHives) {
    if (equalsNoCase(hive, long_name) || equalsNoCase(hive, short_name)) {
      out.replace(0, hive.size(), short_name);
      break;
    }
  }
  return out;
}

std::string_view toString(StartType t) {
  switch (t) {
    case StartType::kBoot:
      return "boot";
    case StartType::kSystem:
      return "system";
    case StartType::kAuto:
      return "auto";
    case StartType::kDemand:
      return "demand";
    case StartType::kDisabled:
      return "disabled";
    case StartType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

StartType startTypeFromValue(std::uint64_t start) {
  return start <= 4 ? static_cast<StartType>(start) : StartType::kUnknown;
}

std::string_view toString(FirewallProfile p) {
  switch (p) {
    case FirewallProfile::kDomain:
      return "domain";
    case FirewallProfile::kPrivate:
      return "private";
    case FirewallProfile::kPublic:
      return "public";
  }
  return "unknown";
}

}  // namespace guestprep::os_windows
