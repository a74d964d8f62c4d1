// Parser for PAM configuration (/etc/pam.d/* and /etc/pam.conf) and the resolution of one
// service's `password` stack through include, substack and Debian's @include.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One rule line of a PAM file.
struct PamEntry {
  int line = 0;                   ///< line where the (possibly continued) rule starts
  std::string service;            ///< first column of /etc/pam.conf; empty in /etc/pam.d files
  std::string type;               ///< "auth", "account", "password", "session" (lower case);
                                  ///< empty for a Debian `@include FILE` line
  bool ignore_missing = false;    ///< written as "-password"
  std::string control;            ///< "required", "include", "[success=1 default=ignore]"
  std::string module;             ///< module path, or the included file's name
  std::vector<std::string> args;  ///< `[a b]` is one argument "a b" (with `\]` unescaped)
};

/// A parsed PAM file: rules in order, plus lines that could not be understood.
struct PamFile {
  std::vector<PamEntry> entries;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses pam.d syntax (`[-]type control module [args]`), or /etc/pam.conf syntax (a leading
/// service column) with `pam_conf`. Follows Linux-PAM's reader: `#` starts a comment, a
/// backslash at the end of a line continues it, a control in brackets may contain blanks, and an
/// argument in brackets keeps its blanks. `@include FILE` (Debian) becomes an entry with an empty
/// type.
PamFile parsePam(std::string_view text, bool pam_conf = false);

/// Reads a file of the audited system: its content, or nullopt when it does not exist.
using PamFileLoader = std::function<std::optional<std::string>(const std::string& path)>;

/// How Linux-PAM lays the configuration out on this system.
struct PamLayout {
  /// Linux-PAM ignores /etc/pam.conf when /etc/pam.d exists (pam_handlers.c).
  bool has_pam_d = true;
  /// Directories searched for a service or included file, in order (/etc/pam.d, then the
  /// vendor directory /usr/lib/pam.d of Linux-PAM 1.4 and later).
  std::vector<std::string> dirs = {"/etc/pam.d", "/usr/lib/pam.d"};
};

/// Assembles the `password` stack of `service` as Linux-PAM would: the service's file, or the
/// `other` service's when it has none; `include` and `substack` pull the included file's
/// password lines, `@include` pulls every line of the file (then filtered to password). Problems
/// name the file: an unreadable include or a cycle is reported with line 0 on the including file.
PasswordStack resolvePasswordStack(const std::string& service, const PamLayout& layout,
                                   const PamFileLoader& load, std::vector<ConfigProblem>& problems);

}  // namespace guestprep::os_linux
