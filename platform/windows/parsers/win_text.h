// Text as Windows tools write it: UTF-16LE (with or without a BOM), UTF-8 (BOM or not), or a
// legacy code page (GBK, CP1252, ...), with CRLF line ends. Decoded to UTF-8 before parsing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_windows {

/// How a byte string was decoded.
enum class TextEncoding {
  kUtf8,     ///< valid UTF-8 (a BOM, if any, is dropped)
  kUtf16Le,  ///< UTF-16LE: a BOM, or NUL bytes in odd positions of ASCII text
  kUtf16Be,  ///< UTF-16BE with a BOM
  kLegacy,   ///< neither: a legacy code page; non-ASCII bytes become U+FFFD
};

struct DecodedText {
  std::string text;  ///< UTF-8, line ends as in the input
  TextEncoding encoding = TextEncoding::kUtf8;
};

/// Decodes what a Windows tool wrote. Legacy code pages cannot be told apart from the bytes
/// alone, so their non-ASCII bytes become U+FFFD: parsers must rely on ASCII structure only
/// (the live host converts console output with the system's OEM code page before this).
DecodedText decodeWindowsText(std::string_view bytes);

/// UTF-16 code units (host byte order) to UTF-8; unpaired surrogates become U+FFFD.
std::string utf16ToUtf8(const std::u16string& units);
/// UTF-8 to UTF-16 code units; invalid sequences become U+FFFD.
std::u16string utf8ToUtf16(std::string_view text);

/// Lines without their "\r\n" / "\n" ends.
std::vector<std::string_view> splitLines(std::string_view text);
/// Without leading and trailing blanks (space, tab, CR, LF, NUL).
std::string_view trimBlanks(std::string_view s);
/// ASCII case-insensitive equality.
bool equalsNoCase(std::string_view a, std::string_view b);
/// ASCII lower case.
std::string lowerAscii(std::string_view s);

std::string_view toString(TextEncoding e);

}  // namespace guestprep::os_windows
