// Pure parsers of dpkg's database: /var/lib/dpkg/status, info/<pkg>.md5sums, diversions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/common.h"

namespace guestprep::os_linux {

/// One conffile line of a status stanza: " /etc/issue 349d61a0e072d678e3e94923f0c3ce0e".
struct DpkgConffile {
  std::string path;
  std::string md5;        ///< "newconffile" while dpkg is mid-install; otherwise 32 hex digits
  bool obsolete = false;  ///< the package no longer ships it
  int line = 0;
};

/// One stanza of /var/lib/dpkg/status.
struct DpkgPackage {
  std::string name;
  std::string version;
  std::string arch;
  std::string status;  ///< "install ok installed"
  int line = 0;        ///< line of the stanza's Package field
  std::vector<DpkgConffile> conffiles;
  /// The package's files are on disk: the Status field's third word is installed, or a state
  /// after unpacking that still has them (triggers-pending, triggers-awaited, half-configured).
  [[nodiscard]] bool installed() const;
};

struct DpkgStatus {
  std::vector<DpkgPackage> packages;
  std::vector<ConfigProblem> problems;  ///< file left empty: the caller fills it in
};

/// Parses a deb822 status file: stanzas separated by blank lines, "Field: value", continuation
/// lines starting with a blank (deb822(5)).
DpkgStatus parseDpkgStatus(std::string_view text);

/// One line of an md5sums file.
struct Md5sumEntry {
  std::string path;  ///< absolute ("/usr/bin/ls"); the file itself has no leading slash
  std::string md5;   ///< lower-case hex
  int line = 0;
};

struct Md5sums {
  std::vector<Md5sumEntry> entries;
  std::vector<ConfigProblem> problems;
};

/// Parses md5sum(1) output as dpkg stores it: "<32 hex>  <path relative to />".
Md5sums parseMd5sums(std::string_view text);

/// One diversion: `from` is what packages install, `to` where dpkg puts it instead.
struct DpkgDiversion {
  std::string from;
  std::string to;
  std::string package;  ///< the diverting package (":" for a local diversion)
};

/// Parses /var/lib/dpkg/diversions: triplets of lines (from, to, package).
std::vector<DpkgDiversion> parseDpkgDiversions(std::string_view text,
                                               std::vector<ConfigProblem>& problems);

}  // namespace guestprep::os_linux
