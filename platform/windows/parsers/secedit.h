// `secedit /export /cfg FILE` output (an INF file, UTF-16LE): sections of `Key = Value` lines;
// [System Access] holds the password policy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/common.h"

namespace guestprep::os_windows {

struct InfEntry {
  std::string section;  ///< as written ("System Access")
  std::string key;
  std::string value;  ///< trimmed, quotes kept
  int line = 0;
};

struct InfFile {
  std::vector<InfEntry> entries;
  std::vector<ConfigProblem> problems;
  /// The last entry of `key` in `section` (both compared case-insensitively), or nullptr.
  [[nodiscard]] const InfEntry* find(std::string_view section, std::string_view key) const;
};

/// Parses decoded INF text (`decodeWindowsText` first): [Section] headers, Key = Value lines,
/// ';' comments.
InfFile parseInf(std::string_view text);

/// The password policy of a secedit export's [System Access] section; each field is set when
/// the export states it.
struct SeceditPasswordPolicy {
  std::optional<int> minimum_length;    ///< MinimumPasswordLength
  std::optional<bool> complexity;       ///< PasswordComplexity
  std::optional<int> history_size;      ///< PasswordHistorySize
  std::optional<int> maximum_age_days;  ///< MaximumPasswordAge (-1: never expires)
  std::optional<int> minimum_age_days;  ///< MinimumPasswordAge
  std::optional<bool> reversible;       ///< ClearTextPassword
  int line_minimum_length = 0;
  int line_complexity = 0;
};

SeceditPasswordPolicy seceditPasswordPolicy(const InfFile& inf);

}  // namespace guestprep::os_windows
