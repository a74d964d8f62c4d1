// Pure parsers of rpm's command output (query formats and verify results).
#include "parsers/software_rpm.h"

#include "parsers/text.h"

namespace guestprep::os_linux {

std::vector<InstalledPackage> parseRpmQa(std::string_view out,
                                         std::vector<ConfigProblem>& problems) {
  std::vector<InstalledPackage> pkgs;
  for (const LogicalLine& l : splitLogicalLines(out, false)) {
    if (trim(l.text).empty()) continue;
    std::vector<std::string> f = split(l.text, '\t');
    if (f.size() != 3 || f[0].empty()) {
      problems.push_back({"", l.number, "not a 'name<TAB>version<TAB>arch' line"});
      continue;
    }
    // gpg-pubkey pseudo-packages have no arch ("(none)"); they are still listed.
    pkgs.push_back({f[0], f[1], f[2]});
  }
  return pkgs;
}

std::vector<std::pair<std::string, std::string>> parseRpmFileOwners(std::string_view out) {
  std::vector<std::pair<std::string, std::string>> owners;
  for (const LogicalLine& l : splitLogicalLines(out, false)) {
    auto tab = l.text.rfind('\t');
    if (tab == std::string::npos || tab == 0 || !l.text.starts_with('/')) continue;
    owners.emplace_back(l.text.substr(0, tab), l.text.substr(tab + 1));
  }
  return owners;
}

bool RpmVerifyLine::modified() const {
  if (flags == "missing") return true;
  for (char c : flags) {
    // rpm(8): S size, M mode or type, 5 digest, L link target; '?' means the test could not run
    // (unreadable file), which is not evidence of a change.
    if (c == 'S' || c == 'M' || c == '5' || c == 'L') return true;
  }
  return false;
}

namespace {

bool isFlagChar(char c) {
  return c == '.' || c == '?' || c == 'S' || c == 'M' || c == '5' || c == 'D' || c == 'L' ||
         c == 'U' || c == 'G' || c == 'T' || c == 'P';
}

}  // namespace

std::vector<RpmVerifyLine> parseRpmVerify(std::string_view out,
                                          std::vector<ConfigProblem>& problems) {
  std::vector<RpmVerifyLine> lines;
  for (const LogicalLine& l : splitLogicalLines(out, false)) {
    std::string_view text = l.text;
    if (trim(text).empty()) continue;
    RpmVerifyLine v;
    v.line = l.number;
    std::string_view rest;
    if (text.starts_with("missing")) {
      v.flags = "missing";
      rest = text.substr(7);
    } else {
      auto sp = text.find(' ');
      std::string_view flags = text.substr(0, sp);
      bool ok = (flags.size() == 8 || flags.size() == 9) && sp != std::string_view::npos;
      for (char c : flags) ok = ok && isFlagChar(c);
      if (!ok) {
        problems.push_back({"", l.number, "not an rpm -V result: " + std::string(trim(text))});
        continue;
      }
      v.flags = std::string(flags);
      rest = text.substr(sp);
    }
    rest = trim(rest);
    // The attribute is one character followed by a blank, before the absolute path.
    if (rest.size() > 2 && rest[0] != '/' && (rest[1] == ' ' || rest[1] == '\t')) {
      v.attr = rest[0];
      rest = trim(rest.substr(1));
    }
    if (!rest.starts_with('/')) {
      problems.push_back({"", l.number, "rpm -V result without an absolute path"});
      continue;
    }
    v.path = std::string(rest);
    lines.push_back(std::move(v));
  }
  return lines;
}

}  // namespace guestprep::os_linux
