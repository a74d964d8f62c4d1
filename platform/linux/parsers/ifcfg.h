// Parser for ifcfg-* files: RHEL/CentOS network-scripts and SUSE sysconfig/network (wicked).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "parsers/shell_vars.h"

namespace guestprep::os_linux {

/// Which family wrote the file; the two share the format but not the variables.
enum class IfcfgFlavour { kRedHat, kSuse };

/// What decides the settings an ifcfg file leaves out (RedHat only; wicked has no global IPv6
/// switch in /etc/sysconfig/network/config).
struct IfcfgDefaults {
  std::optional<bool> ipv6init;       ///< IPV6INIT in /etc/sysconfig/network
  bool networking_ipv6_off = false;   ///< NETWORKING_IPV6=no in /etc/sysconfig/network
  std::optional<bool> ipv6_autoconf;  ///< IPV6_AUTOCONF in /etc/sysconfig/network
  bool ipv6_forwarding = false;       ///< IPV6FORWARDING=yes in /etc/sysconfig/network
  /// IPV6INIT when neither file sets it: initscripts assume yes, NetworkManager's ifcfg-rh no.
  bool ipv6init_default = true;
};

/// The interface-independent IPv6 settings of a parsed RedHat /etc/sysconfig/network.
IfcfgDefaults redHatIfcfgDefaults(const ShellVarsFile& network);

/// One ifcfg file as a NicConfig, with what was wrong in it.
struct IfcfgConfig {
  NicConfig nic;
  std::vector<ConfigProblem> problems;  ///< file set to the path given to the parser
};

/// The interface name an ifcfg file name stands for ("ifcfg-eth0:0" -> "eth0:0"), or nothing
/// when the stack does not read the file: not "ifcfg-<name>", a backup or package-manager copy,
/// or (RedHat) an alias range file.
std::optional<std::string> ifcfgInterfaceName(std::string_view file_name, IfcfgFlavour flavour);

/// Turns one ifcfg file into a NicConfig. `path` is the file (for evidence), `file_ifname` the
/// name from the file name (see ifcfgInterfaceName). Assignment problems become ConfigProblems.
/// Aliases get starts_at_boot from ONPARENT only; the caller combines it with the parent's.
IfcfgConfig parseIfcfg(const ShellVarsFile& vars, std::string_view path,
                       std::string_view file_ifname, IfcfgFlavour flavour,
                       const IfcfgDefaults& defaults = {});

/// Same, from the file's text.
IfcfgConfig parseIfcfg(std::string_view text, std::string_view path, std::string_view file_ifname,
                       IfcfgFlavour flavour, const IfcfgDefaults& defaults = {});

}  // namespace guestprep::os_linux
