// Parser for sshd_config lines, Match blocks and ListenAddress values.
#include "parsers/firewall_sshd_config.h"

#include <charconv>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// OpenSSH's argv_split(): blanks separate words, double quotes group, a backslash escapes the
// next character, and a word starting with `#` ends the line.
std::vector<std::string> splitArgs(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size() || s[i] == '#') break;
    std::string word;
    bool quoted = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (!quoted && (c == ' ' || c == '\t')) break;
      if (c == '\\' && i + 1 < s.size()) {
        word += s[++i];
      } else if (c == '"') {
        quoted = !quoted;
      } else {
        word += c;
      }
    }
    out.push_back(std::move(word));
  }
  return out;
}

}  // namespace

SshdConfigFile parseSshdConfig(std::string_view text, bool in_match_at_start) {
  SshdConfigFile out;
  bool in_match = in_match_at_start;
  for (const LogicalLine& ll : splitLogicalLines(text, false)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line[0] == '#') continue;
    // The keyword ends at a blank or `=` (servconf.c strdelim: "Key=value", "Key = value").
    std::size_t end = line.find_first_of(" \t=");
    std::string keyword = toLower(line.substr(0, end));
    std::string_view rest = end == std::string_view::npos ? std::string_view{} : line.substr(end);
    rest = trim(rest);
    if (!rest.empty() && rest[0] == '=') rest = trim(rest.substr(1));
    SshdDirective d{keyword, splitArgs(rest), ll.number, in_match};
    if (keyword == "match") {
      in_match = true;
      d.in_match = true;
    }
    if (d.args.empty() && keyword != "match") {
      out.problems.push_back(
          {"", ll.number, "keyword " + std::string(line.substr(0, end)) + " has no argument"});
      continue;
    }
    out.directives.push_back(std::move(d));
  }
  return out;
}

std::optional<SshdListenAddress> parseListenAddress(std::string_view arg) {
  SshdListenAddress out;
  std::string_view port;
  if (!arg.empty() && arg[0] == '[') {
    auto close = arg.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(arg.substr(1, close - 1));
    std::string_view after = arg.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    auto first = arg.find(':');
    if (first != std::string_view::npos && arg.find(':', first + 1) == std::string_view::npos) {
      out.host = std::string(arg.substr(0, first));
      port = arg.substr(first + 1);
    } else {
      out.host = std::string(arg);  // no colon, or a bare IPv6 address
    }
  }
  if (!port.empty()) {
    int v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v < 1 || v > 65535)
      return std::nullopt;
    out.port = v;
  }
  if (out.host.empty()) return std::nullopt;
  return out;
}

}  // namespace guestprep::os_linux
