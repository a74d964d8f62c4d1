// Fixers: one per rule type that can be repaired. A fixer reads the system through a Host that
// already shows the actions planned before it (PlannedHost) and returns the actions its finding
// needs, nothing more; run on a fixed system it plans nothing.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "fix/plan.h"
#include "host/host.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

struct FixOptions {
  std::set<std::string> only;  ///< requirement IDs; empty: every fixable finding
  std::set<std::string> skip;
  bool live = false;                   ///< also change the running system (services, sysctl)
  bool allow_package_changes = false;  ///< packages may be removed or installed
};

struct FixContext {
  const Host& host;  ///< the system as the actions planned so far leave it
  const Facts& facts;
  const Finding& finding;
  const Params& params;  ///< the policy rule's parameters
  const FixOptions& options;
};

/// What a fixer returns: the item (actions may be empty, with notes saying why) or an error
/// that says why this finding cannot be fixed automatically.
using PlanFixFn = Result<FixItem> (*)(const FixContext& ctx);

struct Fixer {
  std::string_view rule_type;  ///< the rule type it repairs ("selinux.mode")
  std::string_view summary;
  PlanFixFn plan = nullptr;
  /// Fixes that only run when named with --only (X-MACHINEID: a new identity is a choice).
  bool only_when_asked = false;
};

/// The platform's fixers (platform/<os>/fixers), one explicit table.
const std::vector<Fixer>& platformFixers();
/// The fixer of that rule type in `fixers`, or nullptr.
const Fixer* findFixer(const std::vector<Fixer>& fixers, std::string_view rule_type);

}  // namespace guestprep
