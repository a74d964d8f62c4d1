// Parser for sysctl.conf / sysctl.d files and the order in which the boot applies them.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One `key = value` assignment.
struct SysctlLine {
  int line = 0;
  std::string key;  ///< normalised to the dotted form (see normaliseSysctlKey)
  std::string value;
  bool ignore_failure = false;  ///< written as `-key = value`: a failure to set it is ignored
};

/// The assignments of one file in order, plus lines that are not assignments.
struct SysctlFile {
  std::vector<SysctlLine> settings;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses sysctl.conf(5) / sysctl.d(5) text: `key = value` lines (blanks around `=` optional),
/// whole-line comments starting with `#` or `;`, `-key` meaning "ignore a failure". A line
/// `-pattern` without `=` (systemd's exclusion of a glob) is not an assignment and is skipped
/// silently; any other line without `=` is reported.
SysctlFile parseSysctl(std::string_view text);

/// The dotted form of a sysctl key. sysctl.d(5): "If the first separator is a slash, remaining
/// slashes and dots are left intact. If the first separator is a dot, dots and slashes are
/// interchanged." So "net/ipv6/conf/eth0.100/disable_ipv6" and
/// "net.ipv6.conf.eth0/100.disable_ipv6" name the same file and both come out as the latter.
std::string normaliseSysctlKey(std::string_view key);

/// The sysctl.d directories, most important first (procps sysctl(8) --system; systemd-sysctl
/// reads the same set on systemd systems).
inline constexpr std::array<std::string_view, 5> kSysctlDirs = {
    "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
    "/lib/sysctl.d"};

/// The file that `sysctl --system` applies last.
inline constexpr std::string_view kSysctlConf = "/etc/sysctl.conf";

/// The entries found in one sysctl.d directory.
struct SysctlDirListing {
  std::string dir;
  std::vector<std::string> names;
};

/// The files applied at boot, in application order. `listings` are in kSysctlDirs order (most
/// important first). As sysctl(8) --system documents: "Once a file of a given filename is
/// loaded, any file of the same name in subsequent directories is ignored"; the `*.conf` files
/// so chosen are applied sorted by file name whatever their directory (sysctl.d(5): "All
/// configuration files are sorted by their filename in lexicographic order, regardless of which
/// of the directories they reside in"), then /etc/sysctl.conf when it exists.
std::vector<std::string> sysctlLoadOrder(const std::vector<SysctlDirListing>& listings,
                                         bool sysctl_conf_exists);

}  // namespace guestprep::os_linux
