// Parser for netplan YAML (network: version 2): one file into device definitions, the merge of
// several files, and the NicConfigs the merged definitions produce.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One device definition as one file writes it (fields not written stay unset).
struct NetplanDevice {
  std::string id;    ///< configuration ID (the key under ethernets:, bonds:, ...)
  std::string type;  ///< the block it is defined in: "ethernets", "bonds", "bridges", "vlans", ...
  SourceRef source;  ///< file and line of the ID key
  std::optional<std::string> renderer;  ///< set on the device or on its type block
  std::optional<bool> dhcp4;
  std::optional<bool> dhcp6;
  std::optional<bool> accept_ra;
  std::optional<bool> optional;
  std::vector<std::string> addresses;                  ///< static addresses, CIDR
  std::optional<std::vector<std::string>> link_local;  ///< "ipv4" / "ipv6"; unset: IPv6 only
  bool has_match = false;
  std::optional<std::string> match_mac;  ///< normalised when it is a 6-byte MAC
  int match_mac_line = 0;
  std::optional<std::string> match_name;  ///< glob
  std::optional<std::vector<std::string>> match_driver;
  std::optional<std::string> set_name;
  std::optional<std::string> macaddress;  ///< MAC the device is given
  std::vector<std::string> interfaces;    ///< bond/bridge members, by configuration ID
  std::optional<int> vlan_id;
  std::optional<std::string> link;  ///< VLAN parent, by configuration ID
};

/// What one YAML file says.
struct NetplanFile {
  std::optional<std::string> renderer;  ///< network: renderer:
  std::vector<NetplanDevice> devices;
  std::vector<ConfigProblem> problems;  ///< YAML errors and wrong types, with line (and column)
};

/// Parses one netplan YAML file; `file` is recorded in every SourceRef and problem. Unknown keys
/// are ignored (netplan has many that do not matter here); a YAML syntax error leaves the file
/// without devices.
NetplanFile parseNetplan(std::string_view text, std::string_view file);

/// All files merged the way `netplan generate` does.
struct NetplanConfig {
  std::optional<std::string> renderer;  ///< the last global renderer set
  std::vector<NetplanDevice> devices;   ///< one per ID, in first-definition order
  std::vector<ConfigProblem> problems;  ///< IDs defined under two device types
};

/// Merges files given in lexical order of their names: later scalars override, addresses and
/// interfaces are appended, match: is merged key by key (netplan-generate(8), "HANDLING MULTIPLE
/// FILES").
NetplanConfig mergeNetplan(const std::vector<NetplanFile>& files);

/// The renderer a device is handed to: its own (or its block's), else the global one, else
/// "networkd" (netplan(5): "Default is networkd").
std::string netplanRenderer(const NetplanConfig& config, const NetplanDevice& device);

/// One NicConfig (stack "netplan") per merged device; member and parent IDs are resolved to the
/// names those devices get.
std::vector<NicConfig> netplanNicConfigs(const NetplanConfig& config);

}  // namespace guestprep::os_linux
