// Parser of INF files as secedit writes them, and the password policy they state.
#include "parsers/secedit.h"

#include <charconv>

#include "parsers/win_text.h"

namespace guestprep::os_windows {

const InfEntry* InfFile::find(std::string_view section, std::string_view key) const {
  const InfEntry* found = nullptr;
  for (const InfEntry& e : entries) {
    if (equalsNoCase(e.section, section) && equalsNoCase(e.key, key)) found = &e;
  }
  return found;
}

InfFile parseInf(std::string_view text) {
  InfFile out;
  std::string section;
  int line_no = 0;
  for (std::string_view raw : splitLines(text)) {
    ++line_no;
    std::string_view line = trimBlanks(raw);
    if (line.empty() || line.starts_with(';')) continue;
    if (line.starts_with('[')) {
      if (!line.ends_with(']')) {
        out.problems.push_back({"", line_no, "a section header must end with ']'"});
        continue;
      }
      section = std::string(trimBlanks(line.substr(1, line.size() - 2)));
      continue;
    }
    if (section.empty()) {
      out.problems.push_back({"", line_no, "an entry before any [section]"});
      continue;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      // Some sections (e.g. [Version] signature lines) are lists; keep them as keys only.
      out.entries.push_back({section, std::string(line), "", line_no});
      continue;
    }
    out.entries.push_back({section, std::string(trimBlanks(line.substr(0, eq))),
                           std::string(trimBlanks(line.substr(eq + 1))), line_no});
  }
  return out;
}

namespace {

std::optional<int> intValue(const InfFile& inf, std::string_view key, int* line = nullptr) {
  const InfEntry* e = inf.find("System Access", key);
  if (!e) return std::nullopt;
  int v = 0;
  const char* end = e->value.data() + e->value.size();
  auto [p, ec] = std::from_chars(e->value.data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  if (line) *line = e->line;
  return v;
}

}  // namespace

SeceditPasswordPolicy seceditPasswordPolicy(const InfFile& inf) {
  SeceditPasswordPolicy p;
  p.minimum_length = intValue(inf, "MinimumPasswordLength", &p.line_minimum_length);
  if (auto c = intValue(inf, "PasswordComplexity", &p.line_complexity)) p.complexity = *c != 0;
  p.history_size = intValue(inf, "PasswordHistorySize");
  p.maximum_age_days = intValue(inf, "MaximumPasswordAge");
  p.minimum_age_days = intValue(inf, "MinimumPasswordAge");
  if (auto r = intValue(inf, "ClearTextPassword")) p.reversible = *r != 0;
  return p;
}

}  // namespace guestprep::os_windows
