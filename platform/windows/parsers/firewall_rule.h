// Windows Firewall rules as the registry stores them (values of
// ...\SharedAccess\Parameters\FirewallPolicy\FirewallRules):
// "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=3389|Name=...|".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_windows {

struct FirewallRule {
  std::string version;  ///< "v2.10"
  std::string name;     ///< Name= (may be an indirect string "@FirewallAPI.dll,-28775")
  bool active = false;
  bool allow = false;                    ///< Action=Allow (Block otherwise)
  bool inbound = false;                  ///< Dir=In
  int protocol = -1;                     ///< 6 TCP, 17 UDP; -1 any
  std::vector<std::string> profiles;     ///< "Domain", "Private", "Public"; empty: all
  std::vector<std::string> local_ports;  ///< "3389", "5000-5010", "RPC"; empty: any
  bool operator==(const FirewallRule&) const = default;
};

/// Parses one rule string; false (with `why`) when it is not a v2 rule.
bool parseFirewallRule(std::string_view text, FirewallRule& rule, std::string& why);

}  // namespace guestprep::os_windows
