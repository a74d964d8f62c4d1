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

namespace guestprep::os_windows {

namespace {

void appendUtf16(std::string& out, std::string_view utf8) {
  for (char16_t u : utf8ToUtf16(utf8)) {
    out += static_cast<char>(u & 0xff);
    out += static_cast<char>(u >> 8);
  }
  out.append(2, '\0');
}

/// UTF-16LE data split at its NULs (a trailing odd byte is ignored, as Windows does).
std::vector<std::string> utf16Strings(std::string_view bytes) {
  std::vector<std::string> out;
  std::u16string cur;
  bool open = false;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    char16_t u = static_cast<char16_t>(static_cast<unsigned char>(bytes[i]) |
                                       (static_cast<unsigned char>(bytes[i + 1]) << 8));
    if (u == 0) {
      out.push_back(utf16ToUtf8(cur));
      cur.clear();
      open = false;
    } else {
      cur += u;
      open = true;
    }
  }
  if (open) out.push_back(utf16ToUtf8(cur));
  return out;
}

}  // namespace

RegistryData toRegistryData(const RegValue& v) {
  RegistryData d;
  d.exists = true;
  d.type = static_cast<std::uint32_t>(v.type);
  switch (v.type) {
    case RegType::kSz:
    case RegType::kExpandSz:
      appendUtf16(d.data, v.text);
      break;
    case RegType::kMultiSz:
      for (const auto& s : v.strings) appendUtf16(d.data, s);
      d.data.append(2, '\0');
      break;
    case RegType::kDword:
    case RegType::kQword:
      for (int i = 0; i < (v.type == RegType::kDword ? 4 : 8); ++i) {
        d.data += static_cast<char>((v.number >> (8 * i)) & 0xff);
      }
      break;
    case RegType::kOther:
      d.type = 0xffffffffu;  // the original type number is not kept by RegValue
      d.data = v.bytes;
      break;
    default:
      d.data = v.bytes;
      break;
  }
  return d;
}

Result<RegValue> fromRegistryData(const RegistryData& d) {
  if (!d.exists) return fail(ErrorCode::kInvalidInput, "an absent value has no data");
  RegValue v;
  switch (d.type) {
    case 1:
    case 2: {
      v.type = d.type == 1 ? RegType::kSz : RegType::kExpandSz;
      auto parts = utf16Strings(d.data);
      v.text = parts.empty() ? std::string() : parts.front();
      break;
    }
    case 7: {
      v.type = RegType::kMultiSz;
      for (auto& s : utf16Strings(d.data)) {
        if (s.empty()) break;
        v.strings.push_back(std::move(s));
      }
      break;
    }
    case 4:
    case 11: {
      v.type = d.type == 4 ? RegType::kDword : RegType::kQword;
      std::size_t n = d.type == 4 ? 4 : 8;
      if (d.data.size() != n) {
        return fail(ErrorCode::kInvalidInput, std::string(toString(v.type)) + " data of " +
                                                  std::to_string(d.data.size()) + " bytes");
      }
      for (std::size_t i = 0; i < n; ++i) {
        v.number |= static_cast<std::uint64_t>(static_cast<unsigned char>(d.data[i])) << (8 * i);
      }
      break;
    }
    case 0:
    case 3:
    case 5:
    case 6:
      v.type = static_cast<RegType>(d.type);
      v.bytes = d.data;
      break;
    default:
      v.type = RegType::kOther;
      v.bytes = d.data;
      break;
  }
  return v;
}

Result<ServiceInfo> serviceFromRegistry(const WindowsApi& api, std::string_view name) {
  std::string key = serviceKey(name);
  auto start = api.regValue(key, "Start");
  if (!start) return std::unexpected(start.error());
  ServiceInfo s;
  s.name = std::string(name);
  s.start_type = startTypeFromValue(start->number);
  if (auto d = api.regValue(key, "DelayedAutostart"); d && d->number != 0) {
    s.delayed_auto_start = true;
  }
  if (auto d = api.regValue(key, "DisplayName")) s.display_name = d->text;
  if (auto p = api.regValue(key, "ImagePath")) s.image_path = p->text;
  return s;
}

std::string serviceKey(std::string_view name) {
  return "HKLM\\SYSTEM\\CurrentControlSet\\Services\\" + std::string(name);
}

}  // namespace guestprep::os_windows
