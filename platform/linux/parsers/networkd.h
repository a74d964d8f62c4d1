// Parser for systemd-networkd configuration: .network, .netdev and .link files (and their
// drop-ins), and the NicConfigs and MAC-pinned names they produce.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// What one .network, .netdev or .link file (plus its drop-ins) says.
struct NetworkdUnit {
  enum class Type { kNetwork, kNetDev, kLink };
  Type type = Type::kNetwork;
  SourceRef source;  ///< the main file; line of its [Match] (.network, .link) or [NetDev] header

  // [Match] of .network and .link
  std::vector<std::string> match_names;  ///< globs; a leading "!" inverts the list
  std::vector<std::string> match_macs;   ///< normalised
  int match_mac_line = 0;
  std::string match_type;    ///< Type= (ether, wlan, ...)
  bool match_other = false;  ///< other conditions (Driver=, Path=, ...) narrow the match

  // .network
  std::optional<std::string> dhcp;     ///< "yes", "no", "ipv4" or "ipv6"
  std::vector<std::string> addresses;  ///< [Network] Address= and [Address] Address=
  std::optional<bool> ipv6_accept_ra;
  std::optional<std::string> link_local;  ///< LinkLocalAddressing= as written (lower case)
  bool forwarding = false;  ///< IPForward=/IPv6Forwarding=/IPv6SendRA= turn RA reception off
  std::string bond;
  std::string bridge;
  std::vector<std::string> vlans;  ///< [Network] VLAN=
  std::string set_mac;             ///< [Link] MACAddress=
  bool unmanaged = false;          ///< [Link] Unmanaged=yes
  std::string activation_policy;   ///< [Link] ActivationPolicy=

  // .netdev
  std::string netdev_name;  ///< [NetDev] Name=
  std::string netdev_kind;  ///< [NetDev] Kind=
  std::optional<int> vlan_id;

  // .link
  std::string link_name;  ///< [Link] Name=
  int link_name_line = 0;
  std::optional<std::string> name_policy;  ///< [Link] NamePolicy= (set even when empty)

  std::vector<ConfigProblem> problems;
};

/// The unit type a file name stands for (.network, .netdev, .link), or nothing.
std::optional<NetworkdUnit::Type> networkdUnitType(std::string_view filename);

/// Parses a unit file of the given type.
NetworkdUnit parseNetworkdUnit(std::string_view text, std::string_view file,
                               NetworkdUnit::Type type);

/// Applies a drop-in (`<unit>.d/*.conf`) on top of a parsed unit, as networkd reads it after the
/// main file; `file` is the drop-in's path, for problems.
void applyNetworkdDropIn(NetworkdUnit& unit, std::string_view text, std::string_view file);

/// NicConfigs (stack "networkd") for units given in networkd's processing order (file names in
/// alphanumeric order). A .network identical in its [Match] to an earlier one is dropped: only
/// the first matching file applies (systemd.network(5)). A .netdev without a .network for its
/// name is listed as created but not brought up.
std::vector<NicConfig> networkdNicConfigs(const std::vector<NetworkdUnit>& units);

/// Names .link files pin to MACs ([Match] MACAddress= with [Link] Name=), first file first.
std::vector<PersistentNetRule> networkdLinkRules(const std::vector<NetworkdUnit>& units);

}  // namespace guestprep::os_linux
