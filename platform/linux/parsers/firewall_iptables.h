// Parser for iptables-save output (/etc/sysconfig/iptables, /etc/iptables/rules.v4, ufw's
// user.rules) and an evaluation of what its INPUT rules do to new inbound TCP to one port.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One `-A CHAIN ...` or `-I CHAIN ...` line, split into words (double quotes removed).
struct IptablesRule {
  std::string chain;
  std::vector<std::string> args;  ///< the words after the chain name
  int line = 0;
};

/// A `:CHAIN POLICY [n:m]` declaration.
struct IptablesChain {
  std::string name;
  std::string policy;  ///< "ACCEPT", "DROP", or "-" for a user chain
  int line = 0;
};

/// One `*table` ... `COMMIT` block; rules in the order the kernel would hold them (-I inserted).
struct IptablesTable {
  std::string name;
  std::vector<IptablesChain> chains;
  std::vector<IptablesRule> rules;

  /// The chain declaration, or nullptr.
  [[nodiscard]] const IptablesChain* chain(std::string_view name) const;
};

struct IptablesSave {
  std::vector<IptablesTable> tables;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set

  /// The table of that name ("filter"), or nullptr.
  [[nodiscard]] const IptablesTable* table(std::string_view name) const;
};

/// Parses the iptables-save format: `#` comments, `*table`, `:CHAIN POLICY [counters]`, `-A`/`-I`
/// rules with double-quoted words, `COMMIT`. A rule of an undeclared chain, a rule outside a
/// table and a table without COMMIT are reported (the rule is kept).
IptablesSave parseIptablesSave(std::string_view text);

/// What a chain decides for one packet, with the rule (or policy) that decided it.
struct PortDecision {
  PortAccess access = PortAccess::kUnknown;
  int line = 0;      ///< the deciding rule's or policy's line; 0 when the fallback decided
  std::string text;  ///< that line in a few words
};

/// Walks `chain` of the filter table for a new TCP connection to `port` from any address on a
/// non-loopback interface, as the kernel would: rules in order, jumps into user chains, RETURN,
/// and the built-in chain's policy at the end. Rules that match only some packets (a source
/// address, an interface, ESTABLISHED state, rate limits, ...) are stepped over: they neither
/// open nor close the port for everyone. When the chain ends without a verdict and has no
/// policy (a user chain such as ufw-user-input), `fallback` decides.
PortDecision tcpPortAccess(const IptablesSave& rules, std::string_view chain, int port,
                           PortAccess fallback = PortAccess::kUnknown);

/// True when the INPUT chain of the filter table filters anything: a DROP policy, or a DROP or
/// REJECT rule in INPUT or a chain it jumps to.
bool filtersInput(const IptablesSave& rules);

/// Whether a port list as iptables and ufw write it ("22", "22:25", "80,22", "1024:") covers
/// `port`.
bool portListCovers(std::string_view list, int port);

}  // namespace guestprep::os_linux
