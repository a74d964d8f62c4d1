// Parser for udev rules files: the rules that give an interface a name by its MAC address
// (70-persistent-net.rules and any hand-written equivalent).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One `KEY{attr}OP"value"` item of a rule.
struct UdevRuleItem {
  std::string key;    ///< "ATTR{address}", "NAME", "SUBSYSTEM"
  std::string op;     ///< "==", "!=", "=", "+=", "-=", ":="
  std::string value;  ///< unquoted
};

/// One rule (one logical line) of a rules file.
struct UdevRule {
  int line = 0;
  std::vector<UdevRuleItem> items;
};

/// The rules of a file that bind a name to a MAC, plus lines that could not be read.
struct UdevRulesFile {
  std::vector<UdevRule> rules;              ///< every rule, for callers that need more
  std::vector<PersistentNetRule> bindings;  ///< source.file left empty; line set
  std::vector<ConfigProblem> problems;      ///< file left empty; line and message set
};

/// Parses udev rules (udev(7)): one rule per line, a trailing backslash continues it, `#` starts
/// a comment line; items are `KEY`, `KEY{attr}` followed by an operator and a double-quoted
/// value, separated by commas and blanks. A rule binds when it matches `ATTR{address}==`
/// (or the older `SYSFS{address}==`, or `ATTRS{address}==`) and assigns `NAME=` or `NAME:=`.
/// A MAC in colon form is normalised to lower case; other text (a glob) is kept in lower case.
/// udev compares case-sensitively against the lower-case sysfs address, so a MAC written in
/// upper case never matches: such a rule is kept and also reported.
UdevRulesFile parseUdevRules(std::string_view text);

}  // namespace guestprep::os_linux
