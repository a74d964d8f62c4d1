// Decoding of Windows tool output (UTF-16LE/BE, UTF-8, legacy code pages) to UTF-8.
#include "parsers/win_text.h"

#include <algorithm>
#include <cstdint>

namespace guestprep::os_windows {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one UTF-8 sequence at `i`; returns the code point and advances `i`, or returns
// nothing (and advances by one byte) on an invalid sequence.
bool nextUtf8(std::string_view s, std::size_t& i, char32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return false;
  }
  char32_t v = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((c >> 6) != 2) {
      ++i;
      return false;
    }
    v = (v << 6) | (c & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    ++i;
    return false;
  }
  i += static_cast<std::size_t>(len);
  cp = v;
  return true;
}

bool validUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    if (!nextUtf8(s, i, cp)) return false;
  }
  return true;
}

std::string utf16BytesToUtf8(std::string_view bytes, bool little_endian) {
  std::u16string units;
  units.reserve(bytes.size() / 2);
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    auto lo = static_cast<unsigned char>(bytes[little_endian ? i : i + 1]);
    auto hi = static_cast<unsigned char>(bytes[little_endian ? i + 1 : i]);
    units.push_back(static_cast<char16_t>(lo | (hi << 8)));
  }
  std::string out = utf16ToUtf8(units);
  if (bytes.size() % 2 != 0) appendUtf8(out, kReplacement);  // a truncated last unit
  return out;
}

// UTF-16LE without a BOM (wmic, PowerShell redirection): most high bytes of the first units are
// NUL while the low bytes are not.
bool looksLikeUtf16Le(std::string_view bytes) {
  std::size_t n = std::min<std::size_t>(bytes.size() / 2, 256);
  if (n < 2) return false;
  std::size_t nul_high = 0, nul_low = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (bytes[2 * i + 1] == '\0') ++nul_high;
    if (bytes[2 * i] == '\0') ++nul_low;
  }
  return nul_high * 4 >= n * 3 && nul_low * 4 < n;
}

}  // namespace

std::string utf16ToUtf8(const std::u16string& units) {
  std::string out;
  out.reserve(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    char32_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      char32_t cp = 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00);
      appendUtf8(out, cp);
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      appendUtf8(out, kReplacement);
    } else {
      appendUtf8(out, u);
    }
  }
  return out;
}

std::u16string utf8ToUtf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = kReplacement;
    nextUtf8(text, i, cp);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

DecodedText decodeWindowsText(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xFE")) {
    return {utf16BytesToUtf8(bytes.substr(2), true), TextEncoding::kUtf16Le};
  }
  if (bytes.starts_with("\xFE\xFF")) {
    return {utf16BytesToUtf8(bytes.substr(2), false), TextEncoding::kUtf16Be};
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (looksLikeUtf16Le(bytes)) return {utf16BytesToUtf8(bytes, true), TextEncoding::kUtf16Le};
  if (validUtf8(bytes)) return {std::string(bytes), TextEncoding::kUtf8};
  DecodedText out{{}, TextEncoding::kLegacy};
  out.text.reserve(bytes.size());
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) < 0x80) {
      out.text += c;
    } else {
      appendUtf8(out.text, kReplacement);
    }
  }
  return out;
}

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::string_view trimBlanks(std::string_view s) {
  constexpr std::string_view kBlanks(" \t\r\n\0", 5);
  std::size_t b = s.find_first_not_of(kBlanks);
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(kBlanks);
  return s.substr(b, e - b + 1);
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lowerAscii(a) == lowerAscii(b);
}

std::string_view toString(TextEncoding e) {
  switch (e) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
    case TextEncoding::kLegacy:
      return "legacy code page";
  }
  return "unknown";
}

}  // namespace guestprep::os_windows
