// Parser of `systeminfo` output (label-independent).
#include "parsers/systeminfo.h"

#include <cctype>
#include <charconv>

#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

// "[01]: KB958488" -> "KB958488"; other continuation text as it is.
std::string itemText(std::string_view line) {
  std::string_view t = trimBlanks(line);
  if (t.starts_with('[')) {
    std::size_t close = t.find("]:");
    if (close != std::string_view::npos) t = trimBlanks(t.substr(close + 2));
  }
  return std::string(t);
}

// "KB893803v2 - Update" -> "KB893803", "Q147222" -> "Q147222"; "" for anything else ("File 1").
std::string updateId(std::string_view item) {
  std::size_t prefix = item.starts_with("KB") ? 2 : item.starts_with('Q') ? 1 : 0;
  if (prefix == 0) return "";
  std::size_t end = prefix;
  while (end < item.size() && std::isdigit(static_cast<unsigned char>(item[end]))) ++end;
  return end > prefix ? std::string(item.substr(0, end)) : "";
}

void parseVersion(SystemInfo& info) {
  std::string_view v = info.os_version;
  std::uint32_t* parts[] = {&info.major, &info.minor, &info.build};
  for (std::uint32_t* part : parts) {
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *part);
    if (ec != std::errc()) return;
    v.remove_prefix(static_cast<std::size_t>(p - v.data()));
    if (!v.starts_with('.')) return;
    v.remove_prefix(1);
  }
}

}  // namespace

SystemInfo parseSystemInfo(std::string_view text) {
  SystemInfo info;
  int line_no = 0;
  for (std::string_view line : splitLines(text)) {
    ++line_no;
    if (trimBlanks(line).empty()) continue;
    bool continuation = line.starts_with(' ') || line.starts_with('\t');
    if (continuation) {
      if (info.fields.empty()) {
        info.problems.push_back({"", line_no, "indented text before the first field"});
        continue;
      }
      info.fields.back().items.push_back(itemText(line));
      continue;
    }
    // The label ends at the first ':' that is followed by a blank or the end of the line
    // (times in values, "8:13:44", have digits after theirs).
    std::size_t colon = std::string_view::npos;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) {
        colon = i;
        break;
      }
    }
    if (colon == std::string_view::npos) {
      info.problems.push_back({"", line_no, "a field line without 'label:'"});
      continue;
    }
    info.fields.push_back({std::string(trimBlanks(line.substr(0, colon))),
                           std::string(trimBlanks(line.substr(colon + 1))),
                           {},
                           line_no});
  }
  if (info.fields.size() < 3) {
    info.problems.push_back({"", 0, "not systeminfo output: fewer than three fields"});
    return info;
  }
  info.host_name = info.fields[0].value;
  info.os_name = info.fields[1].value;
  info.os_version = info.fields[2].value;
  parseVersion(info);
  if (info.major == 0) {
    info.problems.push_back(
        {"", info.fields[2].line, "the third field is not an OS version: " + info.os_version});
  }
  // The hotfix list is the field whose items are mostly update IDs; its other items are
  // "File 1" entries of old systems and lines the console cut short.
  for (const SystemInfoField& f : info.fields) {
    std::vector<std::string> ids;
    std::size_t files = 0;
    for (const std::string& item : f.items) {
      if (std::string id = updateId(item); !id.empty()) {
        ids.push_back(std::move(id));
      } else if (item.starts_with("File ")) {
        ++files;
      }
    }
    if (!ids.empty() && (ids.size() + files) * 2 >= f.items.size()) {
      info.hotfixes = std::move(ids);
      break;
    }
  }
  return info;
}

}  // namespace guestprep::os_windows
