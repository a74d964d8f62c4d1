// Parsers for the password-quality settings files: pwquality.conf (and passwdqc.conf, which has
// the same `name=value` shape) and /etc/login.defs (`NAME value`).
#pragma once

#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// Settings in file order (the source's file left empty) plus malformed lines.
struct SettingsFile {
  std::vector<ConfigSetting> settings;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// pwquality.conf(5): `name = value` with blanks around `=` ignored, `#` comments, and bare names
/// for flags (`enforce_for_root`, `local_users_only`). libpwquality's reader also cuts a value at
/// a `#`. The same reader serves passwdqc.conf(5) (`name=value`).
SettingsFile parseNameValueConf(std::string_view text);

/// login.defs(5): `NAME value` separated by blanks, `#` comments; a name without a value is
/// reported and skipped.
SettingsFile parseLoginDefs(std::string_view text);

}  // namespace guestprep::os_linux
