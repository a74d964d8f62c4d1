// Parser for ifupdown's /etc/network/interfaces (and ifupdown2's dialect) and NicConfig conversion.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One option line of an `iface` stanza ("address 10.0.0.2/24").
struct EniOption {
  std::string key;    ///< as written ("bridge_ports" and "bridge-ports" are kept apart here)
  std::string value;  ///< the rest of the line, blanks trimmed
  int line = 0;
};

/// One `iface NAME FAMILY METHOD [inherits TEMPLATE]` stanza with its options.
struct EniIface {
  std::string name;
  std::string family;    ///< "inet", "inet6", "ipx", "can"; empty when the line names none
  std::string method;    ///< "dhcp", "static", ...; empty when the line names none
  std::string inherits;  ///< template stanza named by `inherits`, or empty
  std::string file;      ///< file the stanza is in (the path given to parseEni)
  int line = 0;          ///< line of the `iface` keyword
  std::vector<EniOption> options;

  /// Every value of option `key`, in order; `_` and `-` in keys are the same (ifupdown exports
  /// both as IF_<KEY> with hyphens turned into underscores, interfaces(5) "IFACE OPTIONS").
  [[nodiscard]] std::vector<std::string> values(std::string_view key) const;
  /// The last value of option `key` (same key matching as values()), or "" when absent.
  [[nodiscard]] std::string last(std::string_view key) const;
  /// Whether option `key` is present.
  [[nodiscard]] bool has(std::string_view key) const;
};

/// A line that lists interface names: `auto`, `allow-CLASS`, `no-auto-down`, `no-scripts`.
struct EniNameList {
  std::string keyword;  ///< "auto", "allow-auto", "allow-hotplug", "no-scripts", ...
  std::vector<std::string> names;
  std::string file;
  int line = 0;
};

/// A `mapping PATTERN...` stanza: its script chooses the logical interface at run time.
struct EniMapping {
  std::vector<std::string> patterns;  ///< shell globs over physical interface names
  std::string script;
  std::vector<std::string> maps;  ///< the `map` lines given to the script
  std::string file;
  int line = 0;
};

/// A `source PATTERN` or `source-directory DIR` line (one entry per word of the line).
struct EniInclude {
  bool directory = false;  ///< source-directory (run-parts style names) rather than source
  std::string pattern;     ///< as written; relative paths are relative to the including file
  std::string file;
  int line = 0;
};

/// Everything one interfaces file (or several, appended in reading order) says.
struct EniFile {
  std::vector<EniIface> ifaces;
  std::vector<EniNameList> name_lists;
  std::vector<EniMapping> mappings;
  std::vector<EniInclude> includes;
  std::vector<ConfigProblem> problems;

  /// Whether `name` is brought up at boot: listed by `auto`, `allow-auto` or `allow-hotplug`
  /// (hotplug interfaces come up when udev sees them, which is at boot for a NIC present then).
  [[nodiscard]] bool startsAtBoot(std::string_view name) const;
};

/// Parses one interfaces file as ifupdown reads it (interfaces(5)): `#` comments only as the first
/// non-blank character, backslash continuation (not of comment lines), options belonging to the
/// last `iface` or `mapping` stanza. `path` is recorded in every element and problem for evidence.
/// Lines ifupdown would refuse (misplaced options, unknown family or method, empty values) are
/// problems; ifupdown2-only syntax (`iface NAME` alone, templates) is recorded with a note.
EniFile parseEni(std::string_view text, std::string_view path = {});

/// NicConfigs of a parsed configuration, plus notes on what cannot be known from the files.
struct EniNicConfigs {
  std::vector<NicConfig> configs;
  std::vector<ConfigProblem> problems;
};

/// One NicConfig (stack "eni") per interface name, merging its inet and inet6 stanzas; the first
/// stanza of a family decides that family's method (later ones add addresses). Kind, members,
/// parent and master come from bond/bridge/vlan options and from the name (`eth0.100` is a VLAN,
/// `eth0:1` an alias); `hwaddress` sets set_mac.
EniNicConfigs eniToNicConfigs(const EniFile& eni);

}  // namespace guestprep::os_linux
