// Parser for sysctl.conf / sysctl.d files and the order in which the boot applies them.
#include "parsers/sysctl.h"

#include <algorithm>
#include <map>

#include "parsers/text.h"

namespace guestprep::os_linux {

std::string normaliseSysctlKey(std::string_view key) {
  std::string out(key);
  std::size_t first = out.find_first_of("./");
  if (first == std::string::npos || out[first] == '.') return out;
  for (char& c : out) {
    if (c == '/') {
      c = '.';
    } else if (c == '.') {
      c = '/';
    }
  }
  return out;
}

SysctlFile parseSysctl(std::string_view text) {
  SysctlFile file;
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/false)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      if (line.front() != '-') {
        file.problems.push_back(
            {"", ll.number, "not a key = value assignment: " + std::string(line)});
      }
      continue;
    }
    SysctlLine s;
    s.line = ll.number;
    std::string_view key = trim(line.substr(0, eq));
    if (!key.empty() && key.front() == '-') {
      s.ignore_failure = true;
      key = trim(key.substr(1));
    }
    if (key.empty()) {
      file.problems.push_back({"", ll.number, "assignment without a key: " + std::string(line)});
      continue;
    }
    s.key = normaliseSysctlKey(key);
    s.value = std::string(trim(line.substr(eq + 1)));
    file.settings.push_back(std::move(s));
  }
  return file;
}

std::vector<std::string> sysctlLoadOrder(const std::vector<SysctlDirListing>& listings,
                                         bool sysctl_conf_exists) {
  // std::map orders by byte value, as the C library's strcmp the tools sort with.
  std::map<std::string, std::string> chosen;
  for (const SysctlDirListing& l : listings) {
    for (const std::string& name : l.names) {
      // Hidden files are not matched by the tools' `*.conf` glob.
      if (!name.ends_with(".conf") || name.front() == '.') continue;
      chosen.try_emplace(name, l.dir + "/" + name);
    }
  }
  std::vector<std::string> out;
  out.reserve(chosen.size() + 1);
  for (auto& [name, path] : chosen) out.push_back(path);
  if (sysctl_conf_exists) out.emplace_back(kSysctlConf);
  return out;
}

}  // namespace guestprep::os_linux
