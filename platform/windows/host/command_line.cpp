// Quoting of argv into a Windows command line.
#include "host/command_line.h"

namespace guestprep::os_windows {

std::string quoteArgument(std::string_view arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string_view::npos) {
    return std::string(arg);
  }
  std::string out = "\"";
  std::size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    // Backslashes before a quote are doubled, and the quote escaped; elsewhere they are literal.
    out.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
    backslashes = 0;
    out += c;
  }
  // Before the closing quote, backslashes are doubled so it stays a closing quote.
  out.append(backslashes * 2, '\\');
  out += '"';
  return out;
}

std::string buildCommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& a : argv) line += (line.empty() ? "" : " ") + quoteArgument(a);
  return line;
}

}  // namespace guestprep::os_windows
