// Firewalls and sshd: what runs at next boot and what runs now (L-FIREWALL, L-SSH).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// What a set of firewall rules does to a new inbound TCP connection to the SSH port from any
/// address on a normal (non-loopback) interface.
enum class PortAccess {
  kUnknown,  ///< not determined (no rules read, or rules too conditional to tell)
  kAllowed,  ///< accepted
  kBlocked,  ///< dropped or rejected
};

/// One observation behind a fact: a file and line (or a command) and what it says.
struct FirewallNote {
  SourceRef source;  ///< file and line, or the command ("iptables-save") with line 0
  std::string text;
  bool operator==(const FirewallNote&) const = default;
};

/// One firewall product found on the system and its persisted configuration.
struct FirewallProduct {
  /// "iptables" (iptables-services / RHEL init script), "netfilter-persistent", "nftables",
  /// "firewalld", "ufw", "SuSEfirewall2".
  std::string name;
  bool installed = false;
  bool enabled_at_boot = false;  ///< its service (or ufw's ENABLED=yes) starts it at boot
  /// The link or script that decided enabled_at_boot, or what is missing; when one line of a
  /// file decided (ufw.conf's ENABLED=), that line as it reads ("ENABLED=no"), and the file and
  /// line are in boot_source.
  std::string boot_evidence;
  SourceRef boot_source;  ///< the file and line that decided, when one line did
  PortAccess ssh_at_boot = PortAccess::kUnknown;  ///< what the persisted rules do to TCP 22
  std::vector<FirewallNote> notes;                ///< the config lines that decided ssh_at_boot
  bool operator==(const FirewallProduct&) const = default;
};

/// Rules loaded in the kernel now, as one command printed them.
struct RuntimeRuleset {
  std::string command;     ///< "iptables-save", "nft list ruleset"
  bool filtering = false;  ///< inbound traffic is filtered (a drop policy or drop/reject rules)
  PortAccess ssh = PortAccess::kUnknown;
  std::vector<FirewallNote> notes;
  bool operator==(const RuntimeRuleset&) const = default;
};

/// A TCP socket listening now (/proc/net/tcp, /proc/net/tcp6, state 0A).
struct ListenSocket {
  std::string address;  ///< "0.0.0.0", "::", "127.0.0.1"
  int port = 0;
  std::string file;  ///< "/proc/net/tcp" or "/proc/net/tcp6"
  bool operator==(const ListenSocket&) const = default;
};

/// One Port or ListenAddress line of sshd_config that applies globally (outside Match).
struct SshListenSetting {
  SourceRef source;
  std::string address;  ///< ListenAddress host; empty for a Port line
  int port = 0;         ///< the port given; 0 for a ListenAddress without one (every Port)
  bool operator==(const SshListenSetting&) const = default;
};

/// sshd: installed, started at boot, where it is configured to listen.
struct SshdFacts {
  bool installed = false;
  std::string installed_evidence;  ///< the binary and the unit/init script/upstart job found
  bool enabled_at_boot = false;
  std::string boot_evidence;  ///< as FirewallProduct's: a link or script, or an upstart stanza
  SourceRef boot_source;      ///< the upstart job file and the stanza's line, when one decided
  bool config_found = false;  ///< /etc/ssh/sshd_config was read
  std::vector<SshListenSetting> ports;   ///< global Port lines (none: the default 22)
  std::vector<SshListenSetting> listen;  ///< global ListenAddress lines (none: all)
  std::string address_family = "any";    ///< AddressFamily (first one wins)
  SourceRef address_family_source;
  std::vector<ConfigProblem> problems;  ///< sshd_config files that could not be read or parsed
  Observed<std::vector<ListenSocket>> listening;  ///< TCP sockets listening now
  bool operator==(const SshdFacts&) const = default;
};

/// Filled by the firewall probes; every field documents where it comes from.
struct FirewallFacts {
  std::vector<FirewallProduct> products;  ///< every firewall product found installed
  /// Runtime rule sets (live host only); the error says why none were read ("offline root").
  /// A command that is not installed is simply absent from the list.
  Observed<std::vector<RuntimeRuleset>> runtime;
  std::vector<ConfigProblem> problems;  ///< firewall files that could not be read or parsed
  SshdFacts sshd;
  bool operator==(const FirewallFacts&) const = default;
};

std::string toString(PortAccess a);

void to_json(nlohmann::json& j, const FirewallFacts& f);
void from_json(const nlohmann::json& j, FirewallFacts& f);

}  // namespace guestprep
