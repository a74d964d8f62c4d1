// Parser for INI-style files (GLib key files and systemd unit-style files).
#include "parsers/ini.h"

#include "parsers/text.h"

namespace guestprep::os_linux {

const IniEntry* IniSection::find(std::string_view key) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

std::vector<const IniSection*> IniFile::all(std::string_view name) const {
  std::vector<const IniSection*> out;
  for (const IniSection& s : sections) {
    if (s.name == name) out.push_back(&s);
  }
  return out;
}

const IniEntry* IniFile::find(std::string_view section, std::string_view key) const {
  for (auto it = sections.rbegin(); it != sections.rend(); ++it) {
    if (it->name != section) continue;
    if (const IniEntry* e = it->find(key)) return e;
  }
  return nullptr;
}

std::vector<const IniEntry*> IniFile::findAll(std::string_view section,
                                              std::string_view key) const {
  std::vector<const IniEntry*> out;
  for (const IniSection& s : sections) {
    if (s.name != section) continue;
    for (const IniEntry& e : s.entries) {
      if (e.key == key) out.push_back(&e);
    }
  }
  return out;
}

std::string IniFile::get(std::string_view section, std::string_view key,
                         std::string_view fallback) const {
  const IniEntry* e = find(section, key);
  return e ? e->value : std::string(fallback);
}

namespace {

// Joins continuation lines the systemd way: the trailing backslash becomes a space, and comment
// lines inside a continued value are dropped (systemd.syntax(7)).
std::vector<LogicalLine> joinContinuations(const std::vector<LogicalLine>& physical,
                                           std::string_view comment_chars) {
  std::vector<LogicalLine> out;
  bool continuing = false;
  for (const LogicalLine& pl : physical) {
    std::string_view text = pl.text;
    std::string_view trimmed = trim(text);
    if (continuing && !trimmed.empty() &&
        comment_chars.find(trimmed.front()) != std::string_view::npos) {
      continue;
    }
    bool cont = !text.empty() && text.back() == '\\';
    if (cont) text.remove_suffix(1);
    if (continuing) {
      out.back().text += ' ';
      out.back().text += text;
    } else {
      out.push_back({pl.number, std::string(text)});
    }
    continuing = cont;
  }
  return out;
}

}  // namespace

IniFile parseIni(std::string_view text, const IniOptions& options) {
  IniFile file;
  std::vector<LogicalLine> lines = splitLogicalLines(text, /*backslash_continuation=*/false);
  if (options.backslash_continuation) lines = joinContinuations(lines, options.comment_chars);
  // A UTF-8 byte-order mark is tolerated by both GLib and systemd.
  if (!lines.empty() && lines.front().text.starts_with("\xEF\xBB\xBF")) {
    lines.front().text.erase(0, 3);
  }
  for (const LogicalLine& ll : lines) {
    std::string_view line = trim(ll.text);
    if (line.empty() || options.comment_chars.find(line.front()) != std::string_view::npos) {
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        file.problems.push_back({"", ll.number, "malformed section header: " + std::string(line)});
        continue;
      }
      file.sections.push_back({std::string(trim(line.substr(1, line.size() - 2))), ll.number, {}});
      continue;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0 || trim(line.substr(0, eq)).empty()) {
      file.problems.push_back({"", ll.number, "not a key=value line: " + std::string(line)});
      continue;
    }
    if (file.sections.empty()) {
      file.problems.push_back(
          {"", ll.number, "assignment before the first [section]: " + std::string(line)});
      continue;
    }
    file.sections.back().entries.push_back(
        {std::string(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1))), ll.number});
  }
  return file;
}

}  // namespace guestprep::os_linux
