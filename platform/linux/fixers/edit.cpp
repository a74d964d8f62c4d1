#include "fixers/edit.h"

#include <cctype>
#include <stdexcept>

#include "core/clock.h"
#include "core/version.h"

namespace guestprep::os_linux {

TextLines::TextLines(std::string_view text) {
  std::size_t i = 0;
  final_newline_ = text.empty() || text.back() == '\n';
  while (i < text.size()) {
    std::size_t j = text.find('\n', i);
    std::string_view line = text.substr(i, j == std::string_view::npos ? text.size() - i : j - i);
    if (!line.empty() && line.back() == '\r') {
      crlf_ = true;
      line.remove_suffix(1);
    }
    lines_.emplace_back(line);
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
}

std::string TextLines::str() const {
  std::string out;
  const char* eol = crlf_ ? "\r\n" : "\n";
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    out += lines_[i];
    if (i + 1 < lines_.size() || final_newline_) out += eol;
  }
  return out;
}

const std::string& TextLines::at(int line) const {
  if (line < 1 || static_cast<std::size_t>(line) > lines_.size()) {
    throw std::out_of_range("line " + std::to_string(line) + " is not in the file");
  }
  return lines_[static_cast<std::size_t>(line - 1)];
}

void TextLines::set(int line, std::string text) {
  (void)at(line);
  lines_[static_cast<std::size_t>(line - 1)] = std::move(text);
}

void TextLines::insert(int line, std::string text) {
  if (line < 1 || static_cast<std::size_t>(line) > lines_.size() + 1) {
    throw std::out_of_range("line " + std::to_string(line) + " is not in the file");
  }
  lines_.insert(lines_.begin() + (line - 1), std::move(text));
  // A file that had no final newline gets one once something is appended after its last line.
  if (static_cast<std::size_t>(line) == lines_.size()) final_newline_ = true;
}

void TextLines::commentOut(int line, std::string_view why) {
  set(line, "# " + editMarker() + ": " + std::string(why) + ": " + at(line));
}

std::string editMarker() {
  return std::string("guestprep ") + kVersion + " " + utcNow().substr(0, 10);
}

bool removeWord(std::string& line, std::string_view word) {
  bool removed = false;
  std::size_t pos = 0;
  while ((pos = line.find(word, pos)) != std::string::npos) {
    bool start_ok = pos == 0 || line[pos - 1] == ' ' || line[pos - 1] == '\t' ||
                    line[pos - 1] == '"' || line[pos - 1] == '\'';
    std::size_t end = pos + word.size();
    bool end_ok = end == line.size() || line[end] == ' ' || line[end] == '\t' || line[end] == '"' ||
                  line[end] == '\'';
    if (!start_ok || !end_ok) {
      pos = end;
      continue;
    }
    // Take one separating blank with it so no double space is left.
    std::size_t from = pos, to = end;
    if (to < line.size() && (line[to] == ' ' || line[to] == '\t')) {
      ++to;
    } else if (from > 0 && (line[from - 1] == ' ' || line[from - 1] == '\t')) {
      --from;
    }
    line.erase(from, to - from);
    pos = from;
    removed = true;
  }
  return removed;
}

std::optional<std::string> assignmentKey(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (line.substr(i).starts_with("export ")) i += 7;
  std::size_t k = i;
  while (k < line.size() && (std::isalnum(static_cast<unsigned char>(line[k])) || line[k] == '_')) {
    ++k;
  }
  if (k == i || k >= line.size() || line[k] != '=') return std::nullopt;
  return std::string(line.substr(i, k - i));
}

std::optional<std::string> replaceField(std::string_view line, std::size_t index,
                                        std::string_view value) {
  std::size_t i = 0, field = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (i < line.size()) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i == line.size()) break;
    std::size_t start = i;
    while (i < line.size() && !blank(line[i])) ++i;
    if (field == index) {
      return std::string(line.substr(0, start)) + std::string(value) + std::string(line.substr(i));
    }
    ++field;
  }
  return std::nullopt;
}

bool replaceWordWithPrefix(std::string& line, std::string_view prefix, std::string_view old_value,
                           std::string_view word) {
  std::string old = std::string(prefix) + std::string(old_value);
  std::size_t pos = 0;
  while ((pos = line.find(old, pos)) != std::string::npos) {
    bool start_ok = pos == 0 || line[pos - 1] == ' ' || line[pos - 1] == '\t' ||
                    line[pos - 1] == '"' || line[pos - 1] == '\'';
    std::size_t end = pos + old.size();
    bool end_ok = end == line.size() || line[end] == ' ' || line[end] == '\t' || line[end] == '"' ||
                  line[end] == '\'';
    if (start_ok && end_ok) {
      line.replace(pos, old.size(), word);
      return true;
    }
    pos = end;
  }
  return false;
}

}  // namespace guestprep::os_linux
