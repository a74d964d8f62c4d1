// What the boot network configuration means, derived from NetworkFacts and shared by the network
// rules: which configurations apply at boot, which physical NICs they need, and what pins them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "facts/facts.h"
#include "rules/finding.h"

namespace guestprep {

/// A reason why a NIC configuration may not apply on the new hypervisor.
struct NicPin {
  std::string nic;       ///< the configured name (or "MAC xx" when there is none)
  bool certain = false;  ///< true: it will not apply (MAC pin, impossible name); false: it may not
  Evidence evidence;
};

struct BootNetwork {
  std::vector<const NicConfig*> active;   ///< configs of stacks in use that start at boot (no lo)
  std::vector<const NicConfig*> ignored;  ///< configs that do not apply at boot, with stacks
  std::vector<std::string> ignored_why;   ///< parallel to `ignored`
  /// Physical NICs the boot configuration needs, and the configs that need each.
  std::map<std::string, std::vector<const NicConfig*>> physical;
  std::vector<NicPin> pins;          ///< MAC and name pins of active configs and udev rules
  std::vector<Evidence> unreadable;  ///< files that could not be read (facts incomplete)
  bool eth_names = false;            ///< next boot uses kernel names (net.ifnames=0)
};

/// Derives the boot network view. `hardware_name_patterns` are globs of names that depend on the
/// NIC's hardware position ("en*"): such names are pins too.
BootNetwork deriveBootNetwork(const NetworkFacts& net,
                              const std::vector<std::string>& hardware_name_patterns);

/// Evidence line for a config: "ifcfg: eth0 (dhcp, starts at boot)".
Evidence configEvidence(const NicConfig& c);

/// Shell-style glob match (`*`, `?`), used for name patterns in policies.
bool nameMatches(std::string_view pattern, std::string_view name);

}  // namespace guestprep
