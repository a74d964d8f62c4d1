// Parser for shell-style KEY=value files.
#include "parsers/shell_vars.h"

#include <algorithm>
#include <cctype>

#include "parsers/text.h"

namespace guestprep::os_linux {

const ShellVar* ShellVarsFile::find(std::string_view key) const {
  for (auto it = vars.rbegin(); it != vars.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

std::string ShellVarsFile::get(std::string_view key, std::string_view fallback) const {
  const ShellVar* v = find(key);
  return v ? v->value : std::string(fallback);
}

namespace {

bool isKeyChar(char c, bool first) {
  return c == '_' || std::isalpha(static_cast<unsigned char>(c)) ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Reads the value part of an assignment starting at `pos`; stops at an unquoted blank or `#`
// that starts a comment. Returns false on an unterminated quote.
bool readValue(std::string_view s, std::size_t pos, std::string& out) {
  char quote = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    char c = s[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        out += c;
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < s.size() &&
                 (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == '$' || s[i + 1] == '`')) {
        out += s[++i];
      } else {
        out += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\' && i + 1 < s.size()) {
      out += s[++i];
    } else if (c == ' ' || c == '\t' || c == ';') {
      // The rest of the line is a comment or another command; simple config files have neither.
      return true;
    } else {
      out += c;
    }
  }
  return quote == 0;
}

}  // namespace

ShellVarsFile parseShellVars(std::string_view text) {
  ShellVarsFile file;
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/true)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ") || line.starts_with("export\t")) {
      line = trim(line.substr(7));
    }
    std::size_t k = 0;
    while (k < line.size() && isKeyChar(line[k], k == 0)) ++k;
    std::size_t after_key = k;
    while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
    if (after_key == 0 || k >= line.size() || line[k] != '=') {
      file.problems.push_back({"", ll.number, "not a KEY=value assignment: " + std::string(line)});
      continue;
    }
    bool spaced = k != after_key;
    std::size_t vpos = k + 1;
    if (spaced || (vpos < line.size() && (line[vpos] == ' ' || line[vpos] == '\t'))) {
      // `KEY = value` is not valid shell; tools such as initscripts still read it, so keep it.
      spaced = true;
      while (vpos < line.size() && (line[vpos] == ' ' || line[vpos] == '\t')) ++vpos;
    }
    std::string value;
    if (!readValue(line, vpos, value)) {
      file.problems.push_back({"", ll.number, "unterminated quote"});
    }
    if (spaced) {
      file.problems.push_back(
          {"", ll.number, "spaces around '=' (a shell would not read this line)"});
    }
    file.vars.push_back({std::string(line.substr(0, after_key)), std::move(value), ll.number});
  }
  return file;
}

bool isYes(std::string_view value) {
  std::string v = toLower(trim(value));
  return v == "yes" || v == "true" || v == "on" || v == "1" || v == "y";
}

bool isNo(std::string_view value) {
  std::string v = toLower(trim(value));
  return v == "no" || v == "false" || v == "off" || v == "0" || v == "n";
}

}  // namespace guestprep::os_linux
