// Facts: the portable, typed, JSON-serialisable snapshot that probes fill and rules evaluate.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "facts/auth_facts.h"
#include "facts/boot_facts.h"
#include "facts/common.h"
#include "facts/firewall_facts.h"
#include "facts/image_facts.h"
#include "facts/software_facts.h"
#include "facts/storage_facts.h"
#include "facts/system_facts.h"
#include "facts/windows_facts.h"

namespace guestprep {

/// Identity of the audited system.
struct OsInfo {
  std::string id;           ///< os-release ID ("centos", "debian"), lower case
  std::string id_like;      ///< os-release ID_LIKE
  std::string name;         ///< NAME
  std::string version_id;   ///< VERSION_ID ("7", "12", "14.04")
  std::string pretty_name;  ///< PRETTY_NAME or the release file's line
  std::string source;       ///< file the identity came from
  std::string kernel;       ///< running kernel release (live only)
  std::string arch;         ///< machine architecture (x86_64)
  std::string hostname;
  bool operator==(const OsInfo&) const = default;
};

/// How an interface gets an address family at boot.
enum class AddrMethod {
  kUnknown,    ///< not stated or not understood
  kNone,       ///< configured without addresses (bond slave, bridge port, manual/none)
  kDhcp,       ///< DHCP (DHCPv6 for IPv6)
  kStatic,     ///< static addresses
  kAuto,       ///< IPv6 autoconfiguration (SLAAC / accept-ra) or NM "auto"
  kLinkLocal,  ///< link-local only
  kDisabled,   ///< the family is explicitly disabled on this interface
};

/// One interface as configured for boot by one network stack.
struct NicConfig {
  std::string name;   ///< interface name ("eth0", "bond0", "eth0:0"); empty if matched by MAC only
  std::string stack;  ///< "ifcfg", "suse-ifcfg", "eni", "netplan", "networkmanager", "networkd"
  SourceRef source;   ///< where it is configured
  bool starts_at_boot = false;  ///< ONBOOT=yes, STARTMODE=auto, "auto eth0", autoconnect, ...
  std::string kind;  ///< "ethernet", "bond", "bridge", "vlan", "alias", "team", "loopback",
                     ///< "wireless", "infiniband", "other"
  std::vector<std::string> members;  ///< bond slaves / bridge ports / team ports named here
  std::string parent;                ///< VLAN parent, or alias base ("eth0" for "eth0:0")
  std::string master;                ///< bond/bridge/team this interface is enslaved to
  AddrMethod ipv4 = AddrMethod::kUnknown;
  AddrMethod ipv6 = AddrMethod::kUnknown;
  std::string match_mac;  ///< configuration applies only to this MAC (HWADDR, match: macaddress,
                          ///< NM ethernet.mac-address, networkd [Match] MACAddress)
  std::string set_mac;    ///< MAC this configuration assigns (MACADDR, hwaddress, cloned-mac)
  std::string set_name;   ///< name this configuration gives the matched device (netplan set-name)
  int match_line = 0;     ///< line of the MAC match, for evidence
  bool operator==(const NicConfig&) const = default;
};

/// A network stack that may configure interfaces at boot.
struct NetworkStack {
  std::string name;      ///< same names as NicConfig::stack
  bool in_use = false;   ///< installed and started at boot, so its configuration applies
  std::string evidence;  ///< why we think so (unit enabled, binary present, ...)
  bool operator==(const NetworkStack&) const = default;
};

/// A udev rule that binds an interface name to a MAC (70-persistent-net.rules and friends).
struct PersistentNetRule {
  SourceRef source;
  std::string mac;
  std::string name;
  bool operator==(const PersistentNetRule&) const = default;
};

/// One `key = value` line of sysctl configuration, in the order sysctl applies them.
struct SysctlSetting {
  SourceRef source;
  std::string key;  ///< normalised to dots: "net.ipv6.conf.all.disable_ipv6"
  std::string value;
  bool operator==(const SysctlSetting&) const = default;
};

/// A kernel command line the next boot may use (GRUB defaults, a grub.cfg entry) or uses now.
struct KernelCmdline {
  SourceRef source;
  std::vector<std::string> args;
  bool operator==(const KernelCmdline&) const = default;
};

/// A network interface present now (/sys/class/net).
struct RuntimeNic {
  std::string name;
  std::string mac;
  bool physical = false;  ///< backed by a device (not lo, bridge, bond, veth, tun, ...)
  std::string operstate;
  bool operator==(const RuntimeNic&) const = default;
};

/// An IPv6 address assigned now (/proc/net/if_inet6).
struct Inet6Addr {
  std::string address;  ///< canonical text form ("fe80::1")
  std::string ifname;
  int prefix_len = 0;
  std::string scope;  ///< "global", "link", "host", "site", "compat"
  bool operator==(const Inet6Addr&) const = default;
};

/// Network facts: configuration for the next boot and state now.
struct NetworkFacts {
  std::vector<NetworkStack> stacks;
  std::vector<NicConfig> configs;
  std::vector<ConfigProblem> problems;  ///< files that could not be read or parsed
  std::vector<PersistentNetRule> persistent_net_rules;
  std::vector<SysctlSetting> sysctl;  ///< IPv6-related settings in application order
  std::vector<KernelCmdline> boot_cmdlines;
  /// Problems reading the boot loader configuration (so `boot_cmdlines` may be incomplete);
  /// kept apart from `problems`, which are about interface configuration files.
  std::vector<ConfigProblem> boot_problems;
  bool cloud_init_network = false;  ///< cloud-init installed and allowed to configure the network
  std::string cloud_init_evidence;
  Observed<std::vector<RuntimeNic>> runtime_nics;
  Observed<std::vector<Inet6Addr>> runtime_ipv6;
  Observed<KernelCmdline> runtime_cmdline;
  bool operator==(const NetworkFacts&) const = default;
};

/// Everything probes collected about one system.
struct Facts {
  int schema_version = kFactsSchemaVersion;
  std::string tool_version;
  std::string collected_at;  ///< UTC, ISO 8601
  std::string host;          ///< Host::describe()
  bool runtime = false;      ///< Host::hasRuntimeState()
  OsInfo os;
  NetworkFacts network;
  SystemFacts system;      ///< release files, key system files, accounts, SELinux, resolv.conf
  FirewallFacts firewall;  ///< firewalls and sshd, at next boot and now
  BootFacts boot;          ///< default boot kernel, its modules and initramfs
  AuthFacts auth;          ///< password policy (PAM, pwquality, login.defs), shadow attributes
  StorageFacts storage;    ///< fstab, mounts, partitions, filesystems, free space
  SoftwareFacts software;  ///< packages and services of interest: cloud-init, agents, qemu-ga
  WindowsFacts windows;    ///< Windows version, RDP, firewall (collected == false on Linux)
  /// The disk image file `guestprep image check` read; absent from audits (and their JSON).
  std::optional<ImageFacts> image;
  bool operator==(const Facts&) const = default;
};

void to_json(nlohmann::json& j, const Facts& f);
void from_json(const nlohmann::json& j, Facts& f);

/// Reads a Facts JSON document; throws nlohmann::json::exception with the failing key on bad input.
Facts factsFromJson(const nlohmann::json& j);

std::string toString(AddrMethod m);

}  // namespace guestprep
