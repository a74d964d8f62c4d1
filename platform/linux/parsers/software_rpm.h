// Pure parsers of rpm's command output: `rpm -qa --qf`, `rpm -qa --qf '[%{FILENAMES}...]'` and
// `rpm -V`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/software_facts.h"

namespace guestprep::os_linux {

/// The query format that parseRpmQa reads: name, version-release and arch, tab-separated.
inline constexpr std::string_view kRpmQaFormat = "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n";
/// The query format that parseRpmFileOwners reads: one "path<TAB>package" line per file.
inline constexpr std::string_view kRpmFilesFormat = "[%{FILENAMES}\\t%{NAME}\\n]";

/// Parses `rpm -qa --qf kRpmQaFormat`; malformed lines go to `problems` (line numbers).
std::vector<InstalledPackage> parseRpmQa(std::string_view out,
                                         std::vector<ConfigProblem>& problems);

/// Parses `rpm -qa --qf kRpmFilesFormat` into (path, package) pairs.
std::vector<std::pair<std::string, std::string>> parseRpmFileOwners(std::string_view out);

/// One line of `rpm -V`: "S.5....T.  c /etc/issue" or "missing   c /etc/foo".
struct RpmVerifyLine {
  std::string flags;  ///< the nine (older rpm: eight) test characters, or "missing"
  char attr = ' ';    ///< file attribute: 'c' config, 'd' doc, 'g' ghost, 'l' license, ...
  std::string path;
  int line = 0;
  /// Content or file type differs (size, digest, mode, link target), or the file is missing;
  /// a changed mtime or owner alone is not a modification of what the package shipped.
  [[nodiscard]] bool modified() const;
};

/// Parses `rpm -V` output (rpm(8) "VERIFY OPTIONS"); lines that are not verify results (rpm's
/// own messages) go to `problems`.
std::vector<RpmVerifyLine> parseRpmVerify(std::string_view out,
                                          std::vector<ConfigProblem>& problems);

}  // namespace guestprep::os_linux
