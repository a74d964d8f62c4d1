// The auth family's rule types, listed for the registry.
#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> authRuleTypes() { return {}; }

}  // namespace guestprep
