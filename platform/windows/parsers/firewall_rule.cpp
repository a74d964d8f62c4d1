// Parser of registry-stored Windows Firewall rules.
#include "parsers/firewall_rule.h"

#include <charconv>

#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

bool toInt(std::string_view s, int& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

bool parseFirewallRule(std::string_view text, FirewallRule& rule, std::string& why) {
  rule = FirewallRule{};
  std::size_t bar = text.find('|');
  rule.version = std::string(text.substr(0, bar));
  if (!rule.version.starts_with("v2.")) {
    why = "not a v2 firewall rule (starts with \"" + rule.version + "\")";
    return false;
  }
  while (bar != std::string_view::npos) {
    text.remove_prefix(bar + 1);
    bar = text.find('|');
    std::string_view field = text.substr(0, bar);
    if (field.empty()) continue;
    std::size_t eq = field.find('=');
    if (eq == std::string_view::npos) {
      why = "field without '=': " + std::string(field);
      return false;
    }
    std::string key = lowerAscii(field.substr(0, eq));
    std::string_view value = field.substr(eq + 1);
    if (key == "action") {
      rule.allow = equalsNoCase(value, "Allow");
    } else if (key == "active") {
      rule.active = equalsNoCase(value, "TRUE");
    } else if (key == "dir") {
      rule.inbound = equalsNoCase(value, "In");
    } else if (key == "protocol") {
      if (!toInt(value, rule.protocol)) {
        why = "Protocol is not a number: " + std::string(value);
        return false;
      }
    } else if (key == "profile") {
      rule.profiles.emplace_back(value);
    } else if (key == "lport" || key == "lport2_10" || key == "lport2_20") {
      // One port, a range, a keyword (RPC, IPHTTPS, ...), or a comma list of them.
      while (!value.empty()) {
        std::size_t comma = value.find(',');
        rule.local_ports.emplace_back(trimBlanks(value.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
      }
    } else if (key == "name") {
      rule.name = std::string(value);
    }
  }
  return true;
}

}  // namespace guestprep::os_windows
