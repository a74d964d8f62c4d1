// Parsers for pwquality.conf / passwdqc.conf and login.defs.
#include "parsers/auth_settings.h"

#include "parsers/text.h"

namespace guestprep::os_linux {

SettingsFile parseNameValueConf(std::string_view text) {
  SettingsFile out;
  for (const LogicalLine& ll : splitLogicalLines(text, false)) {
    std::string_view body = ll.text;
    // libpwquality's settings reader ends a line at the first '#' (settings.c read_config_file).
    if (auto hash = body.find('#'); hash != std::string_view::npos) body = body.substr(0, hash);
    body = trim(body);
    if (body.empty()) continue;
    auto eq = body.find('=');
    std::string key(trim(body.substr(0, eq)));
    std::string value(eq == std::string_view::npos ? "" : trim(body.substr(eq + 1)));
    if (key.empty() || key.find_first_of(" \t") != std::string::npos) {
      out.problems.push_back(
          {"", ll.number, "not a name = value line: '" + std::string(body) + "'"});
      continue;
    }
    out.settings.push_back({{"", ll.number}, std::move(key), std::move(value)});
  }
  return out;
}

SettingsFile parseLoginDefs(std::string_view text) {
  SettingsFile out;
  for (const LogicalLine& ll : splitLogicalLines(text, false)) {
    std::string_view body = trim(ll.text);
    if (body.empty() || body.front() == '#') continue;
    auto words = splitWords(body);
    if (words.size() < 2) {
      out.problems.push_back({"", ll.number, "no value for '" + std::string(body) + "'"});
      continue;
    }
    // The value is the rest of the line (shadow's getdef.c keeps it up to the end of line).
    std::string_view rest = trim(body.substr(words[0].size()));
    out.settings.push_back({{"", ll.number}, words[0], std::string(rest)});
  }
  return out;
}

}  // namespace guestprep::os_linux
