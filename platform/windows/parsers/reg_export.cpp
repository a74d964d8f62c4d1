// Parser of registry export files (.reg).
#include "parsers/reg_export.h"

#include <charconv>

#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

// A quoted .reg string at `s` (after the opening quote): \\ and \" are escapes. Returns the
// position after the closing quote, or npos when it is not closed.
std::size_t readQuoted(std::string_view s, std::size_t pos, std::string& out) {
  for (std::size_t i = pos; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[++i];
    } else if (s[i] == '"') {
      return i + 1;
    } else {
      out += s[i];
    }
  }
  return std::string_view::npos;
}

bool parseHexBytes(std::string_view s, std::string& out) {
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    std::string_view byte = trimBlanks(s.substr(0, comma));
    if (!byte.empty()) {
      unsigned v = 0;
      auto [p, ec] = std::from_chars(byte.data(), byte.data() + byte.size(), v, 16);
      if (ec != std::errc() || p != byte.data() + byte.size() || v > 0xFF) return false;
      out += static_cast<char>(v);
    } else if (comma != std::string_view::npos) {
      return false;  // an empty element between commas
    }
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return true;
}

std::string stringFromBytes(const std::string& bytes, bool unicode) {
  std::string s;
  if (unicode) {
    std::u16string units;
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
      units.push_back(static_cast<char16_t>(static_cast<unsigned char>(bytes[i]) |
                                            (static_cast<unsigned char>(bytes[i + 1]) << 8)));
    }
    s = utf16ToUtf8(units);
  } else {
    s = decodeWindowsText(bytes).text;
  }
  return s;
}

std::vector<std::string> splitMulti(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nul = s.find('\0', start);
    if (nul == start) break;  // the empty string ends the list
    out.push_back(s.substr(start, nul - start));
    if (nul == std::string::npos) break;
    start = nul + 1;
  }
  return out;
}

std::uint64_t littleEndian(const std::string& bytes, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n && i < bytes.size(); ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return v;
}

// The data part after '=': "string", dword:, hex:, hex(N):, or - (delete).
bool parseData(std::string_view data, bool unicode, RegExportValue& v, std::string& why) {
  if (data == "-") {
    v.deleted = true;
    return true;
  }
  if (data.starts_with('"')) {
    std::string s;
    std::size_t end = readQuoted(data, 1, s);
    if (end == std::string_view::npos || !trimBlanks(data.substr(end)).empty()) {
      why = "unterminated or trailing text after a string value";
      return false;
    }
    v.value.type = RegType::kSz;
    v.value.text = std::move(s);
    return true;
  }
  std::string lower = lowerAscii(data.substr(0, std::min<std::size_t>(data.size(), 10)));
  if (lower.starts_with("dword:")) {
    std::string_view hex = trimBlanks(data.substr(6));
    std::uint32_t n = 0;
    auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), n, 16);
    if (hex.empty() || hex.size() > 8 || ec != std::errc() || p != hex.data() + hex.size()) {
      why = "dword: needs up to 8 hex digits";
      return false;
    }
    v.value.type = RegType::kDword;
    v.value.number = n;
    return true;
  }
  if (!lower.starts_with("hex")) {
    why = "unknown value data (expected \"string\", dword:, hex: or -)";
    return false;
  }
  std::size_t colon = data.find(':');
  if (colon == std::string_view::npos) {
    why = "hex value without ':'";
    return false;
  }
  std::string_view kind = data.substr(3, colon - 3);
  int type = 3;  // plain hex: is REG_BINARY
  if (!kind.empty()) {
    if (kind.size() < 3 || kind.front() != '(' || kind.back() != ')') {
      why = "malformed hex(type)";
      return false;
    }
    std::string_view t = kind.substr(1, kind.size() - 2);
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), type, 16);
    if (ec != std::errc() || p != t.data() + t.size() || type < 0) {
      why = "malformed hex(type)";
      return false;
    }
  }
  std::string bytes;
  if (!parseHexBytes(data.substr(colon + 1), bytes)) {
    why = "malformed hex bytes";
    return false;
  }
  RegValue& r = v.value;
  switch (type) {
    case 1:
    case 2: {
      std::string s = stringFromBytes(bytes, unicode);
      if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
      r.type = type == 1 ? RegType::kSz : RegType::kExpandSz;
      r.text = std::move(s);
      break;
    }
    case 7:
      r.type = RegType::kMultiSz;
      r.strings = splitMulti(stringFromBytes(bytes, unicode));
      break;
    case 4:
    case 0xb:
      if (bytes.size() != (type == 4 ? 4u : 8u)) {
        why = type == 4 ? "hex(4) needs 4 bytes" : "hex(b) needs 8 bytes";
        return false;
      }
      r.type = type == 4 ? RegType::kDword : RegType::kQword;
      r.number = littleEndian(bytes, bytes.size());
      break;
    default:
      r.type = type == 0   ? RegType::kNone
               : type == 3 ? RegType::kBinary
               : type == 5 ? RegType::kDwordBigEndian
               : type == 6 ? RegType::kLink
                           : RegType::kOther;
      r.bytes = std::move(bytes);
      break;
  }
  return true;
}

}  // namespace

RegExport parseRegExport(std::string_view text) {
  RegExport out;
  std::vector<std::string_view> lines = splitLines(text);
  std::size_t i = 0;
  // The header is the first non-blank line.
  while (i < lines.size() && trimBlanks(lines[i]).empty()) ++i;
  if (i == lines.size()) {
    out.problems.push_back({"", 0, "empty registry export"});
    return out;
  }
  std::string_view header = trimBlanks(lines[i]);
  if (header == "REGEDIT4") {
    out.unicode = false;
  } else if (!header.starts_with("Windows Registry Editor Version ")) {
    out.problems.push_back({"", static_cast<int>(i + 1),
                            "not a registry export: the first line is neither REGEDIT4 nor "
                            "\"Windows Registry Editor Version 5.00\""});
    return out;
  }
  for (++i; i < lines.size(); ++i) {
    int line_no = static_cast<int>(i + 1);
    std::string logical(trimBlanks(lines[i]));
    // A trailing backslash continues hex data on the next line.
    while (logical.ends_with('\\') && i + 1 < lines.size() && !logical.starts_with('[')) {
      logical.pop_back();
      logical += trimBlanks(lines[++i]);
    }
    if (logical.empty() || logical.starts_with(';')) continue;
    if (logical.starts_with('[')) {
      if (!logical.ends_with(']') || logical.size() < 3) {
        out.problems.push_back({"", line_no, "a key line must end with ']'"});
        continue;
      }
      RegExportKey key;
      std::string_view inner = std::string_view(logical).substr(1, logical.size() - 2);
      if (inner.starts_with('-')) {
        key.deleted = true;
        inner.remove_prefix(1);
      }
      key.path = normaliseRegKey(inner);
      key.line = line_no;
      out.keys.push_back(std::move(key));
      continue;
    }
    if (out.keys.empty()) {
      out.problems.push_back({"", line_no, "a value before any [key] line"});
      continue;
    }
    RegExportValue v;
    v.line = line_no;
    std::size_t eq;
    if (logical.starts_with('@')) {
      eq = 1;
    } else if (logical.starts_with('"')) {
      eq = readQuoted(logical, 1, v.name);
      if (eq == std::string_view::npos) {
        out.problems.push_back({"", line_no, "unterminated value name"});
        continue;
      }
    } else {
      out.problems.push_back({"", line_no, "a value line must start with \"name\" or @"});
      continue;
    }
    std::string_view rest = trimBlanks(std::string_view(logical).substr(eq));
    if (!rest.starts_with('=')) {
      out.problems.push_back({"", line_no, "expected '=' after the value name"});
      continue;
    }
    std::string why;
    if (!parseData(trimBlanks(rest.substr(1)), out.unicode, v, why)) {
      out.problems.push_back({"", line_no, why});
      continue;
    }
    out.keys.back().values.push_back(std::move(v));
  }
  return out;
}

}  // namespace guestprep::os_windows
