// The storage family's rule types, listed for the registry.
#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> storageRuleTypes() { return {}; }

}  // namespace guestprep
