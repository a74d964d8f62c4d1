// The firewall family's rule types, listed for the registry.
#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> firewallRuleTypes() { return {}; }

}  // namespace guestprep
