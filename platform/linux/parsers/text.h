// Small text helpers shared by the pure parsers: trimming, splitting, line numbering.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_linux {

/// One logical line with the 1-based number of the physical line where it starts.
struct LogicalLine {
  int number = 0;
  std::string text;
};

/// Splits text into lines (LF or CRLF). With `backslash_continuation`, a line ending in a
/// backslash is joined with the next one (the backslash removed).
std::vector<LogicalLine> splitLogicalLines(std::string_view text, bool backslash_continuation);

std::string_view trim(std::string_view s);
std::string toLower(std::string_view s);
/// Splits on runs of blanks (spaces and tabs).
std::vector<std::string> splitWords(std::string_view s);
/// Splits on a separator, keeping empty fields.
std::vector<std::string> split(std::string_view s, char sep);
/// Shell-style glob match supporting `*`, `?` and `[...]` (used for source-directory, udev).
bool globMatch(std::string_view pattern, std::string_view text);
/// Normalises a MAC to lower case with colons; returns "" when it is not a MAC.
std::string normaliseMac(std::string_view mac);

}  // namespace guestprep::os_linux
