// Parser for shell-style KEY=value files: ifcfg-*, os-release, /etc/default/grub, selinux config.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One assignment, with quotes and escapes removed.
struct ShellVar {
  std::string key;
  std::string value;
  int line = 0;
};

/// All assignments of a file in order, plus lines that are not assignments.
struct ShellVarsFile {
  std::vector<ShellVar> vars;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set

  /// The last assignment of `key` (shell semantics: later wins), or nullptr.
  [[nodiscard]] const ShellVar* find(std::string_view key) const;
  /// The value of `key`, or `fallback` when it is not set.
  [[nodiscard]] std::string get(std::string_view key, std::string_view fallback = {}) const;
};

/// Parses `KEY=value` lines as a POSIX shell would read simple assignments: single and double
/// quotes, backslash escapes, `export KEY=...`, comments, blank lines, CRLF line ends and
/// backslash-newline continuations. Spaces around `=` are tolerated (some tools write them) and
/// reported as a problem. Lines that are not assignments are reported and skipped.
ShellVarsFile parseShellVars(std::string_view text);

/// True for values a shell config means as yes: "yes", "true", "on", "1" (any case).
bool isYes(std::string_view value);
/// True for "no", "false", "off", "0" (any case).
bool isNo(std::string_view value);

}  // namespace guestprep::os_linux
