// Pure parsers of dpkg's database: status stanzas, md5sums lines, diversion triplets.
#include "parsers/software_dpkg.h"

#include <algorithm>
#include <cctype>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

bool isMd5(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

std::string absolute(std::string_view rel) {
  return rel.starts_with('/') ? std::string(rel) : "/" + std::string(rel);
}

}  // namespace

bool DpkgPackage::installed() const {
  // dpkg(1) "Package states": the third word of Status is the package state.
  std::vector<std::string> w = splitWords(status);
  if (w.size() != 3) return false;
  return w[2] == "installed" || w[2] == "triggers-pending" || w[2] == "triggers-awaited" ||
         w[2] == "half-configured";
}

DpkgStatus parseDpkgStatus(std::string_view text) {
  DpkgStatus out;
  DpkgPackage cur;
  bool in_stanza = false;
  std::string field;  // the field the continuation lines belong to
  auto flush = [&] {
    if (in_stanza) {
      if (cur.name.empty()) {
        out.problems.push_back({"", cur.line, "stanza without a Package field"});
      } else {
        out.packages.push_back(std::move(cur));
      }
    }
    cur = DpkgPackage{};
    in_stanza = false;
    field.clear();
  };
  for (const LogicalLine& l : splitLogicalLines(text, false)) {
    std::string_view line = l.text;
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if (!in_stanza) {
      in_stanza = true;
      cur.line = l.number;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (field == "conffiles") {
        std::vector<std::string> w = splitWords(line);
        if (w.size() < 2 || !w[0].starts_with('/')) {
          out.problems.push_back({"", l.number, "malformed Conffiles line"});
          continue;
        }
        DpkgConffile c{w[0], toLower(w[1]), false, l.number};
        c.obsolete = std::find(w.begin() + 2, w.end(), "obsolete") != w.end();
        cur.conffiles.push_back(std::move(c));
      } else if (field.empty()) {
        out.problems.push_back({"", l.number, "continuation line outside a field"});
      }
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      out.problems.push_back({"", l.number, "line is neither 'Field: value' nor a continuation"});
      field.clear();
      continue;
    }
    field = toLower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if (field == "package") {
      cur.name = value;
      cur.line = l.number;
    } else if (field == "version") {
      cur.version = value;
    } else if (field == "architecture") {
      cur.arch = value;
    } else if (field == "status") {
      cur.status = value;
    }
  }
  flush();
  return out;
}

Md5sums parseMd5sums(std::string_view text) {
  Md5sums out;
  for (const LogicalLine& l : splitLogicalLines(text, false)) {
    std::string_view line = l.text;
    if (trim(line).empty()) continue;
    // md5sum(1): the hash, then a space and a mode character (' ' text, '*' binary), then the
    // name; the name may itself contain blanks, so split only once.
    if (line.size() < 35 || !isMd5(line.substr(0, 32)) || line[32] != ' ') {
      out.problems.push_back({"", l.number, "not an md5sum line"});
      continue;
    }
    std::string_view rest = line.substr(33);
    if (!rest.empty() && (rest.front() == ' ' || rest.front() == '*')) rest.remove_prefix(1);
    if (rest.empty()) {
      out.problems.push_back({"", l.number, "md5sum line without a file name"});
      continue;
    }
    out.entries.push_back({absolute(rest), toLower(line.substr(0, 32)), l.number});
  }
  return out;
}

std::vector<DpkgDiversion> parseDpkgDiversions(std::string_view text,
                                               std::vector<ConfigProblem>& problems) {
  std::vector<DpkgDiversion> out;
  std::vector<LogicalLine> lines = splitLogicalLines(text, false);
  // A trailing empty line from the final newline is not a record.
  while (!lines.empty() && lines.back().text.empty()) lines.pop_back();
  if (lines.size() % 3 != 0) {
    problems.push_back({"", lines.empty() ? 0 : lines.back().number,
                        "diversions file does not hold whole (from, to, package) triplets"});
  }
  for (std::size_t i = 0; i + 2 < lines.size(); i += 3) {
    out.push_back({lines[i].text, lines[i + 1].text, lines[i + 2].text});
  }
  return out;
}

}  // namespace guestprep::os_linux
