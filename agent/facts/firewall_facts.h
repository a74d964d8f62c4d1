// Firewalls and sshd: what runs at next boot and what runs now (L-FIREWALL, L-SSH).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// Filled by the firewall probes; every field documents where it comes from.
struct FirewallFacts {
  bool operator==(const FirewallFacts&) const = default;
};

void to_json(nlohmann::json& j, const FirewallFacts& f);
void from_json(const nlohmann::json& j, FirewallFacts& f);

}  // namespace guestprep
