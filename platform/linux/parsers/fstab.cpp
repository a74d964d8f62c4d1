// Parsers for fstab / /proc/mounts, crypttab and blkid output.
#include "parsers/fstab.h"

#include <cctype>
#include <charconv>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

bool isOctal(char c) { return c >= '0' && c <= '7'; }

// A whole decimal number (libmount's next_s32 accepts nothing else before a blank).
bool parseNumber(const std::string& word, int& out) {
  const char* end = word.data() + word.size();
  auto [ptr, ec] = std::from_chars(word.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool isCommentOrBlank(std::string_view line) {
  std::string_view t = trim(line);
  return t.empty() || t.front() == '#';
}

}  // namespace

std::string unmangleFstabField(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && isOctal(field[i + 1]) &&
        isOctal(field[i + 2]) && isOctal(field[i + 3])) {
      out.push_back(static_cast<char>(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) |
                                      (field[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

FstabFile parseFstab(std::string_view text) {
  FstabFile file;
  for (const LogicalLine& line : splitLogicalLines(text, false)) {
    if (isCommentOrBlank(line.text)) continue;
    std::vector<std::string> words = splitWords(line.text);
    if (words.size() < 3) {
      file.problems.push_back({"", line.number,
                               "malformed entry (needs at least device, mount point and type): " +
                                   std::string(trim(line.text))});
      continue;
    }
    FstabEntry e;
    e.source.line = line.number;
    e.spec = unmangleFstabField(words[0]);
    e.file = unmangleFstabField(words[1]);
    e.vfstype = unmangleFstabField(words[2]);
    std::string opts = words.size() > 3 ? unmangleFstabField(words[3]) : "defaults";
    e.options = split(opts, ',');
    bool ok = true;
    if (words.size() > 4 && !parseNumber(words[4], e.freq)) ok = false;
    if (ok && words.size() > 5 && !parseNumber(words[5], e.passno)) ok = false;
    if (!ok) {
      file.problems.push_back({"", line.number,
                               "malformed entry (dump and pass fields must be numbers): " +
                                   std::string(trim(line.text))});
      continue;
    }
    file.entries.push_back(std::move(e));
  }
  return file;
}

CrypttabFile parseCrypttab(std::string_view text) {
  CrypttabFile file;
  for (const LogicalLine& line : splitLogicalLines(text, false)) {
    if (isCommentOrBlank(line.text)) continue;
    std::vector<std::string> words = splitWords(line.text);
    if (words.size() < 2) {
      file.problems.push_back(
          {"", line.number, "malformed entry (needs a name and a device): " + line.text});
      continue;
    }
    CrypttabEntry e;
    e.source.line = line.number;
    e.name = words[0];
    e.device = words[1];
    file.entries.push_back(std::move(e));
  }
  return file;
}

BlkidOutput parseBlkid(std::string_view text) {
  BlkidOutput out;
  for (const LogicalLine& line : splitLogicalLines(text, false)) {
    std::string_view s = trim(line.text);
    if (s.empty()) continue;
    std::size_t colon = s.find(": ");
    if (colon == std::string_view::npos && s.ends_with(':')) colon = s.size() - 1;
    if (colon == std::string_view::npos || colon == 0) {
      out.problems.push_back(
          {"", line.number, "not a `DEVICE: TAG=\"value\"` line: " + std::string(s)});
      continue;
    }
    BlkidDevice dev;
    dev.device = std::string(s.substr(0, colon));
    std::size_t i = colon + 1;
    bool bad = false;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      if (i >= s.size()) break;
      std::size_t eq = s.find("=\"", i);
      if (eq == std::string_view::npos) {
        bad = true;
        break;
      }
      std::string key(s.substr(i, eq - i));
      std::string value;
      std::size_t j = eq + 2;
      bool closed = false;
      for (; j < s.size(); ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          value.push_back(s[++j]);
        } else if (s[j] == '"') {
          closed = true;
          break;
        } else {
          value.push_back(s[j]);
        }
      }
      if (!closed || key.empty()) {
        bad = true;
        break;
      }
      dev.tags[key] = value;
      i = j + 1;
    }
    if (bad) {
      out.problems.push_back({"", line.number, "malformed tags: " + std::string(s)});
      continue;
    }
    out.devices.push_back(std::move(dev));
  }
  return out;
}

}  // namespace guestprep::os_linux
