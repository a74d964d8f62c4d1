// The system family's rule types, listed for the registry.
#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> systemRuleTypes() { return {}; }

}  // namespace guestprep
